// Gradescope's results.json (gradescope_report): the fields Gradescope reads, the scores of the
// one scoring rule, and the same explanation of a check as the text report gives.
#include <gtest/gtest.h>

#include <sstream>
#include <string>

#include <nlohmann/json.hpp>

#include "gradescope_report.hpp"
#include "report_formats.hpp"
#include "report_samples.hpp"

namespace pclab::grader {
namespace {

using nlohmann::json;

// What Gradescope reads, written and read back as a file would be.
json results_of(const GradingRun& run) {
    return json::parse(to_gradescope(run).dump(2));
}

const json& test_named(const json& results, const std::string& name) {
    for (const json& test : results.at("tests")) {
        if (test.at("name") == name) {
            return test;
        }
    }
    throw std::runtime_error("no test named " + name + " in " + results.dump(2));
}

TEST(GradescopeReport, TopLevelHasScoreMaximumTimeAndOneTestPerCheck) {
    const json results = results_of(samples::mixed_run());
    EXPECT_EQ(results.at("score"), 6);
    EXPECT_EQ(results.at("max_score"), 20);
    EXPECT_EQ(results.at("execution_time"), 62);  // 61.5 s, rounded
    EXPECT_EQ(results.at("output_format"), "text");
    EXPECT_EQ(results.at("test_output_format"), "text");
    ASSERT_EQ(results.at("tests").size(), 6U);
    int sum = 0;
    for (const json& test : results.at("tests")) {
        for (const char* key : {"name", "score", "max_score", "status", "output", "visibility"}) {
            EXPECT_TRUE(test.contains(key)) << key << " missing in " << test.dump();
        }
        sum += test.at("score").get<int>();
    }
    EXPECT_EQ(sum, results.at("score"));
}

TEST(GradescopeReport, APassedCheckIsVisiblePassedWithItsPoints) {
    const json test =
        test_named(results_of(samples::mixed_run()), "01 shared-results: append-contract");
    EXPECT_EQ(test.at("status"), "passed");
    EXPECT_EQ(test.at("score"), 2);
    EXPECT_EQ(test.at("max_score"), 2);
    EXPECT_EQ(test.at("visibility"), "visible");
    EXPECT_EQ(test.at("output"), "passed: explains append-contract\n");
}

TEST(GradescopeReport, AFailedCheckSaysCategoryExplanationLocationSeedAndReplay) {
    const json test =
        test_named(results_of(samples::mixed_run()), "01 shared-results: exact-results");
    EXPECT_EQ(test.at("status"), "failed");
    EXPECT_EQ(test.at("score"), 0);
    EXPECT_EQ(test.at("max_score"), 4);
    const std::string output = test.at("output");
    EXPECT_EQ(output.rfind("data-race: Data race on a std::vector<int>: thread T3 writes it at "
                           "result_list.hpp:31\n",
                           0),
              0U)
        << output;
    EXPECT_NE(output.find("\nlook at labs/01-shared-results/result_list.hpp:31\n"),
              std::string::npos)
        << output;
    EXPECT_NE(output.find("\nseed 1234 · replay: ./pclab grade 01 --impl student --check "
                          "exact-results --seed 1234\n"),
              std::string::npos)
        << output;
    EXPECT_EQ(output.find('\x1b'), std::string::npos) << "terminal colour leaked: " << output;
    EXPECT_EQ(output.find('\r'), std::string::npos) << output;
}

TEST(GradescopeReport, AFailedCheckReadsAsInTheTextReport) {
    const GradingRun run = samples::mixed_run();
    const std::string text = to_text(run, false);
    const std::string output =
        test_named(results_of(run), "01 shared-results: exact-results").at("output");
    std::istringstream lines(output);
    std::string line;
    std::getline(lines, line);
    // The first line follows the check's name in the text report; the others are its
    // continuation lines, indented.
    EXPECT_NE(text.find("01 exact-results (" + line.substr(0, line.find(": ")) +
                        "): " + line.substr(line.find(": ") + 2) + "\n"),
              std::string::npos)
        << line << "\n"
        << text;
    while (std::getline(lines, line)) {
        EXPECT_NE(text.find("     " + line + "\n"), std::string::npos) << line << "\n" << text;
    }
}

TEST(GradescopeReport, AHiddenCheckShowsAfterPublicationAndNotInTheSummary) {
    const json results = results_of(samples::mixed_run());
    const json test = test_named(results, "01 shared-results: hidden-stress");
    EXPECT_EQ(test.at("visibility"), "after_published");
    EXPECT_EQ(test.at("status"), "failed");
    const std::string summary = results.at("output");
    EXPECT_EQ(summary.find("hidden-stress"), std::string::npos) << summary;
    // Lab 01's visible checks: 2 + 4 + 4 points, 6 of them earned.
    EXPECT_NE(summary.find("Lab 01 shared-results: 6/10\n"), std::string::npos) << summary;
    EXPECT_NE(summary.find("1 hidden check is graded too"), std::string::npos) << summary;
}

TEST(GradescopeReport, ALabThatCouldNotRunShowsItsErrorInEveryCheck) {
    const json results = results_of(samples::mixed_run());
    for (const char* name :
         {"02 bounded-buffer: put-get-contract", "02 bounded-buffer: exactly-once"}) {
        const json test = test_named(results, name);
        EXPECT_EQ(test.at("status"), "failed");
        EXPECT_EQ(test.at("score"), 0);
        const std::string output = test.at("output");
        EXPECT_EQ(output.rfind("compile-error: The code does not compile", 0), 0U) << output;
        EXPECT_NE(output.find("bounded_buffer.hpp:12:5: error: expected ';' before '}' token"),
                  std::string::npos)
            << output;
    }
    const std::string summary = results.at("output");
    EXPECT_NE(summary.find("Lab 02 bounded-buffer: 0/8, could not run (compile-error): The code "
                           "does not compile"),
              std::string::npos)
        << summary;
}

TEST(GradescopeReport, TheSummaryGivesTheSeedAndHowToReplay) {
    const std::string summary = results_of(samples::mixed_run()).at("output");
    EXPECT_NE(summary.find("with seed 1234"), std::string::npos) << summary;
    EXPECT_NE(summary.find("replay command"), std::string::npos) << summary;
}

TEST(GradescopeReport, ASubmissionWithNoFileSaysSoAtTheTop) {
    GradingRun run = samples::mixed_run();
    for (LabResult& lab : run.labs) {
        lab.lab_error_category = "missing-file";
        lab.lab_error = "The submission lacks result_list.hpp";
    }
    const json results = results_of(run);
    EXPECT_EQ(results.at("score"), 0);
    const std::string summary = results.at("output");
    EXPECT_NE(summary.find("No file of this submission could be graded"), std::string::npos)
        << summary;
}

TEST(GradescopeReport, AnEmptyRunIsStillValid) {
    const json results = results_of(GradingRun{});
    EXPECT_EQ(results.at("score"), 0);
    EXPECT_TRUE(results.at("tests").is_array());
    EXPECT_TRUE(results.at("tests").empty());
}

}  // namespace
}  // namespace pclab::grader
