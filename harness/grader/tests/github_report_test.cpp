// GitHub Actions reports (github_report): workflow-command escaping, the mapping of a check's
// location to the student's file in the repository, the annotations and the job summary.
#include <gtest/gtest.h>

#include <sstream>
#include <string>
#include <vector>

#include "github_report.hpp"
#include "report_samples.hpp"

namespace pclab::grader {
namespace {

std::vector<std::string> lines_of(const std::string& text) {
    std::vector<std::string> lines;
    std::istringstream in(text);
    for (std::string line; std::getline(in, line);) {
        lines.push_back(line);
    }
    return lines;
}

LabResult lab01() {
    return samples::mixed_run().labs.front();
}

TEST(GithubEscaping, DataEscapesPercentAndLineBreaks) {
    EXPECT_EQ(github_escaped_data("50% a\r\nb:c,d"), "50%25 a%0D%0Ab:c,d");
    EXPECT_EQ(github_escaped_data("%0A"), "%250A");  // not read back as a newline
}

TEST(GithubEscaping, PropertiesAlsoEscapeColonAndComma) {
    EXPECT_EQ(github_escaped_property("50% a\r\nb:c,d"), "50%25 a%0D%0Ab%3Ac%2Cd");
}

TEST(GithubFileMapping, KeepsARepositoryPath) {
    EXPECT_EQ(repository_path(lab01(), {"labs/01-shared-results/result_list.hpp", 31}),
              "labs/01-shared-results/result_list.hpp");
    EXPECT_EQ(repository_path(lab01(), {"labs/01-shared-results/unsafe/x/../y.hpp", 3}),
              "labs/01-shared-results/unsafe/y.hpp");
}

TEST(GithubFileMapping, MapsStagedAndAbsolutePathsBackToTheLabs) {
    EXPECT_EQ(repository_path(lab01(), {"/home/s/kit/build/submissions/sub-42/staging/labs/"
                                        "01-shared-results/result_list.hpp",
                                        31}),
              "labs/01-shared-results/result_list.hpp");
    EXPECT_EQ(repository_path(lab01(), {"/home/s/kit/labs/01-shared-results/unsafe/"
                                        "unsynchronised_vector.hpp",
                                        9}),
              "labs/01-shared-results/unsafe/unsynchronised_vector.hpp");
}

TEST(GithubFileMapping, LeavesOutWhatIsNotAFileOfTheLabs) {
    EXPECT_EQ(repository_path(lab01(), {"concurrent_appends_test.cpp", 12}), std::nullopt);
    EXPECT_EQ(repository_path(lab01(), {"/usr/include/c++/12/bits/stl_vector.h", 1}), std::nullopt);
    EXPECT_EQ(repository_path(lab01(), {"/kit/labs/02-bounded-buffer/bounded_buffer.hpp", 1}),
              std::nullopt);  // another lab's directory, absolute: not this check's file
    EXPECT_EQ(repository_path(lab01(), {"", 0}), std::nullopt);
}

TEST(GithubAnnotations, OneErrorCommandPerFailedCheck) {
    const std::vector<std::string> lines = lines_of(github_annotations(samples::mixed_run()));
    ASSERT_EQ(lines.size(), 4U);
    for (const std::string& line : lines) {
        EXPECT_EQ(line.rfind("::error ", 0), 0U) << line;
    }
}

TEST(GithubAnnotations, ACheckWithALocationPointsAtTheStudentsLine) {
    const std::string line = lines_of(github_annotations(samples::mixed_run())).at(0);
    EXPECT_EQ(line.rfind("::error file=labs/01-shared-results/result_list.hpp,line=31,"
                         "title=01 shared-results%3A exact-results (data-race)::data-race: Data "
                         "race on a std::vector<int>: thread T3 writes it at "
                         "result_list.hpp:31%0Awhile thread T2",
                         0),
              0U)
        << line;
    EXPECT_NE(line.find("50%25 a,b:c%0Abell escape red%0Alook at "
                        "labs/01-shared-results/result_list.hpp:31%0Aseed 1234 · replay: "
                        "./pclab grade 01 --impl student --check exact-results --seed 1234"),
              std::string::npos)
        << line;
    EXPECT_FALSE(line.ends_with("%0A")) << line;
}

TEST(GithubAnnotations, ACheckWithoutALocationHasNoFile) {
    const std::vector<std::string> lines = lines_of(github_annotations(samples::mixed_run()));
    EXPECT_EQ(lines.at(1).rfind("::error title=01 shared-results%3A hidden-stress (deadlock)::"
                                "deadlock: The watchdog stopped the test",
                                0),
              0U)
        << lines.at(1);
    EXPECT_EQ(lines.at(2).rfind("::error title=02 bounded-buffer%3A put-get-contract "
                                "(compile-error)::compile-error: The code does not compile",
                                0),
              0U)
        << lines.at(2);
}

TEST(GithubAnnotations, NoneWhenEveryCheckPassed) {
    GradingRun run = samples::mixed_run();
    run.labs.front().checks.erase(run.labs.front().checks.begin() + 1);
    run.labs.front().checks.pop_back();
    run.labs.pop_back();
    EXPECT_EQ(github_annotations(run), "");
}

TEST(GithubSummary, HasTheTotalATableOfLabsAndEveryLostCheck) {
    const std::string summary = github_summary(samples::mixed_run());
    EXPECT_EQ(summary.rfind("## pclab grade: 6/20\n", 0), 0U) << summary;
    EXPECT_NE(summary.find("| Lab | Score | Result |\n|---|---:|---|\n"
                           "| 01 shared-results — Shared results: many consumers, one list | "
                           "6/12 | ✘ 2 checks failed |\n"
                           "| 02 bounded-buffer — A bounded buffer | 0/8 | ✘ could not run: "
                           "`compile-error` |\n"
                           "| **Total** | **6/20** | |\n"),
              std::string::npos)
        << summary;
    EXPECT_NE(summary.find("**01 shared-results: exact-results** — `data-race`, 0/4\n\n```text\n"
                           "data-race: Data race on a std::vector<int>"),
              std::string::npos)
        << summary;
    EXPECT_NE(summary.find("seed 1234 · replay: ./pclab grade 01 --impl student --check "
                           "exact-results --seed 1234\n```\n"),
              std::string::npos)
        << summary;
    EXPECT_NE(summary.find("**02 bounded-buffer: exactly-once** — `compile-error`, 0/5"),
              std::string::npos)
        << summary;
}

TEST(GithubSummary, AMessageWithBackticksCannotCloseItsCodeBlock) {
    GradingRun run = samples::mixed_run();
    run.labs.front().checks[1].message = "a ``` fence and a ```` longer one";
    const std::string summary = github_summary(run);
    EXPECT_NE(summary.find("`````text\ndata-race: a ``` fence and a ```` longer one\n"),
              std::string::npos)
        << summary;
}

TEST(GithubSummary, EscapesAPipeInATableCell) {
    GradingRun run = samples::mixed_run();
    run.labs.front().title = "a | b";
    EXPECT_NE(github_summary(run).find("| 01 shared-results — a \\| b | 6/12 |"),
              std::string::npos);
}

}  // namespace
}  // namespace pclab::grader
