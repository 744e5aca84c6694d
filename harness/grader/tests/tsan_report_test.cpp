// Parses real ThreadSanitizer output recorded from g++ and clang++ builds of the programs in
// data/tsan/src (see the README there). Expected lines refer to those sources.
#include "tsan_report.hpp"

#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "recorded_data.hpp"

namespace pclab::grader {
namespace {

using testing::read_recorded;

std::vector<TsanReport> parse_recording(const std::string& program, const std::string& compiler) {
    return parse_tsan_reports(read_recorded("tsan/" + program + "." + compiler + ".txt"));
}

bool contains(const std::string& text, const std::string& part) {
    return text.find(part) != std::string::npos;
}

bool ends_with(const std::string& text, const std::string& suffix) {
    return text.size() >= suffix.size() &&
           text.compare(text.size() - suffix.size(), suffix.size(), suffix) == 0;
}

/// The first frame of `stack` in `file`: what a student would look for.
const TsanFrame* first_frame_in(const std::vector<TsanFrame>& stack, const std::string& file) {
    for (const auto& frame : stack) {
        if (ends_with(frame.file, "/" + file)) {
            return &frame;
        }
    }
    return nullptr;
}

class TsanRecording : public ::testing::TestWithParam<std::string> {
  protected:
    std::vector<TsanReport> parse(const std::string& program) const {
        return parse_recording(program, GetParam());
    }
};

TEST_P(TsanRecording, ParsesARacyCounter) {
    const auto reports = parse("racy_counter");
    ASSERT_EQ(reports.size(), 1u);
    const auto& report = reports[0];
    EXPECT_EQ(report.kind, "data race");
    EXPECT_EQ(report.location, "global 'counter' of size 4");
    EXPECT_TRUE(report.summary.starts_with("data race ")) << report.summary;
    ASSERT_EQ(report.accesses.size(), 2u);
    const auto& current = report.accesses[0];
    const auto& previous = report.accesses[1];
    EXPECT_FALSE(current.previous);
    EXPECT_TRUE(previous.previous);
    // ++counter is a read then a write: g++ reports the read, clang++ the write.
    EXPECT_TRUE(current.operation == "read" || current.operation == "write") << current.operation;
    EXPECT_EQ(previous.operation, "write");
    EXPECT_EQ(current.size, 4);
    EXPECT_EQ(current.thread, "T2");
    EXPECT_EQ(previous.thread, "T1");
    ASSERT_FALSE(current.stack.empty());
    EXPECT_TRUE(current.stack[0].function.starts_with("count_items"));
    EXPECT_TRUE(ends_with(current.stack[0].file, "/racy_counter.cpp"));
    EXPECT_EQ(current.stack[0].line, 8);
    ASSERT_EQ(report.threads.size(), 2u);
    EXPECT_EQ(report.threads[0].name, "T2");
    EXPECT_EQ(report.threads[1].name, "T1");
    const auto* created = first_frame_in(report.threads[0].created_at, "racy_counter.cpp");
    ASSERT_NE(created, nullptr);
    EXPECT_EQ(created->function, "main");
    EXPECT_EQ(created->line, 14);
}

TEST_P(TsanRecording, ExplainsARacyCounterWithBothThreadsAndLines) {
    const auto report = parse("racy_counter").at(0);
    const auto explanation = explain(report, {"racy_counter.cpp"});
    EXPECT_TRUE(explanation.text.starts_with("Data race on global 'counter' of size 4: "))
        << explanation.text;
    EXPECT_TRUE(contains(explanation.text, "thread T2 ")) << explanation.text;
    EXPECT_TRUE(contains(explanation.text, "thread T1 writes it at racy_counter.cpp:8"))
        << explanation.text;
    EXPECT_TRUE(contains(explanation.text, "(in count_items)")) << explanation.text;
    EXPECT_TRUE(contains(explanation.text, "same mutex")) << explanation.text;
    EXPECT_EQ(explanation.where, (CodeLocation{"racy_counter.cpp", 8}));
}

TEST_P(TsanRecording, NamesTheStudentFrameUnderLibraryFrames) {
    const auto report = parse("racy_vector_push_back").at(0);
    ASSERT_EQ(report.accesses.size(), 2u);
    // The race itself is inside std::vector; the student's line is further down the stack.
    EXPECT_TRUE(contains(report.accesses[0].stack.at(0).file, "stl_vector.h"));
    const auto explanation = explain(report, {"racy_vector_push_back.cpp"});
    EXPECT_EQ(explanation.text,
              "Data race on global 'results' of size 24: thread T2 reads it at "
              "racy_vector_push_back.cpp:8 (in append) while thread T1 writes it at "
              "racy_vector_push_back.cpp:8 (in append), and nothing orders the two accesses (no "
              "lock held in common, no happens-before). Protect every access to this data with "
              "the same mutex.");
    EXPECT_EQ(explanation.where, (CodeLocation{"racy_vector_push_back.cpp", 8}));
}

TEST_P(TsanRecording, ExplainsAnUnlockedSizeRead) {
    const auto report = parse("racy_size_read").at(0);
    EXPECT_EQ(report.location, "heap block of size 56");
    ASSERT_EQ(report.accesses.size(), 2u);
    EXPECT_EQ(report.accesses[0].operation, "read");
    EXPECT_EQ(report.accesses[0].size, 8);
    EXPECT_EQ(report.accesses[1].operation, "write");
    EXPECT_EQ(report.accesses[0].stack.at(0).line, 14);
    EXPECT_EQ(report.accesses[1].stack.at(0).line, 11);
    const auto explanation = explain(report, {"racy_size_read.cpp"});
    EXPECT_EQ(explanation.text,
              "Data race on a heap block of size 56: thread T2 reads it at racy_size_read.cpp:14 "
              "(in ResultList::size) while thread T1 writes it at racy_size_read.cpp:11 (in "
              "ResultList::append), and nothing orders the two accesses (no lock held in common, "
              "no happens-before). Protect every access to this data with the same mutex.");
    EXPECT_EQ(explanation.where, (CodeLocation{"racy_size_read.cpp", 14}));
}

TEST_P(TsanRecording, ParsesALockOrderInversion) {
    const auto reports = parse("lock_order_inversion");
    ASSERT_EQ(reports.size(), 1u);
    const auto& report = reports[0];
    EXPECT_EQ(report.kind, "lock-order-inversion (potential deadlock)");
    ASSERT_EQ(report.accesses.size(), 4u);
    const std::vector<std::string> threads = {"T1", "T1", "T2", "T2"};
    const std::vector<bool> previous = {false, true, false, true};
    const std::vector<int> lines = {10, 9, 15, 14};
    for (std::size_t i = 0; i < 4; ++i) {
        const auto& access = report.accesses[i];
        EXPECT_EQ(access.thread, threads[i]) << "access " << i;
        EXPECT_EQ(access.previous, previous[i]) << "access " << i;
        EXPECT_TRUE(access.operation.starts_with("lock M")) << access.operation;
        const auto* frame = first_frame_in(access.stack, "lock_order_inversion.cpp");
        ASSERT_NE(frame, nullptr) << "access " << i;
        EXPECT_EQ(frame->line, lines[i]) << "access " << i;
    }
    EXPECT_TRUE(contains(report.accesses[0].operation, " while holding M"));
}

TEST_P(TsanRecording, ExplainsALockOrderInversionWithAllFourLocks) {
    const auto report = parse("lock_order_inversion").at(0);
    const auto explanation = explain(report, {"lock_order_inversion.cpp"});
    EXPECT_EQ(explanation.text,
              "Potential deadlock (lock-order inversion): thread T1 locks a mutex at "
              "lock_order_inversion.cpp:10 (in lock_producers_then_consumers) while holding "
              "another it locked at lock_order_inversion.cpp:9 (in "
              "lock_producers_then_consumers), and thread T2 locks a mutex at "
              "lock_order_inversion.cpp:15 (in lock_consumers_then_producers) while holding "
              "another it locked at lock_order_inversion.cpp:14 (in "
              "lock_consumers_then_producers). If these run at the same time, each thread waits "
              "forever for a mutex another one holds. Lock the mutexes in one fixed order "
              "everywhere, or take them together with std::scoped_lock.");
    EXPECT_EQ(explanation.where, (CodeLocation{"lock_order_inversion.cpp", 10}));
}

TEST_P(TsanRecording, ExplainsAThreadLeak) {
    const auto report = parse("thread_leak").at(0);
    EXPECT_EQ(report.kind, "thread leak");
    ASSERT_EQ(report.threads.size(), 1u);
    EXPECT_EQ(report.threads[0].name, "T1");
    const auto explanation = explain(report, {"thread_leak.cpp"});
    EXPECT_TRUE(contains(explanation.text, "thread T1, created at thread_leak.cpp:10 (in main)"))
        << explanation.text;
    EXPECT_TRUE(contains(explanation.text, "never joined")) << explanation.text;
}

TEST_P(TsanRecording, ExplainsAUseAfterFree) {
    const auto report = parse("use_after_free").at(0);
    EXPECT_EQ(report.kind, "heap-use-after-free");
    const auto explanation = explain(report, {"use_after_free.cpp"});
    EXPECT_TRUE(
        explanation.text.starts_with("Use after free: thread T2 reads memory at "
                                     "use_after_free.cpp:10"))
        << explanation.text;
    EXPECT_TRUE(contains(explanation.text, "after thread T1 freed it at use_after_free.cpp:7"))
        << explanation.text;
}

TEST_P(TsanRecording, ExplanationsAreFreeOfStackDumps) {
    for (const std::string program : {"racy_counter", "racy_vector_push_back", "racy_size_read",
                                      "lock_order_inversion", "thread_leak", "use_after_free"}) {
        for (const auto& report : parse(program)) {
            const auto text = explain(report, {program + ".cpp"}).text;
            EXPECT_FALSE(contains(text, "0x")) << text;
            EXPECT_FALSE(contains(text, "#0")) << text;
            EXPECT_FALSE(contains(text, "/work/")) << text;
            EXPECT_FALSE(contains(text, "BuildId")) << text;
        }
    }
}

INSTANTIATE_TEST_SUITE_P(Compilers, TsanRecording, ::testing::Values("gcc", "clang"),
                         [](const auto& info) { return info.param; });

TEST(TsanReport, ParsesFramesFromTheRight) {
    const auto reports = parse_tsan_reports(
        "WARNING: ThreadSanitizer: data race (pid=1)\n"
        "  Write of size 4 at 0x7b04 by thread T3:\n"
        "    #0 main::$_0::operator()() const /tmp/race.cpp:3:31 (race_c+0xd49a4) (BuildId: "
        "d0baf62e)\n"
        "    #1 operator() /tmp/race.cpp:4 (race_g+0x1241)\n"
        "    #2 std::thread::_M_start_thread(std::unique_ptr<std::thread::_State, "
        "std::default_delete<std::thread::_State> >, void (*)()) <null> (libstdc++.so.6+0xd4578)\n"
        "    #3 <null> <null> (libstdc++.so.6+0xd44a2)\n"
        "==================\n");
    ASSERT_EQ(reports.size(), 1u);
    ASSERT_EQ(reports[0].accesses.size(), 1u);
    const auto& stack = reports[0].accesses[0].stack;
    ASSERT_EQ(stack.size(), 4u);
    EXPECT_EQ(stack[0].function, "main::$_0::operator()() const");
    EXPECT_EQ(stack[0].file, "/tmp/race.cpp");
    EXPECT_EQ(stack[0].line, 3);
    EXPECT_EQ(stack[1].function, "operator()");
    EXPECT_EQ(stack[1].line, 4);
    EXPECT_TRUE(stack[2].function.ends_with("void (*)())"));
    EXPECT_EQ(stack[2].file, "");
    EXPECT_EQ(stack[2].line, 0);
    EXPECT_EQ(stack[3].function, "");
    EXPECT_EQ(stack[3].file, "");
    EXPECT_EQ(reports[0].accesses[0].thread, "T3");
}

TEST(TsanReport, FindsEveryReportAmongOtherOutput) {
    const auto text = "[ RUN      ] Queue.Works\nsome student output\n" +
                      read_recorded("gtest/data_race_exit_zero.stderr.txt") +
                      "[       OK ] Queue.Works\n";
    const auto reports = parse_tsan_reports(text);
    ASSERT_EQ(reports.size(), 4u);
    for (const auto& report : reports) {
        EXPECT_EQ(report.kind, "data race");
        EXPECT_EQ(report.accesses.size(), 2u);
    }
    EXPECT_EQ(reports[3].location, "heap block of size 4");
}

TEST(TsanReport, ReturnsNothingForCleanOutput) {
    EXPECT_TRUE(parse_tsan_reports("").empty());
    EXPECT_TRUE(parse_tsan_reports(read_recorded("gtest/passing.stdout.txt")).empty());
}

TEST(TsanReport, KeepsAReportCutOffByTheOutputCap) {
    const auto full = read_recorded("tsan/racy_size_read.gcc.txt");
    const auto cut = full.substr(0, full.find("Location is"));
    const auto reports = parse_tsan_reports(cut);
    ASSERT_EQ(reports.size(), 1u);
    EXPECT_EQ(reports[0].accesses.size(), 2u);
    EXPECT_EQ(reports[0].summary, "");
}

TEST(TsanReport, KeepsTheFirstOfTwoLocationLines) {
    // TSan names a stack variable twice; the second line says "global '<null>'".
    const auto report =
        parse_tsan_reports(read_recorded("gtest/data_race_halted.stderr.txt")).at(0);
    EXPECT_EQ(report.location, "stack of main thread");
    const auto explanation = explain(report, {"recorded_results.hpp"});
    EXPECT_TRUE(explanation.text.starts_with(
        "Data race on a variable on the stack of the main thread: thread T2 reads it at "
        "recorded_results.hpp:9 (in pclab::RecordedResults::append) while thread T1 writes it "
        "at recorded_results.hpp:9"))
        << explanation.text;
}

TEST(TsanExplain, ShowsAStudentFileAsTheStudentNamedIt) {
    const auto report = parse_recording("racy_counter", "gcc").at(0);
    const std::string repo_relative = "harness/grader/tests/data/tsan/src/racy_counter.cpp";
    const auto explanation = explain(report, {repo_relative});
    EXPECT_EQ(explanation.where, (CodeLocation{repo_relative, 8}));
    EXPECT_TRUE(contains(explanation.text, repo_relative + ":8")) << explanation.text;
}

TEST(TsanExplain, MatchesStudentFilesOnWholePathComponents) {
    const auto report = parse_recording("racy_counter", "gcc").at(0);
    // "counter.cpp" is a suffix of "racy_counter.cpp" but not the same file.
    const auto explanation = explain(report, {"counter.cpp"});
    EXPECT_EQ(explanation.where, (CodeLocation{"racy_counter.cpp", 8}));
    EXPECT_FALSE(contains(explanation.text, " counter.cpp")) << explanation.text;
}

TEST(TsanExplain, FallsBackToTheFirstFrameOutsideTheSystem) {
    const auto report = parse_recording("racy_vector_push_back", "clang").at(0);
    const auto explanation = explain(report, {});
    EXPECT_EQ(explanation.where, (CodeLocation{"racy_vector_push_back.cpp", 8}));
    EXPECT_FALSE(contains(explanation.text, "stl_vector.h")) << explanation.text;
}

}  // namespace
}  // namespace pclab::grader
