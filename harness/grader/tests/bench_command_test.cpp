// Tests of ./pclab bench's usage errors (bench_command): each is refused with exit status 2
// before anything is configured, built or run.
#include "bench_command.hpp"

#include <gtest/gtest.h>

#include <filesystem>

#include "grade_command.hpp"

namespace pclab::grader {
namespace {

BenchOptions kit_options() {
    BenchOptions options;
    options.root = PCLAB_SOURCE_DIR;
    options.output_dir = std::filesystem::temp_directory_path() / "pclab-bench-usage-test";
    return options;
}

TEST(BenchCommand, UnknownImplementationIsAUsageError) {
    BenchOptions options = kit_options();
    options.impl = "nobody";
    EXPECT_EQ(run_bench(options), kUsageError);
}

TEST(BenchCommand, LabWithoutAStudentQueueIsAUsageError) {
    BenchOptions options = kit_options();
    options.lab = "03";  // --lab chooses the student's queue: meaningless with --impl solution
    EXPECT_EQ(run_bench(options), kUsageError);
    options.impl = "student";
    options.lab = "01";  // lab 01 has no queue.hpp
    EXPECT_EQ(run_bench(options), kUsageError);
    options.lab = "99";
    EXPECT_EQ(run_bench(options), kUsageError);
}

TEST(BenchCommand, InvalidFilterIsAUsageError) {
    BenchOptions options = kit_options();
    options.filter = "(";
    EXPECT_EQ(run_bench(options), kUsageError);
}

TEST(BenchCommand, SubmissionWithoutQueueIsAUsageError) {
    BenchOptions options = kit_options();
    options.submission = std::filesystem::temp_directory_path() / "pclab-bench-no-such-dir";
    EXPECT_EQ(run_bench(options), kUsageError);
    const std::filesystem::path empty =
        std::filesystem::temp_directory_path() / "pclab-bench-empty-submission";
    std::filesystem::create_directories(empty);
    options.submission = empty;
    EXPECT_EQ(run_bench(options), kUsageError);
    std::filesystem::remove_all(empty);
}

TEST(BenchCommand, NonPositiveCountsAreUsageErrors) {
    BenchOptions options = kit_options();
    options.repetitions = 0;
    EXPECT_EQ(run_bench(options), kUsageError);
    options.repetitions = 1;
    options.items = 0;
    EXPECT_EQ(run_bench(options), kUsageError);
    options.items = 10;
    options.min_time = 0;
    EXPECT_EQ(run_bench(options), kUsageError);
}

}  // namespace
}  // namespace pclab::grader
