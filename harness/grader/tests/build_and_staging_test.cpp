// Compiler logs as the grader reads them, and staging a submission: no build is run here.
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "build_tree.hpp"
#include "submission_staging.hpp"

namespace pclab::grader {
namespace {

namespace fs = std::filesystem;

// g++'s account of a call in a test that no longer matches a student's changed signature: the
// error is in the test, the note in the student's file.
const std::string kSignatureLog =
    "/kit/labs/01-shared-results/tests/concurrent_appends_test.cpp:59:41: error: cannot bind "
    "non-const lvalue reference of type 'int64_t&' to an rvalue of type 'int64_t'\n"
    "In file included from /kit/build/labs/01-shared-results/student/include/result_list.hpp:2,\n"
    "/kit/labs/01-shared-results/result_list.hpp:20:22: note:   initializing argument 1 of "
    "'void pclab::ResultList::append(int64_t&)'\n";

TEST(CompilerLog, FirstErrorIsTheTestsAndTheStudentsLineIsFoundToo) {
    EXPECT_EQ(first_compiler_error(kSignatureLog, {"/kit/"}),
              "labs/01-shared-results/tests/concurrent_appends_test.cpp:59:41: error: cannot bind "
              "non-const lvalue reference of type 'int64_t&' to an rvalue of type 'int64_t'");
    EXPECT_EQ(first_diagnostic_in(kSignatureLog, {"result_list.hpp"}, {"/kit/"}),
              "labs/01-shared-results/result_list.hpp:20:22: note:   initializing argument 1 of "
              "'void pclab::ResultList::append(int64_t&)'");
    EXPECT_EQ(first_diagnostic_in(kSignatureLog, {"queue.hpp"}, {"/kit/"}), "");
}

class Staging : public ::testing::Test {
  protected:
    void SetUp() override {
        base_ = fs::temp_directory_path() / ("pclab-staging-" + std::to_string(::getpid()));
        fs::remove_all(base_);
        lab_.id = "01";
        lab_.directory_name = "01-shared-results";
        lab_.student_files = {"result_list.hpp"};
        write(submission() / "labs/01-shared-results/result_list.hpp", "// version 1\n");
        write(submission() / "notes.txt", "not a student file\n");
    }
    void TearDown() override { fs::remove_all(base_); }

    fs::path submission() const { return base_ / "submission"; }
    fs::path staging() const { return base_ / "staging"; }
    fs::path staged_file() const { return staging() / "labs/01-shared-results/result_list.hpp"; }
    static void write(const fs::path& path, const std::string& text) {
        fs::create_directories(path.parent_path());
        std::ofstream(path) << text;
    }

    fs::path base_;
    Lab lab_;
};

TEST_F(Staging, AnUnchangedFileKeepsItsTimeStampSoNothingIsRebuilt) {
    const StagedSubmission first = stage_submission(submission(), {lab_}, staging());
    EXPECT_EQ(first.ignored, std::vector<std::string>{"notes.txt"});
    const auto stamp = fs::last_write_time(staged_file());
    fs::last_write_time(submission() / "labs/01-shared-results/result_list.hpp",
                        stamp + std::chrono::hours(1));
    stage_submission(submission(), {lab_}, staging());
    EXPECT_EQ(fs::last_write_time(staged_file()), stamp);
}

TEST_F(Staging, AChangedFileIsCopiedAndAWithdrawnOneRemoved) {
    stage_submission(submission(), {lab_}, staging());
    write(submission() / "labs/01-shared-results/result_list.hpp", "// version 2\n");
    stage_submission(submission(), {lab_}, staging());
    std::ifstream staged(staged_file());
    std::string text;
    std::getline(staged, text);
    EXPECT_EQ(text, "// version 2");

    fs::remove(submission() / "labs/01-shared-results/result_list.hpp");
    const StagedSubmission withdrawn = stage_submission(submission(), {lab_}, staging());
    EXPECT_FALSE(fs::exists(staged_file()));
    ASSERT_TRUE(withdrawn.missing.contains("01"));
}

}  // namespace
}  // namespace pclab::grader
