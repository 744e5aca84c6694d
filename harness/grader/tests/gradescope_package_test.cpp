// What goes into the Gradescope bundle (gradescope_package): the kit without solutions/ and
// build trees, with hidden-checks/. Making and running the zip is tests/gradescope_bundle_test.
#include <gtest/gtest.h>

#include <unistd.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "gradescope_package.hpp"

namespace pclab::grader {
namespace {

namespace fs = std::filesystem;

bool has(const std::vector<std::string>& files, const std::string& file) {
    return std::find(files.begin(), files.end(), file) != files.end();
}

TEST(GradescopeBundleFiles, TheKitWithoutSolutionsOrBuildTrees) {
    const std::vector<std::string> files = bundle_files(PCLAB_SOURCE_DIR);
    EXPECT_TRUE(has(files, "pclab"));
    EXPECT_TRUE(has(files, "labs/01-shared-results/lab.json"));
    EXPECT_TRUE(has(files, "labs/03-bounded-queue/queue.hpp"));
    EXPECT_TRUE(has(files, "packaging/gradescope/run_autograder"));
    for (const std::string& file : files) {
        EXPECT_FALSE(file.starts_with("solutions/")) << file;
        EXPECT_FALSE(file.starts_with("build/")) << file;
        EXPECT_FALSE(file.starts_with(".git/")) << file;
    }
    EXPECT_TRUE(std::is_sorted(files.begin(), files.end()));
}

// Outside a git work tree every file counts, except build/, dot-directories and solutions/;
// hidden-checks/ always does.
TEST(GradescopeBundleFiles, WithoutGitEveryFileButSolutionsBuildAndDotDirectories) {
    const fs::path root =
        fs::temp_directory_path() / ("pclab-bundle-files-" + std::to_string(::getpid()));
    fs::remove_all(root);
    for (const char* file : {"pclab", "labs/01-shared-results/lab.json", "solutions/01/x.hpp",
                             "build/dev/CMakeCache.txt", ".cache/y", "hidden-checks/01/checks.json",
                             "labs/01-shared-results/build/kept.txt"}) {
        fs::create_directories((root / file).parent_path());
        std::ofstream(root / file) << "x\n";
    }
    fs::create_symlink(root / "pclab", root / "a-link");
    const std::vector<std::string> files = bundle_files(root);
    fs::remove_all(root);
    EXPECT_EQ(files, (std::vector<std::string>{"hidden-checks/01/checks.json",
                                               "labs/01-shared-results/build/kept.txt",
                                               "labs/01-shared-results/lab.json", "pclab"}));
}

}  // namespace
}  // namespace pclab::grader
