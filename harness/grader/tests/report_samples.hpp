// A hand-made grading run for the tests of the report formats: every case a report must render.
#pragma once

#include <chrono>
#include <string>

#include "grading_run.hpp"

namespace pclab::grader::samples {

// Lab 01 (shared-results, 6/12 with 2 of them hidden):
//   append-contract  2 points, passed
//   exact-results    4 points, failed: data-race, a location in the student's file, seed,
//                    replay command, and a message with every character XML and GitHub
//                    commands must escape
//   no-lost-results  4 points, passed
//   hidden-stress    2 points, failed, hidden (deadlock, no location)
// Lab 02 (bounded-buffer, 0/8): could not run, compile-error, on both checks.
inline GradingRun mixed_run() {
    using std::chrono::milliseconds;
    const auto check = [](std::string name, int points, bool passed) {
        CheckResult result;
        result.name = std::move(name);
        result.explains = "explains " + result.name;
        result.builds = {"plain", "tsan"};
        result.max_score = points;
        result.score = passed ? points : 0;
        result.passed = passed;
        result.duration = milliseconds(1250);
        return result;
    };

    LabResult lab01;
    lab01.id = "01";
    lab01.slug = "shared-results";
    lab01.title = "Shared results: many consumers, one list";
    lab01.impl = "student";
    lab01.checks.push_back(check("append-contract", 2, true));
    CheckResult race = check("exact-results", 4, false);
    race.category = "data-race";
    race.message =
        "Data race on a std::vector<int>: thread T3 writes it at result_list.hpp:31\n"
        "while thread T2 reads it at result_list.hpp:40 & \"quotes\" 'single' 50% a,b:c\r\n"
        "bell\x07 escape\x1b[31m red\x1b[0m";
    race.seed = 1234;
    race.replay_command = "./pclab grade 01 --impl student --check exact-results --seed 1234";
    race.where = CodeLocation{"labs/01-shared-results/result_list.hpp", 31};
    lab01.checks.push_back(race);
    lab01.checks.push_back(check("no-lost-results", 4, true));
    CheckResult hidden = check("hidden-stress", 2, false);
    hidden.hidden = true;
    hidden.category = "deadlock";
    hidden.message = "The watchdog stopped the test: no progress for 4000 ms.";
    hidden.seed = 1234;
    hidden.replay_command = "./pclab grade 01 --impl student --check hidden-stress --seed 1234";
    lab01.checks.push_back(hidden);

    LabResult lab02;
    lab02.id = "02";
    lab02.slug = "bounded-buffer";
    lab02.title = "A bounded buffer";
    lab02.impl = "student";
    lab02.lab_error_category = "compile-error";
    lab02.lab_error =
        "The code does not compile, so no check could run. The compiler's first error:\n"
        "labs/02-bounded-buffer/bounded_buffer.hpp:12:5: error: expected ';' before '}' token";
    for (const auto& [name, points] : {std::pair{"put-get-contract", 3}, {"exactly-once", 5}}) {
        CheckResult failed = check(name, points, false);
        failed.category = "compile-error";
        failed.message = lab02.lab_error;
        failed.duration = milliseconds(0);
        lab02.checks.push_back(failed);
    }

    GradingRun run;
    run.seed = 1234;
    run.impl = "student";
    run.duration = milliseconds(61500);
    run.labs = {lab01, lab02};
    return run;
}

}  // namespace pclab::grader::samples
