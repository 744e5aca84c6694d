// Tests of scoring (grading_run) and of both report formats (report_formats).
#include <gtest/gtest.h>

#include <sstream>
#include <string>
#include <utility>

#include <nlohmann/json.hpp>

#include "grading_run.hpp"
#include "report_formats.hpp"
#include "text_assertions.hpp"

namespace pclab::grader {
namespace {

using nlohmann::json;
using std::chrono::milliseconds;

CheckResult passed(std::string name, int points) {
    CheckResult check;
    check.name = std::move(name);
    check.explains = "explains " + check.name;
    check.builds = {"plain"};
    check.max_score = points;
    check.score = points;
    check.passed = true;
    check.duration = milliseconds(120);
    return check;
}

CheckResult failed(std::string name, int points, std::string category, std::string message) {
    CheckResult check = passed(std::move(name), points);
    check.score = 0;
    check.passed = false;
    check.category = std::move(category);
    check.message = std::move(message);
    return check;
}

// Lab 01 loses its 4-point check to a data race (6/10); lab 02 passes everything (8/8).
GradingRun sample_run() {
    LabResult lab01;
    lab01.id = "01";
    lab01.slug = "shared-results";
    lab01.title = "Shared results: many consumers, one list";
    lab01.impl = "unsafe:unsynchronised_vector";
    lab01.checks.push_back(passed("append-contract", 2));
    CheckResult race = failed("exact-results", 4, "data-race",
                              "Data race on a std::vector: thread T3 writes it at "
                              "result_list.hpp:31\nwhile thread T2 reads it at result_list.hpp:40");
    race.builds = {"plain", "tsan"};
    race.seed = 1234;
    race.replay_command =
        "./pclab grade 01 --impl unsafe:unsynchronised_vector --check exact-results --seed 1234";
    race.where = CodeLocation{"result_list.hpp", 31};
    lab01.checks.push_back(race);
    lab01.checks.push_back(passed("no-lost-results", 4));

    LabResult lab02;
    lab02.id = "02";
    lab02.slug = "bounded-buffer";
    lab02.title = "A bounded buffer";
    lab02.impl = "unsafe:unsynchronised_vector";
    lab02.checks.push_back(passed("put-get-contract", 3));
    lab02.checks.push_back(passed("exactly-once", 5));

    GradingRun run;
    run.seed = 1234;
    run.impl = "unsafe:unsynchronised_vector";
    run.duration = milliseconds(4321);
    run.labs = {lab01, lab02};
    return run;
}

// A lab whose code did not compile: every check failed with the lab's category and message.
LabResult compile_error_lab() {
    const std::string error = "bounded_buffer.hpp:12:5: error: expected ';' before '}' token";
    LabResult lab;
    lab.id = "02";
    lab.slug = "bounded-buffer";
    lab.title = "A bounded buffer";
    lab.impl = "student";
    lab.lab_error_category = "compile-error";
    lab.lab_error = error;
    for (auto [name, points] : {std::pair{"put-get-contract", 3}, std::pair{"exactly-once", 5}}) {
        CheckResult check = failed(name, points, "compile-error", error);
        check.replay_command = std::string("./pclab grade 02 --impl student --check ") + name;
        lab.checks.push_back(check);
    }
    return lab;
}

// ---------------------------------------------------------------------------------------------
// Scoring

TEST(Scoring, PassedChecksScoreTheirPointsAndFailedChecksNothing) {
    const GradingRun run = sample_run();
    EXPECT_EQ(run.labs[0].score(), 6);
    EXPECT_EQ(run.labs[0].max_score(), 10);
    EXPECT_EQ(run.labs[1].score(), 8);
    EXPECT_EQ(run.labs[1].max_score(), 8);
    EXPECT_EQ(run.score(), 14);
    EXPECT_EQ(run.max_score(), 18);
}

TEST(Scoring, AFailedCheckNeverScoresWhateverItsScoreField) {
    LabResult lab;
    CheckResult check = failed("exact-results", 4, "lost-item", "item 3 was never got");
    check.score = 4;  // An orchestrator bug must not turn into points.
    lab.checks.push_back(check);
    EXPECT_EQ(lab.awarded(lab.checks[0]), 0);
    EXPECT_EQ(lab.score(), 0);
    EXPECT_EQ(lab.max_score(), 4);
}

TEST(Scoring, APassedCheckScoresAllOfItsPoints) {
    LabResult lab;
    CheckResult check = passed("exact-results", 4);
    check.score = 1;  // All-or-nothing: partial scores are not a thing.
    lab.checks.push_back(check);
    EXPECT_EQ(lab.score(), 4);
}

TEST(Scoring, ALabThatCouldNotRunScoresNothing) {
    LabResult lab = compile_error_lab();
    lab.checks[0].passed = true;  // Even if the orchestrator marked a check passed.
    EXPECT_EQ(lab.score(), 0);
    EXPECT_EQ(lab.max_score(), 8);
    EXPECT_FALSE(lab.counts_as_passed(lab.checks[0]));
    EXPECT_EQ(lab.category_of(lab.checks[0]), "compile-error");
}

TEST(Scoring, AnUnclassifiedFailureIsReportedAsAnAssertion) {
    LabResult lab;
    lab.checks.push_back(failed("exact-results", 4, "", ""));
    EXPECT_EQ(lab.category_of(lab.checks[0]), "assertion");
    EXPECT_EQ(lab.message_of(lab.checks[0]), "explains exact-results");
}

// A lab 06-like lab: two correctness checks and a performance check gated by them.
LabResult gated_lab(bool correctness_passes, bool fast) {
    LabResult lab;
    lab.id = "06";
    lab.slug = "performance";
    lab.title = "Performance";
    lab.impl = "student";
    lab.checks.push_back(passed("contract-basics", 1));
    lab.checks.push_back(correctness_passes
                             ? passed("explored-shutdown", 1)
                             : failed("explored-shutdown", 1, "deadlock", "every thread slept"));
    CheckResult speed = fast ? passed("faster-than-textbook", 10)
                             : failed("faster-than-textbook", 10, "assertion", "ratio 1.1 < 3");
    speed.gated_by_all = true;
    lab.checks.push_back(speed);
    return lab;
}

TEST(Scoring, APerformanceCheckScoresWhenEveryCorrectnessCheckPassed) {
    const LabResult lab = gated_lab(true, true);
    EXPECT_TRUE(lab.gate_open());
    EXPECT_FALSE(lab.held_by_gate(lab.checks[2]));
    EXPECT_EQ(lab.awarded(lab.checks[2]), 10);
    EXPECT_EQ(lab.score(), 12);
}

TEST(Scoring, APerformanceCheckScoresNothingWhenACorrectnessCheckFailed) {
    const LabResult lab = gated_lab(false, true);
    EXPECT_FALSE(lab.gate_open());
    EXPECT_TRUE(lab.held_by_gate(lab.checks[2]));
    EXPECT_FALSE(lab.counts_as_passed(lab.checks[2]));
    EXPECT_EQ(lab.awarded(lab.checks[2]), 0);
    EXPECT_EQ(lab.score(), 1);
    EXPECT_EQ(lab.max_score(), 12);
    // The reason names the gate and what closed it; the category is the correctness failure's.
    EXPECT_EQ(lab.message_of(lab.checks[2]),
              "performance points need every correctness check to pass; failed: "
              "explored-shutdown");
    EXPECT_EQ(lab.category_of(lab.checks[2]), "deadlock");
}

TEST(Scoring, ASlowPerformanceCheckKeepsItsOwnReasonWhateverTheGate) {
    for (const bool correctness_passes : {true, false}) {
        const LabResult lab = gated_lab(correctness_passes, false);
        EXPECT_FALSE(lab.held_by_gate(lab.checks[2]));
        EXPECT_EQ(lab.awarded(lab.checks[2]), 0);
        EXPECT_EQ(lab.category_of(lab.checks[2]), "assertion");
        EXPECT_EQ(lab.message_of(lab.checks[2]), "ratio 1.1 < 3");
    }
}

TEST(Scoring, CorrectnessChecksAreNeverGated) {
    const LabResult lab = gated_lab(false, false);
    EXPECT_EQ(lab.awarded(lab.checks[0]), 1);
    EXPECT_TRUE(lab.counts_as_passed(lab.checks[0]));
}

TEST(Scoring, ALabThatCouldNotRunHoldsItsPerformanceCheckAsAnError) {
    LabResult lab = gated_lab(true, true);
    lab.lab_error_category = "compile-error";
    lab.lab_error = "queue.hpp:1: error";
    EXPECT_FALSE(lab.held_by_gate(lab.checks[2]));
    EXPECT_EQ(lab.score(), 0);
    EXPECT_EQ(lab.category_of(lab.checks[2]), "compile-error");
}

TEST(Scoring, AnEmptyRunScoresZeroOfZero) {
    const GradingRun run;
    EXPECT_EQ(run.score(), 0);
    EXPECT_EQ(run.max_score(), 0);
}

// ---------------------------------------------------------------------------------------------
// JSON

TEST(JsonReport, HasExactlyTheContractKeysAtTheTop) {
    const json report = to_json(sample_run());
    EXPECT_EQ(report.at("score"), 14);
    EXPECT_EQ(report.at("max_score"), 18);
    EXPECT_EQ(report.at("seed"), 1234U);
    EXPECT_EQ(report.at("impl"), "unsafe:unsynchronised_vector");
    EXPECT_EQ(report.at("duration_ms"), 4321);
    ASSERT_TRUE(report.at("labs").is_array());
    EXPECT_EQ(report.at("labs").size(), 2U);
}

TEST(JsonReport, LabsCarryTheirScoresAndNoErrorWhenTheyRan) {
    const json lab = to_json(sample_run()).at("labs")[0];
    EXPECT_EQ(lab.at("id"), "01");
    EXPECT_EQ(lab.at("slug"), "shared-results");
    EXPECT_EQ(lab.at("title"), "Shared results: many consumers, one list");
    EXPECT_EQ(lab.at("impl"), "unsafe:unsynchronised_vector");
    EXPECT_EQ(lab.at("score"), 6);
    EXPECT_EQ(lab.at("max_score"), 10);
    EXPECT_FALSE(lab.contains("error"));
    EXPECT_EQ(lab.at("checks").size(), 3U);
}

TEST(JsonReport, APassedCheckHasStatusPassedAndNullCategory) {
    const json check = to_json(sample_run()).at("labs")[0].at("checks")[0];
    EXPECT_EQ(check.at("name"), "append-contract");
    EXPECT_EQ(check.at("status"), "passed");
    ASSERT_TRUE(check.contains("category"));
    EXPECT_TRUE(check.at("category").is_null());
    EXPECT_EQ(check.at("score"), 2);
    EXPECT_EQ(check.at("max_score"), 2);
    EXPECT_EQ(check.at("message"), "");
    EXPECT_EQ(check.at("builds"), json({"plain"}));
    EXPECT_EQ(check.at("duration_ms"), 120);
    EXPECT_FALSE(check.contains("seed"));
    EXPECT_FALSE(check.contains("replay"));
    EXPECT_FALSE(check.contains("location"));
}

TEST(JsonReport, AFailedCheckHasStatusCategoryReasonSeedReplayAndLocation) {
    const json check = to_json(sample_run()).at("labs")[0].at("checks")[1];
    EXPECT_EQ(check.at("name"), "exact-results");
    EXPECT_EQ(check.at("status"), "failed");
    EXPECT_EQ(check.at("category"), "data-race");
    EXPECT_EQ(check.at("score"), 0);
    EXPECT_EQ(check.at("max_score"), 4);
    EXPECT_EQ(check.at("message"),
              "Data race on a std::vector: thread T3 writes it at result_list.hpp:31\nwhile "
              "thread T2 reads it at result_list.hpp:40");
    EXPECT_EQ(check.at("seed"), 1234U);
    EXPECT_EQ(check.at("replay"),
              "./pclab grade 01 --impl unsafe:unsynchronised_vector --check exact-results --seed "
              "1234");
    EXPECT_EQ(check.at("location"), json({{"file", "result_list.hpp"}, {"line", 31}}));
    EXPECT_EQ(check.at("builds"), json({"plain", "tsan"}));
}

TEST(JsonReport, EveryCheckHasTheRequiredKeys) {
    GradingRun run = sample_run();
    run.labs.push_back(compile_error_lab());
    for (const json& lab : to_json(run).at("labs")) {
        for (const json& check : lab.at("checks")) {
            for (const char* key : {"name", "status", "category", "score", "max_score", "message",
                                    "builds", "duration_ms"}) {
                EXPECT_TRUE(check.contains(key)) << key << " missing in " << check.dump();
            }
            EXPECT_TRUE(check.at("status") == "passed" || check.at("status") == "failed");
            EXPECT_EQ(check.at("category").is_null(), check.at("status") == "passed");
        }
    }
}

TEST(JsonReport, ALabThatCouldNotRunHasAnErrorAndFailedChecks) {
    GradingRun run;
    run.labs.push_back(compile_error_lab());
    const json lab = to_json(run).at("labs")[0];
    EXPECT_EQ(lab.at("error"),
              json({{"category", "compile-error"},
                    {"message", "bounded_buffer.hpp:12:5: error: expected ';' before '}' token"}}));
    EXPECT_EQ(lab.at("score"), 0);
    EXPECT_EQ(lab.at("max_score"), 8);
    for (const json& check : lab.at("checks")) {
        EXPECT_EQ(check.at("status"), "failed");
        EXPECT_EQ(check.at("category"), "compile-error");
        EXPECT_EQ(check.at("score"), 0);
    }
}

TEST(JsonReport, AFailedCheckWithAScoreFieldReportsZeroPoints) {
    GradingRun run = sample_run();
    run.labs[0].checks[1].score = 4;
    const json report = to_json(run);
    EXPECT_EQ(report.at("labs")[0].at("checks")[1].at("score"), 0);
    EXPECT_EQ(report.at("score"), 14);
}

TEST(JsonReport, KeepsLargeSeedsExact) {
    GradingRun run;
    run.seed = 18446744073709551615ULL;
    EXPECT_EQ(to_json(run).at("seed").get<std::uint64_t>(), 18446744073709551615ULL);
    EXPECT_TRUE(contains(to_json(run).dump(), "18446744073709551615"));
}

// ---------------------------------------------------------------------------------------------
// Text

TEST(TextReport, StartsWithTheSeedAndImplementation) {
    const std::string text = to_text(sample_run(), false);
    EXPECT_EQ(
        text.rfind("pclab grade — seed 1234, implementation: unsafe:unsynchronised_vector\n", 0),
        0U)
        << text;
}

TEST(TextReport, ShowsEveryLabAndCheckWithItsScore) {
    const std::string text = to_text(sample_run(), false);
    EXPECT_TRUE(
        contains(text, "Lab 01  shared-results — Shared results: many consumers, one list"));
    EXPECT_TRUE(contains(text, "Lab 02  bounded-buffer — A bounded buffer"));
    EXPECT_TRUE(contains(text, "✔ append-contract"));
    EXPECT_TRUE(contains(text, "✘ exact-results"));
    EXPECT_TRUE(contains(text, "✔ exactly-once"));
    EXPECT_TRUE(contains(text, " 6/10\n"));
    EXPECT_TRUE(contains(text, " 8/8\n"));
    EXPECT_TRUE(contains(text, " 0/4   data-race\n"));
}

TEST(TextReport, AlignsTheScoreColumnOfEveryCheck) {
    const std::string text = to_text(sample_run(), false);
    // The score column starts at the same byte offset in every check row (all ASCII after the
    // mark, which is three bytes in UTF-8 for both ✔ and ✘).
    std::size_t column = std::string::npos;
    std::size_t rows = 0;
    std::istringstream in(text);
    for (std::string line; std::getline(in, line);) {
        if (line.rfind("  ✔ ", 0) != 0 && line.rfind("  ✘ ", 0) != 0) {
            continue;
        }
        const std::size_t slash = line.find('/');
        ASSERT_NE(slash, std::string::npos) << line;
        if (column == std::string::npos) {
            column = slash;
        }
        EXPECT_EQ(slash, column) << line;
        ++rows;
    }
    EXPECT_EQ(rows, 5U);
}

TEST(TextReport, ExplainsEveryLostPointWithReasonLocationSeedAndReplay) {
    const std::string text = to_text(sample_run(), false);
    EXPECT_TRUE(contains(text, "Lost points\n"));
    EXPECT_TRUE(contains(text,
                         "  01 exact-results (data-race): Data race on a std::vector: thread T3 "
                         "writes it at result_list.hpp:31\n"
                         "     while thread T2 reads it at result_list.hpp:40\n"));
    EXPECT_TRUE(contains(text, "     look at result_list.hpp:31\n"));
    EXPECT_TRUE(contains(text,
                         "     seed 1234 · replay: ./pclab grade 01 --impl "
                         "unsafe:unsynchronised_vector --check exact-results --seed 1234\n"));
}

// A run of lab 02 with a hidden check that passed and one that failed.
GradingRun run_with_hidden_checks() {
    GradingRun run = sample_run();
    CheckResult fan_in = passed("timed-put-fan-in", 2);
    fan_in.hidden = true;
    CheckResult lost = failed("hidden-lost", 1, "lost-item", "item 3 of producer 0 was lost");
    lost.hidden = true;
    run.labs[1].checks.push_back(fan_in);
    run.labs[1].checks.push_back(lost);
    return run;
}

TEST(TextReport, MarksHiddenChecksInTheirRowsAndLostPoints) {
    const std::string text = to_text(run_with_hidden_checks(), false);
    EXPECT_TRUE(contains(text, "  ✔ timed-put-fan-in (hidden) "));
    EXPECT_TRUE(contains(text, "  ✘ hidden-lost (hidden) "));
    EXPECT_TRUE(contains(text, "  02 hidden-lost (hidden) (lost-item): item 3 of producer 0"));
    EXPECT_FALSE(contains(text, "exactly-once (hidden)"));
}

TEST(JsonReport, SaysWhichChecksAreHidden) {
    const json labs = to_json(run_with_hidden_checks()).at("labs");
    EXPECT_EQ(labs[0].at("checks")[0].at("hidden"), false);
    EXPECT_EQ(labs[1].at("checks")[2].at("name"), "timed-put-fan-in");
    EXPECT_EQ(labs[1].at("checks")[2].at("hidden"), true);
    EXPECT_EQ(labs[1].at("checks")[2].at("status"), "passed");
}

TEST(TextReport, DoesNotListPassedChecksAsLostPoints) {
    const std::string text = to_text(sample_run(), false);
    EXPECT_FALSE(contains(text, "01 append-contract ("));
    EXPECT_FALSE(contains(text, "02 exactly-once ("));
}

TEST(TextReport, EndsWithTheTotal) {
    const std::string text = to_text(sample_run(), false);
    const std::string last_line = text.substr(text.rfind('\n', text.size() - 2) + 1);
    EXPECT_EQ(last_line, "Total 14/18  (4.3 s)\n");
}

TEST(TextReport, ExplainsALabThatCouldNotRunOnceAndEveryCheckItCost) {
    GradingRun run;
    run.seed = 7;
    run.impl = "student";
    run.labs.push_back(compile_error_lab());
    const std::string text = to_text(run, false);
    EXPECT_TRUE(contains(text, "could not run: compile-error"));
    EXPECT_TRUE(contains(text,
                         "  02 could not run (compile-error): bounded_buffer.hpp:12:5: error: "
                         "expected ';' before '}' token\n"));
    for (const char* name : {"put-get-contract", "exactly-once"}) {
        EXPECT_TRUE(contains(text, std::string("  02 ") + name +
                                       " (compile-error): the lab could not run (see above)\n"));
        EXPECT_TRUE(contains(text, std::string("     replay: ./pclab grade 02 --impl student "
                                               "--check ") +
                                       name + "\n"));
    }
    EXPECT_TRUE(contains(text, "Total 0/8"));
}

TEST(TextReport, ShowsWhyAFastButIncorrectQueueLostItsPerformancePoints) {
    GradingRun run;
    run.impl = "student";
    run.labs = {gated_lab(false, true)};
    const std::string text = to_text(run, false);
    EXPECT_TRUE(contains(text, "faster-than-textbook"));
    EXPECT_TRUE(contains(text, "0/10"));
    EXPECT_TRUE(contains(text,
                         "06 faster-than-textbook (deadlock): performance points need every "
                         "correctness check to pass; failed: explored-shutdown"));
    const json report = to_json(run);
    const json& check = report.at("labs")[0].at("checks")[2];
    EXPECT_EQ(check.at("status"), "failed");
    EXPECT_EQ(check.at("score"), 0);
    EXPECT_EQ(check.at("category"), "deadlock");
    EXPECT_EQ(report.at("score"), 1);
}

TEST(TextReport, SaysWhenNoPointWasLost) {
    GradingRun run = sample_run();
    run.labs.erase(run.labs.begin());
    const std::string text = to_text(run, false);
    EXPECT_FALSE(contains(text, "Lost points"));
    EXPECT_TRUE(contains(text, "Every check passed."));
    EXPECT_TRUE(contains(text, "Total 8/8"));
}

TEST(TextReport, HasNoEscapeSequencesWithoutColour) {
    GradingRun run = sample_run();
    // Compiler output may arrive coloured; a plain report must still be plain.
    run.labs[0].checks[1].message = "\x1b[01;31merror:\x1b[0m expected ';'";
    const std::string text = to_text(run, false);
    EXPECT_EQ(text.find('\x1b'), std::string::npos) << text;
    EXPECT_TRUE(contains(text, "(data-race): error: expected ';'\n"));
}

TEST(TextReport, UsesColourOnlyWhenAskedTo) {
    const std::string text = to_text(sample_run(), true);
    EXPECT_TRUE(contains(text, "\x1b[32m✔\x1b[0m"));
    EXPECT_TRUE(contains(text, "\x1b[31m✘\x1b[0m"));
    EXPECT_TRUE(contains(text, "\x1b[1mTotal 14/18\x1b[0m"));
}

TEST(TextReport, ReportsAnEmptyRun) {
    const std::string text = to_text(GradingRun{}, false);
    EXPECT_TRUE(contains(text, "No labs were graded."));
    EXPECT_TRUE(contains(text, "Total 0/0"));
}

}  // namespace
}  // namespace pclab::grader
