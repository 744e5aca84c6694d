#include "gradescope_report.hpp"

#include <algorithm>
#include <cmath>
#include <string>

#include "check_explanation.hpp"

namespace pclab::grader {

using nlohmann::json;

namespace {

std::string lab_name(const LabResult& lab) {
    return lab.id + " " + lab.slug;
}

// The top-level "output": what a student reads above the tests.
std::string summary(const GradingRun& run) {
    std::string text = "pclab graded " + std::to_string(run.labs.size()) +
                       (run.labs.size() == 1 ? " lab" : " labs") + " with seed " +
                       std::to_string(run.seed) + ".\n";
    const bool nothing_submitted =
        !run.labs.empty() && std::all_of(run.labs.begin(), run.labs.end(), [](const auto& lab) {
            return lab.has_error() && lab.error_category() == "missing-file";
        });
    if (nothing_submitted) {
        text +=
            "\nNo file of this submission could be graded: it holds none of the files the labs "
            "ask for, so every check scored 0. Upload the files each lab names below, on their "
            "own (queue.hpp) or in the kit's layout (labs/03-bounded-queue/queue.hpp).\n";
    }
    text += "\n";
    int hidden = 0;
    bool any_failed = false;
    for (const LabResult& lab : run.labs) {
        int score = 0;
        int max_score = 0;
        for (const CheckResult& check : lab.checks) {
            if (check.hidden) {
                ++hidden;
                continue;
            }
            score += lab.awarded(check);
            max_score += std::max(check.max_score, 0);
            any_failed = any_failed || !lab.counts_as_passed(check);
        }
        text +=
            "Lab " + lab_name(lab) + ": " + std::to_string(score) + "/" + std::to_string(max_score);
        if (lab.has_error()) {
            text += ", could not run (" + lab.error_category() +
                    "): " + report_lines(lab.lab_error).front();
        }
        text += "\n";
    }
    if (hidden > 0) {
        text += std::to_string(hidden) + (hidden == 1 ? " hidden check is" : " hidden checks are") +
                " graded too; " + (hidden == 1 ? "it shows" : "they show") +
                " when grades are published.\n";
    }
    if (any_failed) {
        text +=
            "\nEach failed test below says why, with its seed and a replay command. Run the "
            "command in your own copy of the kit, with your files in labs/NN-slug/, to see the "
            "same check run with the same seed.\n";
    }
    return text;
}

}  // namespace

json to_gradescope(const GradingRun& run) {
    json tests = json::array();
    for (const LabResult& lab : run.labs) {
        for (const CheckResult& check : lab.checks) {
            tests.push_back({
                {"name", lab_name(lab) + ": " + check.name},
                {"score", lab.awarded(check)},
                {"max_score", std::max(check.max_score, 0)},
                {"status", lab.counts_as_passed(check) ? "passed" : "failed"},
                {"output", plain_explanation(lab, check)},
                {"visibility", check.hidden ? "after_published" : "visible"},
            });
        }
    }
    return {
        {"score", run.score()},
        {"max_score", run.max_score()},
        {"execution_time",
         static_cast<long long>(std::lround(static_cast<double>(run.duration.count()) / 1000.0))},
        {"output", summary(run)},
        {"output_format", "text"},
        {"test_output_format", "text"},
        {"tests", std::move(tests)},
    };
}

}  // namespace pclab::grader
