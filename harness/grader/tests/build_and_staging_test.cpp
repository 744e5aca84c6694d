// Compiler logs as the grader reads them, and staging a submission: no build is run here.
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>
#include <utility>
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

TEST(ConfiguredLabs, AnEmptyOrAbsentPclabLabsDefinesEveryLab) {
    EXPECT_TRUE(labs_missing_from_tree("PCLAB_LABS:STRING=\n", {"01", "05"}).empty());
    EXPECT_TRUE(labs_missing_from_tree("CMAKE_BUILD_TYPE:STRING=Debug\n", {"01"}).empty());
}

TEST(ConfiguredLabs, LabsOutsideAConfiguredListAreMissing) {
    const std::string cache =
        "PCLAB_LABS_HELP:INTERNAL=not this one\n"
        "PCLAB_LABS:STRING=01;03\n"
        "PCLAB_IMPLS:STRING=all\n";
    EXPECT_EQ(labs_missing_from_tree(cache, {"01", "02", "03", "04"}),
              (std::vector<std::string>{"02", "04"}));
    EXPECT_TRUE(labs_missing_from_tree(cache, {"03"}).empty());
    // Set on the command line without a type, the cache says UNINITIALIZED.
    EXPECT_EQ(labs_missing_from_tree("PCLAB_LABS:UNINITIALIZED=06\n", {"03"}),
              (std::vector<std::string>{"03"}));
}

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

// Labs 03, 04 and 05 all declare queue.hpp, as Gradescope submissions hold it: on its own.
class FlatStaging : public Staging {
  protected:
    void SetUp() override {
        Staging::SetUp();
        fs::remove_all(submission());
        for (const auto& [id, directory] :
             {std::pair{"03", "03-bounded-queue"}, {"04", "04-task-done-join"}}) {
            Lab lab;
            lab.id = id;
            lab.directory_name = directory;
            lab.student_files = {"queue.hpp"};
            labs_.push_back(lab);
        }
        Lab shutdown;
        shutdown.id = "05";
        shutdown.directory_name = "05-shutdown";
        shutdown.student_files = {"queue.hpp", "pipeline.hpp"};
        labs_.push_back(shutdown);
        labs_.push_back(lab_);  // 01: result_list.hpp
    }
    static std::string text_of(const fs::path& path) {
        std::ifstream in(path);
        return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
    }
    std::vector<Lab> labs_;
};

TEST_F(FlatStaging, AFlatFileServesEveryLabThatDeclaresIt) {
    write(submission() / "queue.hpp", "// flat queue\n");
    write(submission() / "pipeline.hpp", "// flat pipeline\n");
    write(submission() / "notes.txt", "not a student file\n");
    const StagedSubmission staged = stage_submission(submission(), labs_, staging());
    for (const char* lab : {"03-bounded-queue", "04-task-done-join", "05-shutdown"}) {
        EXPECT_EQ(text_of(staging() / "labs" / lab / "queue.hpp"), "// flat queue\n") << lab;
    }
    EXPECT_EQ(text_of(staging() / "labs/05-shutdown/pipeline.hpp"), "// flat pipeline\n");
    EXPECT_EQ(staged.ignored, std::vector<std::string>{"notes.txt"});
    // Lab 01's result_list.hpp is in neither layout.
    ASSERT_EQ(staged.missing.size(), 1U);
    EXPECT_EQ(staged.missing.at("01"),
              std::vector<std::string>{"labs/01-shared-results/result_list.hpp"});
}

TEST_F(FlatStaging, TheKitsLayoutWinsOverAFlatFileOfTheSameName) {
    write(submission() / "queue.hpp", "// flat queue\n");
    write(submission() / "labs/04-task-done-join/queue.hpp", "// lab 04's own\n");
    const StagedSubmission staged = stage_submission(submission(), labs_, staging());
    EXPECT_EQ(text_of(staging() / "labs/03-bounded-queue/queue.hpp"), "// flat queue\n");
    EXPECT_EQ(text_of(staging() / "labs/04-task-done-join/queue.hpp"), "// lab 04's own\n");
    EXPECT_TRUE(staged.ignored.empty()) << staged.ignored.front();
    EXPECT_EQ(staged.missing.at("05"), std::vector<std::string>{"labs/05-shutdown/pipeline.hpp"});
}

TEST_F(FlatStaging, AFlatSymlinkIsNotTaken) {
    write(base_ / "elsewhere/queue.hpp", "// someone else's\n");
    fs::create_directories(submission());
    fs::create_symlink(base_ / "elsewhere/queue.hpp", submission() / "queue.hpp");
    const StagedSubmission staged = stage_submission(submission(), labs_, staging());
    EXPECT_FALSE(fs::exists(staging() / "labs/03-bounded-queue/queue.hpp"));
    EXPECT_TRUE(staged.missing.contains("03"));
    EXPECT_EQ(staged.ignored, std::vector<std::string>{"queue.hpp"});
}

TEST_F(FlatStaging, ASymlinkedDirectoryIsListedAsIgnoredNotFollowed) {
    write(base_ / "elsewhere/labs/03-bounded-queue/queue.hpp", "// someone else's\n");
    fs::create_directories(submission());
    fs::create_directory_symlink(base_ / "elsewhere/labs", submission() / "labs");
    const StagedSubmission staged = stage_submission(submission(), labs_, staging());
    EXPECT_TRUE(staged.missing.contains("03"));
    EXPECT_EQ(staged.ignored, std::vector<std::string>{"labs"});
}

TEST_F(FlatStaging, AnEmptySubmissionMissesEveryFileAndIgnoresNothing) {
    fs::create_directories(submission());
    const StagedSubmission staged = stage_submission(submission(), labs_, staging());
    EXPECT_EQ(staged.missing.size(), 4U);
    EXPECT_TRUE(staged.ignored.empty());
}

TEST_F(FlatStaging, AFileOfTheKitsLayoutForAnotherLabIsIgnored) {
    write(submission() / "queue.hpp", "// flat queue\n");
    write(submission() / "labs/02-bounded-buffer/queue.hpp", "// no lab 02 queue\n");
    const StagedSubmission staged = stage_submission(submission(), labs_, staging());
    EXPECT_EQ(staged.ignored, std::vector<std::string>{"labs/02-bounded-buffer/queue.hpp"});
}

}  // namespace
}  // namespace pclab::grader
