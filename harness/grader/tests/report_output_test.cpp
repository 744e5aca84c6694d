// Which reports a grading writes and where (report_output), and --fail-under
// (score_threshold).
#include <gtest/gtest.h>

#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <stdexcept>
#include <string>

#include <nlohmann/json.hpp>

#include "report_output.hpp"
#include "report_samples.hpp"
#include "score_threshold.hpp"

namespace pclab::grader {
namespace {

namespace fs = std::filesystem;

std::string read_text(const fs::path& path) {
    std::ifstream in(path);
    return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

std::string problem_with(const std::string& formats, const ReportDestination& destination) {
    return report_destination_problem(parse_report_formats(formats), destination);
}

TEST(ReportFormats, ParsesOneOrSeveralKnownFormats) {
    EXPECT_EQ(parse_report_formats("text"), std::vector<ReportFormat>{ReportFormat::text});
    EXPECT_EQ(parse_report_formats("github,json"),
              (std::vector<ReportFormat>{ReportFormat::github, ReportFormat::json}));
    EXPECT_EQ(parse_report_formats("text,json,junit,gradescope,github").size(), 5U);
}

TEST(ReportFormats, RefusesUnknownRepeatedAndEmptyNames) {
    for (const char* bad : {"xml", "text,text", "", "text,", ",json", "Text"}) {
        EXPECT_THROW(parse_report_formats(bad), std::invalid_argument) << bad;
    }
    try {
        parse_report_formats("text,xml");
        FAIL() << "xml was accepted";
    } catch (const std::invalid_argument& error) {
        EXPECT_NE(std::string(error.what()).find("'xml'"), std::string::npos) << error.what();
        EXPECT_NE(std::string(error.what()).find("gradescope"), std::string::npos) << error.what();
    }
}

TEST(ReportDestinations, SeveralFormatsNeedAnOutputDirectory) {
    EXPECT_EQ(problem_with("text", {}), "");
    EXPECT_EQ(problem_with("json", {"report.json", std::nullopt}), "");
    EXPECT_EQ(problem_with("junit", {}), "");
    EXPECT_NE(problem_with("text,json", {}).find("--output-dir"), std::string::npos);
    EXPECT_NE(problem_with("text,json", {"r.json", std::nullopt}).find("--output-dir"),
              std::string::npos);
    EXPECT_NE(problem_with("github", {}).find("--output-dir"), std::string::npos);
    EXPECT_EQ(problem_with("text,json,github", {std::nullopt, "out"}), "");
    EXPECT_NE(problem_with("json", {"r.json", "out"}), "");
}

class WrittenReports : public ::testing::Test {
  protected:
    void SetUp() override {
        dir_ = fs::temp_directory_path() / ("pclab-reports-" + std::to_string(::getpid()));
        fs::remove_all(dir_);
        ::unsetenv("GITHUB_STEP_SUMMARY");
        ::unsetenv("GITHUB_ACTIONS");
    }
    void TearDown() override {
        ::unsetenv("GITHUB_STEP_SUMMARY");
        ::unsetenv("GITHUB_ACTIONS");
        fs::remove_all(dir_);
    }
    fs::path dir_;
};

TEST_F(WrittenReports, EveryFormatWritesItsFilesIntoTheDirectory) {
    const GradingRun run = samples::mixed_run();
    ::testing::internal::CaptureStdout();
    ASSERT_TRUE(write_reports(run, parse_report_formats("text,json,junit,gradescope,github"),
                              {std::nullopt, dir_ / "reports"}, true));
    EXPECT_EQ(::testing::internal::GetCapturedStdout(), "");  // nothing outside Actions
    const fs::path out = dir_ / "reports";
    for (const char* name : {"report.txt", "report.json", "junit.xml", "results.json",
                             "github-summary.md", "github-annotations.txt"}) {
        EXPECT_TRUE(fs::is_regular_file(out / name)) << name;
    }
    EXPECT_EQ(read_text(out / "report.txt").find('\x1b'), std::string::npos)
        << "a text report in a file is never coloured";
    EXPECT_EQ(nlohmann::json::parse(read_text(out / "report.json")).at("score"), 6);
    EXPECT_EQ(nlohmann::json::parse(read_text(out / "results.json")).at("score"), 6);
    EXPECT_EQ(read_text(out / "junit.xml").rfind("<?xml", 0), 0U);
    EXPECT_EQ(read_text(out / "github-annotations.txt").rfind("::error ", 0), 0U);
}

TEST_F(WrittenReports, OneFormatGoesToItsOutputFile) {
    fs::create_directories(dir_);
    ASSERT_TRUE(write_reports(samples::mixed_run(), parse_report_formats("gradescope"),
                              {dir_ / "mine.json", std::nullopt}, false));
    EXPECT_EQ(nlohmann::json::parse(read_text(dir_ / "mine.json")).at("max_score"), 20);
}

TEST_F(WrittenReports, InGithubActionsTheSummaryIsAppendedAndAnnotationsPrinted) {
    fs::create_directories(dir_);
    const fs::path step_summary = dir_ / "step-summary.md";
    std::ofstream(step_summary) << "an earlier step's summary\n";
    ::setenv("GITHUB_STEP_SUMMARY", step_summary.c_str(), 1);
    ::setenv("GITHUB_ACTIONS", "true", 1);
    ::testing::internal::CaptureStdout();
    ASSERT_TRUE(write_reports(samples::mixed_run(), parse_report_formats("github"),
                              {std::nullopt, dir_ / "reports"}, false));
    const std::string printed = ::testing::internal::GetCapturedStdout();
    EXPECT_EQ(printed, read_text(dir_ / "reports/github-annotations.txt"));
    EXPECT_EQ(printed.rfind("::error file=labs/01-shared-results/result_list.hpp,line=31,", 0), 0U)
        << printed;
    const std::string summary = read_text(step_summary);
    EXPECT_EQ(summary.rfind("an earlier step's summary\n## pclab grade: 6/20\n", 0), 0U) << summary;
}

TEST_F(WrittenReports, AnUnwritableDirectoryIsReported) {
    fs::create_directories(dir_);
    std::ofstream(dir_ / "a-file") << "not a directory\n";
    EXPECT_FALSE(write_reports(samples::mixed_run(), parse_report_formats("json"),
                               {std::nullopt, dir_ / "a-file"}, false));
}

TEST(FailUnder, PointsAndPercentages) {
    const ScoreThreshold points = ScoreThreshold::parse("12");
    EXPECT_FALSE(points.percent);
    EXPECT_TRUE(points.reached_by(12, 20));
    EXPECT_FALSE(points.reached_by(11, 20));

    const ScoreThreshold half = ScoreThreshold::parse("12.5");
    EXPECT_FALSE(half.reached_by(12, 20));
    EXPECT_TRUE(half.reached_by(13, 20));

    const ScoreThreshold percent = ScoreThreshold::parse("80%");
    EXPECT_TRUE(percent.percent);
    EXPECT_TRUE(percent.reached_by(16, 20));
    EXPECT_FALSE(percent.reached_by(15, 20));
    EXPECT_TRUE(ScoreThreshold::parse("100%").reached_by(20, 20));
    EXPECT_FALSE(ScoreThreshold::parse("100%").reached_by(19, 20));
    EXPECT_TRUE(ScoreThreshold::parse("0").reached_by(0, 20));
    EXPECT_EQ(percent.describe(), "80% of the maximum");
    EXPECT_EQ(half.describe(), "12.5 points");
}

TEST(FailUnder, RefusesWhatIsNotAScore) {
    for (const char* bad :
         {"", "%", "abc", "-1", "101%", "1e3", "0x10", "nan", "inf", "12pts", "80 %"}) {
        EXPECT_THROW(ScoreThreshold::parse(bad), std::invalid_argument) << bad;
    }
}

}  // namespace
}  // namespace pclab::grader
