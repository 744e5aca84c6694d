// `./pclab release` end to end, on this checkout of the kit: the student copy is written without
// solutions/, hidden-checks/ and instructor Markdown, with the CI templates in place, and its
// verification (leak scan, build, stubs graded 0) passes. The release is made of the files git
// tracks, so the test needs the kit to be a git checkout and skips otherwise.
//
// Cost: the verification builds a plain tree of the copy and grades the stubs there. Every
// target of every lab took 18.5 min on the kit's 2 cores under load, lab 01's every target
// 12.5 min; `--verify-labs 01 --verify-build grading` (the grader, then what grading lab 01
// needs) keeps the whole test to about 5 min (306 s measured, nice 10, load average 8).
#include <gtest/gtest.h>
#include <stdlib.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "grader_run.hpp"
#include "isolated_process.hpp"
#include "scratch_directory.hpp"

namespace {

namespace fs = std::filesystem;
using pclab::end_to_end::describe;
using pclab::end_to_end::GraderRun;
using pclab::end_to_end::kit_has_solutions;
using pclab::end_to_end::kRoot;
using pclab::end_to_end::read_text;
using pclab::end_to_end::run_grader;
using pclab::grader::ProcessEnd;
using pclab::grader::ScratchDirectory;

// True when kRoot is the top directory of a git work tree (what `release` reads).
bool kit_is_a_git_checkout() {
    pclab::grader::ProcessSpec spec;
    spec.argv = {"git", "-C", kRoot.string(), "rev-parse", "--show-toplevel"};
    spec.limits.timeout = std::chrono::seconds(30);
    const pclab::grader::ProcessOutcome outcome = pclab::grader::run_isolated(spec);
    if (outcome.end != ProcessEnd::exited || outcome.exit_code != 0) {
        return false;
    }
    std::string top = outcome.stdout_text.substr(0, outcome.stdout_text.find('\n'));
    std::error_code error;
    return fs::equivalent(top, kRoot, error);
}

std::vector<fs::path> markdown_files_under(const fs::path& directory) {
    std::vector<fs::path> files;
    for (const auto& entry : fs::recursive_directory_iterator(directory)) {
        if (entry.is_regular_file() && entry.path().extension() == ".md") {
            files.push_back(entry.path());
        }
    }
    return files;
}

TEST(StudentRelease, WritesAVerifiedCopyWithoutInstructorContent) {
    if (!kit_has_solutions()) {
        GTEST_SKIP() << "this is the student release already (no solutions/)";
    }
    if (!kit_is_a_git_checkout()) {
        GTEST_SKIP() << kRoot << " is not a git checkout; `./pclab release` copies the files git "
                     << "tracks, so it is tested on a clone of the kit only";
    }
    const ScratchDirectory scratch("pclab-release-test");
    const fs::path out = scratch.path() / "release";
    const GraderRun run = run_grader(
        {"release", "--out", out.string(), "--verify-labs", "01", "--verify-build", "grading"});
    const std::string& output = run.outcome.stdout_text;
    ASSERT_EQ(run.outcome.end, ProcessEnd::exited) << describe(run) << output;
    EXPECT_EQ(run.outcome.exit_code, 0) << describe(run) << output;

    EXPECT_FALSE(fs::exists(out / "solutions"));
    EXPECT_FALSE(fs::exists(out / "hidden-checks"));
    EXPECT_FALSE(fs::exists(out / "docs/instructor-guide.md"));
    EXPECT_FALSE(fs::exists(out / "release"));
    EXPECT_TRUE(fs::exists(out / "labs/03-bounded-queue/queue.hpp"));
    EXPECT_TRUE(fs::exists(out / "pclab"));
    EXPECT_NE(fs::status(out / "pclab").permissions() & fs::perms::owner_exec, fs::perms::none)
        << "the driver must stay executable";
    EXPECT_EQ(read_text(out / ".github/workflows/pclab.yml"),
              read_text(kRoot / "release/github-workflow.yml"));
    EXPECT_EQ(read_text(out / ".gitlab-ci.yml"), read_text(kRoot / "release/gitlab-ci.yml"));
    for (const fs::path& markdown : markdown_files_under(out)) {
        EXPECT_EQ(read_text(markdown).find("<!-- instructor"), std::string::npos) << markdown;
    }
    EXPECT_EQ(read_text(out / "README.md").find("--impl solution"), std::string::npos)
        << "README.md's instructor lines must be gone";

    EXPECT_NE(output.find("ok      no instructor content"), std::string::npos) << output;
    EXPECT_NE(output.find("ok      configures and builds"), std::string::npos) << output;
    EXPECT_NE(output.find("ok      ./pclab grade scores the stubs 0: labs 01 0/"),
              std::string::npos)
        << output;
    EXPECT_NE(output.find("ok      --impl solution is refused"), std::string::npos) << output;
}

TEST(StudentRelease, RefusesAnOutputDirectoryThatIsNotEmpty) {
    if (!kit_has_solutions()) {
        GTEST_SKIP() << "this is the student release already (no solutions/)";
    }
    const ScratchDirectory scratch("pclab-release-test");
    std::ofstream(scratch.path() / "homework.txt") << "keep me";
    const GraderRun run = run_grader({"release", "--out", scratch.path().string()});
    EXPECT_EQ(run.outcome.exit_code, 2) << describe(run);
    EXPECT_NE(run.outcome.stderr_text.find("exists and is not an empty directory"),
              std::string::npos)
        << run.outcome.stderr_text;
    EXPECT_EQ(read_text(scratch.path() / "homework.txt"), "keep me");
}

TEST(StudentRelease, RefusesAKitThatIsNotAGitCheckout) {
    if (!kit_has_solutions()) {
        GTEST_SKIP() << "this is the student release already (no solutions/)";
    }
    // A kit without .git: enough of one for the lab catalog to load.
    const ScratchDirectory kit("pclab-release-nogit");
    fs::copy(kRoot / "labs", kit.path() / "labs", fs::copy_options::recursive);
    const ScratchDirectory scratch("pclab-release-test");
    pclab::grader::ProcessSpec spec;
    spec.argv = {PCLAB_GRADER, "--root", kit.path().string(),
                 "release",    "--out",  (scratch.path() / "release").string()};
    const pclab::grader::ProcessOutcome outcome = pclab::grader::run_isolated(spec);
    EXPECT_EQ(outcome.exit_code, 3) << outcome.stderr_text;
    EXPECT_NE(outcome.stderr_text.find("is not a git checkout"), std::string::npos)
        << outcome.stderr_text;
    EXPECT_FALSE(fs::exists(scratch.path() / "release" / "labs")) << "nothing may be written";
}

}  // namespace
