// End-to-end checks of the grader itself: `pclab-grader grade` run as a user runs it, on code
// whose verdict is known. A grader that passed broken code or failed correct code would fail
// here, for the declared reason.
#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <iterator>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "grader_run.hpp"
#include "isolated_process.hpp"
#include "lab_catalog.hpp"

namespace {

namespace fs = std::filesystem;
using pclab::end_to_end::catalog;
using pclab::end_to_end::describe;
using pclab::end_to_end::GraderRun;
using pclab::end_to_end::kit_has_solutions;
using pclab::end_to_end::kNeedsSolutions;
using pclab::end_to_end::kRoot;
using pclab::end_to_end::kScratch;
using pclab::end_to_end::read_text;
using pclab::end_to_end::run_grader;
using pclab::grader::ProcessEnd;

TEST(GradeSolution, ScoresFullMarksOnEveryLab) {
    if (!kit_has_solutions()) {
        GTEST_SKIP() << kNeedsSolutions;
    }
    const GraderRun run = run_grader({"grade", "--impl", "solution", "--no-build"});
    ASSERT_EQ(run.outcome.end, ProcessEnd::exited) << describe(run);
    ASSERT_EQ(run.outcome.exit_code, 0) << describe(run);
    ASSERT_TRUE(run.report.is_object()) << describe(run);
    EXPECT_GT(run.report["max_score"].get<int>(), 0);
    EXPECT_EQ(run.report["score"], run.report["max_score"]) << describe(run);
    ASSERT_EQ(run.report["labs"].size(), catalog().labs().size());
    for (const auto& lab : run.report["labs"]) {
        for (const auto& check : lab["checks"]) {
            EXPECT_EQ(check["status"], "passed")
                << lab["id"] << " " << check["name"] << ": " << check["message"];
        }
    }
}

std::vector<std::string> lab_ids() {
    std::vector<std::string> ids;
    for (const auto& lab : catalog().labs()) {
        ids.push_back(lab.id);
    }
    return ids;
}

// No false failure over 20 consecutive grading runs of the labs whose checks wait on other
// threads the most (task_done/join, shutdown), each run with its own base seed: a check that
// fails correct code once in 20 fails here. About 6 s per run on 2 cores.
TEST(GradeSolution, FullMarksInTwentyConsecutiveRunsOfLabs04And05) {
    if (!kit_has_solutions()) {
        GTEST_SKIP() << kNeedsSolutions;
    }
    constexpr int kRuns = 20;
    for (int run_index = 0; run_index < kRuns; ++run_index) {
        const std::string seed = std::to_string(5001 + run_index);
        // Stress builds only: exploration is deterministic for a seed, and its false-failure
        // rate is measured over 10,000 schedules per lab (docs/detection-rates.md).
        const GraderRun run = run_grader({"grade", "04", "05", "--impl", "solution", "--no-build",
                                          "--seed", seed, "--builds", "plain,tsan"});
        ASSERT_EQ(run.outcome.exit_code, 0) << describe(run);
        ASSERT_TRUE(run.report.is_object()) << describe(run);
        ASSERT_GT(run.report["max_score"].get<int>(), 0);
        EXPECT_EQ(run.report["score"], run.report["max_score"])
            << "false failure in run " << run_index + 1 << " (seed " << seed << ")\n"
            << describe(run);
    }
}

// Every unsafe variant must lose points, and in the category its lab.json declares: a
// variant caught only by accident (say, a crash where a data race was promised) fails here.
// One test per lab, so ctest can grade two labs' variants at once (tests/CMakeLists.txt).
// In the student release a variant that replaces only some student files takes the others from
// the student's own files, the stubs here, so its verdict says nothing about the variant: it is
// not graded, and a lab with no other variant is skipped.
class GradeUnsafeVariants : public ::testing::TestWithParam<std::string> {};

TEST_P(GradeUnsafeVariants, EachLosesPointsInItsDeclaredCategory) {
    int graded = 0;
    for (const auto& lab : catalog().labs()) {
        if (lab.id != GetParam()) {
            continue;
        }
        for (const auto& variant : lab.unsafe_variants) {
            if (!kit_has_solutions() && variant.files.size() < lab.student_files.size()) {
                std::cout << "not graded: unsafe:" << variant.name
                          << " takes some files from the stubs (no solutions/)\n";
                continue;
            }
            ++graded;
            SCOPED_TRACE("lab " + lab.id + " unsafe:" + variant.name);
            const GraderRun run =
                run_grader({"grade", lab.id, "--impl", "unsafe:" + variant.name, "--no-build"});
            ASSERT_EQ(run.outcome.exit_code, 0) << describe(run);
            ASSERT_TRUE(run.report.is_object()) << describe(run);
            EXPECT_LT(run.report["score"].get<int>(), run.report["max_score"].get<int>());
            std::set<std::string> categories;
            std::set<std::string> explore_categories;  // of the checks run only by exploration
            for (const auto& check : run.report["labs"][0]["checks"]) {
                if (check["status"] == "failed") {
                    categories.insert(check["category"].get<std::string>());
                    const std::string message = check["message"].get<std::string>();
                    EXPECT_FALSE(message.empty());
                    // A performance check held back by the gate failed nothing of its own: its
                    // message names the correctness checks to replay instead.
                    constexpr std::string_view kHeldByGate =
                        "performance points need every correctness check to pass; failed: ";
                    if (message.starts_with(kHeldByGate)) {
                        EXPECT_GT(message.size(), kHeldByGate.size()) << "no check named";
                        continue;
                    }
                    EXPECT_NE(check.value("replay", ""), "") << "a failure without a replay line";
                    if (check["builds"] == nlohmann::json::array({"explore"})) {
                        explore_categories.insert(check["category"].get<std::string>());
                    }
                }
            }
            const auto declared_among = [&](const std::set<std::string>& seen) {
                return std::any_of(variant.expected_categories.begin(),
                                   variant.expected_categories.end(),
                                   [&](const std::string& c) { return seen.contains(c); });
            };
            EXPECT_TRUE(declared_among(categories)) << describe(run);
            // Every bug that is not a data race is an ordering bug: the controlled scheduler
            // must find it on its own, in a declared category (docs/grading.md, Exploration).
            const auto& declared = variant.expected_categories;
            const bool has_explore_checks =
                std::any_of(lab.checks.begin(), lab.checks.end(), [](const auto& check) {
                    return check.builds == std::vector<std::string>{"explore"};
                });
            if (has_explore_checks &&
                std::find(declared.begin(), declared.end(), "data-race") == declared.end()) {
                EXPECT_TRUE(declared_among(explore_categories))
                    << "exploration did not catch unsafe:" << variant.name << "\n"
                    << describe(run);
            }
        }
    }
    if (graded == 0) {
        GTEST_SKIP() << "every unsafe variant of lab " << GetParam()
                     << " takes some files from the solution, which the student release lacks";
    }
}

INSTANTIATE_TEST_SUITE_P(Lab, GradeUnsafeVariants, ::testing::ValuesIn(lab_ids()),
                         [](const ::testing::TestParamInfo<std::string>& info) {
                             return "lab" + info.param;
                         });

TEST(GradeStub, ScoresZeroWithNotImplementedQuickly) {
    const auto start = std::chrono::steady_clock::now();
    const GraderRun run = run_grader({"grade", "--impl", "student", "--no-build"});
    const auto elapsed = std::chrono::steady_clock::now() - start;
    ASSERT_EQ(run.outcome.exit_code, 0) << describe(run);
    EXPECT_EQ(run.report["score"], 0) << describe(run);
    for (const auto& lab : run.report["labs"]) {
        for (const auto& check : lab["checks"]) {
            EXPECT_EQ(check["category"], "not-implemented") << check["message"];
        }
    }
    // The stubs throw at once; 30 s per lab is the promise, with room for a loaded runner.
    EXPECT_LT(elapsed, std::chrono::seconds(30) * static_cast<int>(catalog().labs().size()));
}

TEST(ListLabs, JsonNamesEachLabsStudentFiles) {
    const GraderRun run = run_grader({"list", "--format", "json"});
    ASSERT_EQ(run.outcome.exit_code, 0) << run.outcome.stderr_text;
    const auto listing = nlohmann::json::parse(run.outcome.stdout_text);
    ASSERT_EQ(listing["labs"].size(), catalog().labs().size());
    const auto& first = listing["labs"][0];
    EXPECT_EQ(first["id"], "01");
    EXPECT_EQ(first["slug"], "shared-results");
    EXPECT_EQ(first["student_files"],
              nlohmann::json::array({"labs/01-shared-results/result_list.hpp"}));
    for (const auto& file : first["student_files"]) {
        EXPECT_TRUE(fs::exists(kRoot / file.get<std::string>())) << file;
    }
}

TEST(GradeUsage, UnknownLabIsAClearErrorWithStatus2) {
    const GraderRun run = run_grader({"grade", "no-such-lab", "--no-build"});
    EXPECT_EQ(run.outcome.exit_code, 2);
    EXPECT_NE(run.outcome.stderr_text.find("unknown lab 'no-such-lab'"), std::string::npos)
        << run.outcome.stderr_text;
    EXPECT_NE(run.outcome.stderr_text.find("shared-results"), std::string::npos)
        << "the error should list the labs";
}

TEST(GradeUsage, UnknownVariantNamesTheLabsVariants) {
    const GraderRun run = run_grader({"grade", "01", "--impl", "unsafe:nope", "--no-build"});
    EXPECT_EQ(run.outcome.exit_code, 2);
    EXPECT_NE(run.outcome.stderr_text.find("unsynchronised_vector"), std::string::npos)
        << run.outcome.stderr_text;
}

TEST(GradeUsage, SeveralFormatsWithoutAnOutputDirectoryAreRefusedBeforeGrading) {
    pclab::grader::ProcessSpec spec;
    spec.argv = {PCLAB_GRADER, "--root",   kRoot.string(), "grade",
                 "01",         "--format", "text,junit",   "--no-build"};
    const pclab::grader::ProcessOutcome outcome = pclab::grader::run_isolated(spec);
    EXPECT_EQ(outcome.exit_code, 2);
    EXPECT_NE(outcome.stderr_text.find("add --output-dir DIR"), std::string::npos)
        << outcome.stderr_text;
    EXPECT_EQ(outcome.stderr_text.find("lab 01"), std::string::npos)
        << "nothing is graded: " << outcome.stderr_text;
}

// --- Submissions: one directory, rewritten between tests, so its build tree is reused. ---

fs::path submission_dir() {
    return kScratch / "submission";
}

void write_submission(const std::map<std::string, std::string>& files) {
    fs::remove_all(submission_dir());
    for (const auto& [relative, text] : files) {
        const fs::path path = submission_dir() / relative;
        fs::create_directories(path.parent_path());
        std::ofstream(path) << text;
    }
}

TEST(GradeSubmission, TakesOnlyStudentFilesAndScoresACorrectOne) {
    if (!kit_has_solutions()) {
        GTEST_SKIP() << kNeedsSolutions;
    }
    write_submission({
        {"labs/01-shared-results/result_list.hpp",
         read_text(kRoot / "solutions/01-shared-results/result_list.hpp")},
        // Not student-editable: must be ignored, never compiled.
        {"labs/01-shared-results/tests/sneaky_test.cpp", "this does not compile"},
    });
    const GraderRun run = run_grader({"grade", "01", "--submission", submission_dir().string()});
    ASSERT_EQ(run.outcome.exit_code, 0) << describe(run);
    EXPECT_EQ(run.report["score"], run.report["max_score"]) << describe(run);
    EXPECT_NE(run.outcome.stderr_text.find("ignored labs/01-shared-results/tests/sneaky_test.cpp"),
              std::string::npos)
        << run.outcome.stderr_text;
}

TEST(GradeSubmission, CompileErrorGradesZeroWithTheFirstError) {
    write_submission({{"labs/01-shared-results/result_list.hpp",
                       "#pragma once\nnamespace pclab { class ResultList { int x = } ; }\n"}});
    const GraderRun run = run_grader({"grade", "01", "--submission", submission_dir().string()});
    ASSERT_EQ(run.outcome.exit_code, 0) << describe(run);
    EXPECT_EQ(run.report["score"], 0);
    const auto& lab = run.report["labs"][0];
    for (const auto& check : lab["checks"]) {
        EXPECT_EQ(check["category"], "compile-error");
        EXPECT_NE(check["message"].get<std::string>().find("result_list.hpp:2"), std::string::npos)
            << check["message"];
    }
}

TEST(GradeSubmission, MissingStudentFileGradesTheLabZeroWithAClearMessage) {
    write_submission({{"README.md", "nothing here"}});
    const GraderRun run = run_grader({"grade", "01", "--submission", submission_dir().string()});
    ASSERT_EQ(run.outcome.exit_code, 0) << describe(run);
    EXPECT_EQ(run.report["score"], 0);
    for (const auto& check : run.report["labs"][0]["checks"]) {
        EXPECT_EQ(check["category"], "missing-file");
        EXPECT_NE(
            check["message"].get<std::string>().find("labs/01-shared-results/result_list.hpp"),
            std::string::npos);
    }
}

// One grading run writes every format into --output-dir, and --fail-under turns a low score
// into exit status 1.
TEST(GradeSubmission, EveryFormatFromOneRunAndExitStatus1BelowFailUnder) {
    write_submission({{"README.md", "nothing here"}});
    const fs::path out = kScratch / "reports";
    fs::remove_all(out);
    pclab::grader::ProcessSpec spec;
    spec.argv = {PCLAB_GRADER,
                 "--root",
                 kRoot.string(),
                 "grade",
                 "01",
                 "--submission",
                 submission_dir().string(),
                 "--format",
                 "text,json,junit,gradescope,github",
                 "--output-dir",
                 out.string(),
                 "--fail-under",
                 "50%"};
    spec.limits.timeout = pclab::end_to_end::kGradingTimeout;
    const pclab::grader::ProcessOutcome outcome = pclab::grader::run_isolated(spec);
    EXPECT_EQ(outcome.exit_code, 1) << outcome.stderr_text;
    EXPECT_NE(outcome.stderr_text.find("is below --fail-under 50% of the maximum"),
              std::string::npos)
        << outcome.stderr_text;
    for (const char* name : {"report.txt", "report.json", "junit.xml", "results.json",
                             "github-summary.md", "github-annotations.txt"}) {
        EXPECT_TRUE(fs::is_regular_file(out / name)) << name << "\n" << outcome.stderr_text;
    }
    const nlohmann::json results =
        nlohmann::json::parse(read_text(out / "results.json"), nullptr, false);
    ASSERT_TRUE(results.is_object()) << read_text(out / "results.json");
    EXPECT_EQ(results["score"], 0);
    EXPECT_EQ(results["tests"][0]["status"], "failed");
    EXPECT_NE(read_text(out / "junit.xml").find("type=\"missing-file\""), std::string::npos);
    EXPECT_EQ(read_text(out / "github-annotations.txt").rfind("::error title=01 shared-results", 0),
              0U);
}

TEST(GradeSubmission, StdMutexInAStudentFileIsRejectedWithFileAndLine) {
    if (!kit_has_solutions()) {
        GTEST_SKIP() << kNeedsSolutions;
    }
    std::string code = read_text(kRoot / "solutions/01-shared-results/result_list.hpp");
    code += "\nnamespace pclab { inline std::mutex escapes_the_scheduler; }\n";
    write_submission({{"labs/01-shared-results/result_list.hpp", code}});
    const GraderRun run = run_grader({"grade", "01", "--submission", submission_dir().string()});
    ASSERT_EQ(run.outcome.exit_code, 0) << describe(run);
    EXPECT_EQ(run.report["score"], 0) << describe(run);
    const std::string line = std::to_string(std::count(code.begin(), code.end(), '\n'));
    for (const auto& check : run.report["labs"][0]["checks"]) {
        EXPECT_EQ(check["category"], "std-sync-name");
        const std::string message = check["message"].get<std::string>();
        EXPECT_NE(message.find("labs/01-shared-results/result_list.hpp:" + line), std::string::npos)
            << message;
        EXPECT_NE(message.find("pclab::mutex"), std::string::npos) << message;
    }
}

// --- Hidden checks: hidden-checks/03-bounded-queue/ ships one (timed-put-fan-in). ---

const std::string kHiddenCheck = "timed-put-fan-in";

bool kit_has_lab03_hidden_checks() {
    return fs::is_regular_file(kRoot / "hidden-checks/03-bounded-queue/checks.json");
}

constexpr const char* kNeedsHiddenChecks =
    "needs hidden-checks/03-bounded-queue/, which the student release does not ship";

// The check called `name` in the first lab of a JSON report, or null.
nlohmann::json check_named(const nlohmann::json& report, const std::string& name) {
    for (const auto& check : report["labs"][0]["checks"]) {
        if (check["name"] == name) {
            return check;
        }
    }
    return nullptr;
}

TEST(HiddenChecks, TheReferenceSolutionPassesLab03sHiddenCheckReportedAsHidden) {
    if (!kit_has_solutions() || !kit_has_lab03_hidden_checks()) {
        GTEST_SKIP() << kNeedsHiddenChecks;
    }
    const GraderRun run = run_grader({"grade", "03", "--impl", "solution", "--no-build"});
    ASSERT_EQ(run.outcome.exit_code, 0) << describe(run);
    ASSERT_TRUE(run.report.is_object()) << describe(run);
    const nlohmann::json hidden = check_named(run.report, kHiddenCheck);
    ASSERT_TRUE(hidden.is_object()) << describe(run);
    EXPECT_EQ(hidden["status"], "passed") << hidden.dump(2);
    EXPECT_EQ(hidden["hidden"], true);
    EXPECT_EQ(hidden["score"], hidden["max_score"]);
    for (const auto& check : run.report["labs"][0]["checks"]) {
        EXPECT_EQ(check["hidden"], check["name"] == kHiddenCheck) << check["name"];
    }
    EXPECT_EQ(run.report["score"], run.report["max_score"]) << describe(run);
}

TEST(HiddenChecks, TheStubFailsTheHiddenCheckAsNotImplemented) {
    if (!kit_has_lab03_hidden_checks()) {
        GTEST_SKIP() << kNeedsHiddenChecks;
    }
    const GraderRun run = run_grader({"grade", "03", "--check", kHiddenCheck, "--no-build"});
    ASSERT_EQ(run.outcome.exit_code, 0) << describe(run);
    const nlohmann::json hidden = check_named(run.report, kHiddenCheck);
    ASSERT_TRUE(hidden.is_object()) << describe(run);
    EXPECT_EQ(hidden["status"], "failed");
    EXPECT_EQ(hidden["category"], "not-implemented") << hidden.dump(2);
}

// maxsize_ignored's put never waits and never throws Full: with one consumer behind maxsize 2,
// the timed producers overrun the bound, which the check sees as capacity-exceeded (a declared
// category of the variant).
TEST(HiddenChecks, MaxsizeIgnoredFailsTheHiddenCheckInItsDeclaredCategory) {
    if (!kit_has_lab03_hidden_checks()) {
        GTEST_SKIP() << kNeedsHiddenChecks;
    }
    const GraderRun run = run_grader(
        {"grade", "03", "--impl", "unsafe:maxsize_ignored", "--check", kHiddenCheck, "--no-build"});
    ASSERT_EQ(run.outcome.exit_code, 0) << describe(run);
    const nlohmann::json hidden = check_named(run.report, kHiddenCheck);
    ASSERT_TRUE(hidden.is_object()) << describe(run);
    EXPECT_EQ(hidden["status"], "failed");
    EXPECT_EQ(hidden["category"], "capacity-exceeded") << hidden.dump(2);
}

// A submission is compiled with the kit's hidden tests, never with its own: a file at the hidden
// test's path in the submission is ignored (it would not even compile).
TEST(HiddenChecks, ASubmissionIsGradedByTheKitsHiddenTests) {
    if (!kit_has_solutions() || !kit_has_lab03_hidden_checks()) {
        GTEST_SKIP() << kNeedsHiddenChecks;
    }
    write_submission({
        {"labs/03-bounded-queue/queue.hpp",
         read_text(kRoot / "solutions/alternatives/notify-all/labs/03-bounded-queue/queue.hpp")},
        {"hidden-checks/03-bounded-queue/timed_put_fan_in_test.cpp", "this does not compile"},
    });
    const GraderRun run = run_grader({"grade", "03", "--submission", submission_dir().string(),
                                      "--check", kHiddenCheck, "--builds", "plain"});
    ASSERT_EQ(run.outcome.exit_code, 0) << describe(run);
    const nlohmann::json hidden = check_named(run.report, kHiddenCheck);
    ASSERT_TRUE(hidden.is_object()) << describe(run);
    EXPECT_EQ(hidden["status"], "passed") << hidden.dump(2);
    EXPECT_EQ(hidden["hidden"], true);
    EXPECT_NE(run.outcome.stderr_text.find(
                  "ignored hidden-checks/03-bounded-queue/timed_put_fan_in_test.cpp"),
              std::string::npos)
        << run.outcome.stderr_text;
}

TEST(HiddenChecks, ListMarksThemHidden) {
    if (!kit_has_lab03_hidden_checks()) {
        GTEST_SKIP() << kNeedsHiddenChecks;
    }
    const GraderRun run = run_grader({"list"});
    ASSERT_EQ(run.outcome.exit_code, 0) << run.outcome.stderr_text;
    EXPECT_NE(run.outcome.stdout_text.find(kHiddenCheck + " (hidden)"), std::string::npos)
        << run.outcome.stdout_text;
}

TEST(GradeUsage, ImplSolutionWithoutSolutionsIsAUsageError) {
    if (kit_has_solutions()) {
        GTEST_SKIP() << "the kit has solutions/; the student release's refusal is tested there "
                        "(and by the student-release test, which grades a release)";
    }
    const GraderRun run = run_grader({"grade", "01", "--impl", "solution", "--no-build"});
    EXPECT_EQ(run.outcome.exit_code, 2) << describe(run);
    EXPECT_NE(run.outcome.stderr_text.find("the student release has no solutions"),
              std::string::npos)
        << run.outcome.stderr_text;
}

// --- ./pclab explore: a failing schedule is printed with a replay id that reproduces it. ---

// The interleaving trace in a program's output: from its "schedule ..." line through its
// "verdict: ..." line.
std::string trace_in(const std::string& output) {
    const std::size_t start = output.find("\nschedule ");
    const std::size_t verdict = output.find("\nverdict: ", start);
    if (start == std::string::npos || verdict == std::string::npos) {
        return "";
    }
    return output.substr(start + 1, output.find('\n', verdict + 1) - start);
}

TEST(ExploreCommand, ReplayingAFailureGivesTheSameTraceThreeTimes) {
    if (!kit_has_solutions()) {
        GTEST_SKIP() << kNeedsSolutions;
    }
    const GraderRun found =
        run_grader({"explore", "02", "--impl", "unsafe:if_instead_of_while", "--seed", "11"});
    ASSERT_EQ(found.outcome.exit_code, 1) << describe(found) << found.outcome.stdout_text;
    const std::string& output = found.outcome.stdout_text;
    const std::string marker = "\nreplay id: ";
    const std::size_t at = output.find(marker);
    ASSERT_NE(at, std::string::npos) << output;
    const std::string id = output.substr(
        at + marker.size(), output.find('\n', at + marker.size()) - at - marker.size());
    const std::string original = trace_in(output);
    ASSERT_FALSE(original.empty()) << output;
    EXPECT_NE(output.find("--replay '" + id + "'"), std::string::npos) << output;
    for (int replay = 0; replay < 3; ++replay) {
        const GraderRun again =
            run_grader({"explore", "02", "--impl", "unsafe:if_instead_of_while", "--replay", id});
        EXPECT_EQ(again.outcome.exit_code, 1) << describe(again);
        EXPECT_EQ(trace_in(again.outcome.stdout_text), original) << again.outcome.stdout_text;
    }
}

TEST(ExploreCommand, TheSolutionPassesAndAMalformedReplayIdIsAUsageError) {
    if (!kit_has_solutions()) {
        GTEST_SKIP() << kNeedsSolutions;
    }
    const GraderRun passed =
        run_grader({"explore", "02", "--impl", "solution", "--seed", "3", "--schedules", "200"});
    EXPECT_EQ(passed.outcome.exit_code, 0) << describe(passed) << passed.outcome.stdout_text;
    const GraderRun malformed =
        run_grader({"explore", "02", "--impl", "solution", "--replay", "no-at-sign"});
    EXPECT_EQ(malformed.outcome.exit_code, 2) << describe(malformed);
    EXPECT_NE(malformed.outcome.stderr_text.find("--replay"), std::string::npos);
}

}  // namespace
