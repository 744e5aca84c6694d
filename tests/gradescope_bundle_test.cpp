// The Gradescope autograder bundle end to end: `pclab-grader package gradescope` makes the zip,
// which is unzipped into a directory laid out like Gradescope's /autograder (source/,
// submission/, results/); its setup.sh prepares the image, and its run_autograder grades
// submissions as Gradescope would run it. Lab 01 only (the bundle is packaged for it, as for an
// assignment of one lab), to stay within minutes: setup builds a grader and lab 01's submission
// trees from nothing.
#include <gtest/gtest.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <map>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "grader_run.hpp"
#include "isolated_process.hpp"

namespace {

namespace fs = std::filesystem;
using nlohmann::json;
using pclab::end_to_end::kRoot;
using pclab::end_to_end::kScratch;
using pclab::end_to_end::read_text;
using pclab::grader::ProcessEnd;
using pclab::grader::ProcessOutcome;

const fs::path kGradescope = kScratch / "gradescope";  // stands for /autograder

// The scripts' labs come from the bundle's labs.txt, not from PCLAB_GRADESCOPE_LABS.
std::map<std::string, std::string> bundle_environment() {
    return {{"PCLAB_GRADESCOPE_ROOT", kGradescope.string()}, {"PCLAB_GRADESCOPE_LABS", ""}};
}

ProcessOutcome run(std::vector<std::string> argv, const fs::path& working_directory,
                   std::chrono::minutes timeout) {
    pclab::grader::ProcessSpec spec;
    spec.argv = std::move(argv);
    spec.environment = bundle_environment();
    spec.working_directory = working_directory;
    spec.limits.timeout = timeout;
    spec.limits.output_cap_bytes = std::size_t{16} << 20;
    spec.limits.file_size_bytes = std::size_t{1} << 40;  // build trees
    return pclab::grader::run_isolated(spec);
}

std::string describe(const ProcessOutcome& outcome) {
    return "exit " + std::to_string(outcome.exit_code) + " (end " +
           std::to_string(static_cast<int>(outcome.end)) + ")\nstdout:\n" + outcome.stdout_text +
           "\nstderr:\n" + outcome.stderr_text;
}

class GradescopeBundle : public ::testing::Test {
  protected:
    void SetUp() override {
        if (!pclab::end_to_end::kit_has_solutions()) {
            GTEST_SKIP() << pclab::end_to_end::kNeedsSolutions;
        }
    }

    // Packages, unzips and runs setup.sh once for every test of the suite; what went wrong, if
    // anything, is kept for each test to report.
    static void SetUpTestSuite() {
        if (!pclab::end_to_end::kit_has_solutions()) {
            return;  // each test skips: the correct submission is the reference solution
        }
        fs::remove_all(kGradescope);
        fs::create_directories(kGradescope / "source");
        const fs::path zip = kScratch / "autograder.zip";
        const ProcessOutcome packaged = run({PCLAB_GRADER, "--root", kRoot.string(), "package",
                                             "gradescope", "--out", zip.string(), "01"},
                                            kScratch, std::chrono::minutes(5));
        if (packaged.exit_code != 0) {
            problem_ = "package gradescope failed: " + describe(packaged);
            return;
        }
        const ProcessOutcome unzipped = run({"cmake", "-E", "tar", "xf", zip.string()},
                                            kGradescope / "source", std::chrono::minutes(5));
        if (unzipped.exit_code != 0) {
            problem_ = "unzipping failed: " + describe(unzipped);
            return;
        }
        if (fs::exists(kGradescope / "source/kit/solutions")) {
            problem_ = "the bundle holds solutions/";
            return;
        }
        if (read_text(kGradescope / "source/labs.txt") != "01\n") {
            problem_ = "the bundle's labs.txt is not \"01\\n\"";
            return;
        }
        setup_ = run({"bash", (kGradescope / "source/setup.sh").string()}, kGradescope / "source",
                     std::chrono::minutes(40));
        if (setup_.end != ProcessEnd::exited || setup_.exit_code != 0) {
            problem_ = "setup.sh failed: " + describe(setup_);
            return;
        }
        // Gradescope copies run_autograder out of the bundle when it builds the image.
        fs::copy_file(kGradescope / "source/run_autograder", kGradescope / "run_autograder",
                      fs::copy_options::overwrite_existing);
    }

    // Replaces the submission with `files` (name → contents), runs run_autograder as Gradescope
    // does (from /autograder) and reads results/results.json.
    static json grade(const std::map<std::string, std::string>& files) {
        fs::remove_all(kGradescope / "submission");
        fs::remove_all(kGradescope / "results");
        fs::create_directories(kGradescope / "submission");
        for (const auto& [name, contents] : files) {
            std::ofstream(kGradescope / "submission" / name) << contents;
        }
        last_ =
            run({(kGradescope / "run_autograder").string()}, kGradescope, std::chrono::minutes(30));
        return json::parse(read_text(kGradescope / "results/results.json"), nullptr, false);
    }

    static std::string last_run() { return describe(last_); }

    static inline std::string problem_;
    static inline ProcessOutcome setup_;
    static inline ProcessOutcome last_;
};

TEST_F(GradescopeBundle, SetupInstallsNothingWhenEveryPackageIsThere) {
    ASSERT_EQ(problem_, "");
    EXPECT_EQ(setup_.stderr_text.find("apt-get"), std::string::npos) << describe(setup_);
    EXPECT_EQ(setup_.stderr_text.find("installing the Debian packages"), std::string::npos);
    EXPECT_NE(setup_.stderr_text.find("pclab setup: ready"), std::string::npos) << describe(setup_);
}

TEST_F(GradescopeBundle, ACorrectFlatSubmissionScoresFullMarks) {
    ASSERT_EQ(problem_, "");
    const json results = grade(
        {{"result_list.hpp", read_text(kRoot / "solutions/01-shared-results/result_list.hpp")}});
    ASSERT_TRUE(results.is_object()) << last_run();
    EXPECT_GT(results.at("max_score").get<int>(), 0) << results.dump(2);
    EXPECT_EQ(results.at("score"), results.at("max_score")) << results.dump(2) << last_run();
    ASSERT_FALSE(results.at("tests").empty());
    for (const json& test : results.at("tests")) {
        EXPECT_EQ(test.at("status"), "passed") << test.dump(2);
        EXPECT_EQ(test.at("name").get<std::string>().rfind("01 shared-results: ", 0), 0U);
    }
}

TEST_F(GradescopeBundle, ARacySubmissionLosesPointsToADataRace) {
    ASSERT_EQ(problem_, "");
    const json results =
        grade({{"result_list.hpp",
                read_text(kRoot / "labs/01-shared-results/unsafe/unsynchronised_vector.hpp")}});
    ASSERT_TRUE(results.is_object()) << last_run();
    EXPECT_LT(results.at("score").get<int>(), results.at("max_score").get<int>())
        << results.dump(2);
    bool race = false;
    for (const json& test : results.at("tests")) {
        const std::string output = test.at("output");
        if (test.at("status") == "failed" && output.rfind("data-race: ", 0) == 0) {
            race = true;
            // The replay command is one a student can run in their own kit.
            EXPECT_EQ(output.find("--submission"), std::string::npos) << output;
            EXPECT_NE(output.find("replay: ./pclab grade 01 "), std::string::npos) << output;
        }
    }
    EXPECT_TRUE(race) << results.dump(2);
}

TEST_F(GradescopeBundle, AnEmptySubmissionScoresZeroAndSaysWhy) {
    ASSERT_EQ(problem_, "");
    const json results = grade({});
    ASSERT_TRUE(results.is_object()) << last_run();
    EXPECT_EQ(results.at("score"), 0);
    EXPECT_NE(
        results.at("output").get<std::string>().find("No file of this submission could be graded"),
        std::string::npos)
        << results.dump(2);
    for (const json& test : results.at("tests")) {
        EXPECT_EQ(test.at("output").get<std::string>().rfind("missing-file: ", 0), 0U)
            << test.dump(2);
    }
}

TEST_F(GradescopeBundle, AGraderFailureStillGivesResultsWithTheReason) {
    ASSERT_EQ(problem_, "");
    // A submission that is not a directory: the grader refuses it (exit status 2).
    fs::remove_all(kGradescope / "submission");
    fs::remove_all(kGradescope / "results");
    std::ofstream(kGradescope / "submission") << "not a directory\n";
    last_ = run({(kGradescope / "run_autograder").string()}, kGradescope, std::chrono::minutes(5));
    fs::remove(kGradescope / "submission");
    EXPECT_EQ(last_.exit_code, 0) << last_run();
    const json results =
        json::parse(read_text(kGradescope / "results/results.json"), nullptr, false);
    ASSERT_TRUE(results.is_object()) << last_run();
    EXPECT_EQ(results.at("score"), 0);
    const std::string output = results.at("output");
    EXPECT_NE(output.find("could not grade this submission (pclab grade exited with status 2)"),
              std::string::npos)
        << output;
    EXPECT_NE(output.find("is not a directory"), std::string::npos) << output;
}

}  // namespace
