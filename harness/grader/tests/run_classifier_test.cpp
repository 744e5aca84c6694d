// The classifier runs on recorded outputs only (data/gtest, data/tsan; see the READMEs there):
// no process is started here.
#include "run_classifier.hpp"

#include <signal.h>

#include <filesystem>
#include <sstream>
#include <string>

#include <gtest/gtest.h>

#include "recorded_data.hpp"

namespace pclab::grader {
namespace {

using namespace std::chrono_literals;
using testing::read_recorded;
using testing::recorded_path;

struct RecordedRun {
    ProcessOutcome outcome;
    std::optional<nlohmann::json> gtest_json;
};

/// A run recorded by data/gtest/record.sh: <name>.exit.txt, .stdout.txt, .stderr.txt, .json.
RecordedRun load_run(const std::string& name) {
    RecordedRun run;
    std::istringstream exit(read_recorded("gtest/" + name + ".exit.txt"));
    std::string how;
    int value = 0;
    exit >> how >> value;
    if (how == "signalled") {
        run.outcome.end = ProcessEnd::signalled;
        run.outcome.signal = value;
    } else {
        run.outcome.end = ProcessEnd::exited;
        run.outcome.exit_code = value;
    }
    run.outcome.stdout_text = read_recorded("gtest/" + name + ".stdout.txt");
    run.outcome.stderr_text = read_recorded("gtest/" + name + ".stderr.txt");
    if (std::filesystem::exists(recorded_path("gtest/" + name + ".json"))) {
        run.gtest_json = nlohmann::json::parse(read_recorded("gtest/" + name + ".json"));
    }
    return run;
}

ProcessOutcome exited(int code, std::string stderr_text = "") {
    ProcessOutcome outcome;
    outcome.end = ProcessEnd::exited;
    outcome.exit_code = code;
    outcome.stderr_text = std::move(stderr_text);
    return outcome;
}

ProcessOutcome signalled(int signal, std::string stderr_text = "") {
    ProcessOutcome outcome;
    outcome.end = ProcessEnd::signalled;
    outcome.signal = signal;
    outcome.stderr_text = std::move(stderr_text);
    return outcome;
}

const ClassifyContext plain_context{};

ClassifyContext tsan_context(std::vector<std::string> student_files) {
    ClassifyContext context;
    context.tsan_build = true;
    context.student_files = std::move(student_files);
    return context;
}

bool contains(const std::string& text, const std::string& part) {
    return text.find(part) != std::string::npos;
}

/// A GoogleTest report with one failing test per message, in order.
nlohmann::json report_with_failures(const std::vector<std::string>& messages) {
    nlohmann::json tests = nlohmann::json::array();
    for (std::size_t i = 0; i < messages.size(); ++i) {
        tests.push_back({{"name", "Test" + std::to_string(i)},
                         {"status", "RUN"},
                         {"result", "COMPLETED"},
                         {"failures", {{{"failure", messages[i]}, {"type", ""}}}}});
    }
    return {{"tests", messages.size()},
            {"failures", messages.size()},
            {"testsuites", {{{"name", "Queue"}, {"testsuite", tests}}}}};
}

// ---- categories ---------------------------------------------------------------------------

TEST(Category, StringsAreTheStableOnesOfTheArchitecture) {
    const std::vector<std::pair<Category, std::string>> expected = {
        {Category::data_race, "data-race"},
        {Category::lost_item, "lost-item"},
        {Category::duplicate_item, "duplicate-item"},
        {Category::wrong_result, "wrong-result"},
        {Category::deadlock, "deadlock"},
        {Category::crash, "crash"},
        {Category::memory_limit, "memory-limit"},
        {Category::process_limit, "process-limit"},
        {Category::tampering, "tampering"},
        {Category::compile_error, "compile-error"},
        {Category::forbidden_include, "forbidden-include"},
        {Category::not_implemented, "not-implemented"},
        {Category::assertion, "assertion"},
    };
    for (const auto& [category, text] : expected) {
        EXPECT_EQ(to_string(category), text);
        EXPECT_EQ(category_from_string(text), category) << text;
    }
    EXPECT_EQ(category_from_string("data_race"), std::nullopt);
    EXPECT_EQ(category_from_string("Deadlock"), std::nullopt);
    EXPECT_EQ(category_from_string(""), std::nullopt);
}

// ---- rule 1: could not start ----------------------------------------------------------------

TEST(RunClassifier, FailedToStartIsCrash) {
    ProcessOutcome outcome;
    outcome.end = ProcessEnd::failed_to_start;
    outcome.start_error = "execve: No such file or directory";
    const auto verdict = classify_run(outcome, std::nullopt, plain_context);
    EXPECT_FALSE(verdict.passed);
    EXPECT_EQ(verdict.category, Category::crash);
    EXPECT_EQ(verdict.message,
              "The test program could not be started: execve: No such file or directory.");
}

// ---- rule 2: timeout ------------------------------------------------------------------------

TEST(RunClassifier, TimeoutIsDeadlockWithWatchdogThreads) {
    ProcessOutcome outcome;
    outcome.end = ProcessEnd::timed_out;
    outcome.stderr_text = read_recorded("gtest/watchdog.stderr.txt");
    ClassifyContext context;
    context.timeout = 30s;
    const auto verdict = classify_run(outcome, std::nullopt, context);
    EXPECT_EQ(verdict.category, Category::deadlock);
    EXPECT_EQ(verdict.message,
              "No progress within 30 s; the test process was stopped. Where the threads were "
              "waiting:\n  producer 0: blocked in put()\n  consumer 1: blocked in get()\n"
              "  consumer 2: blocked in get()");
    EXPECT_EQ(verdict.seed, 987654321u);
}

TEST(RunClassifier, TimeoutWithoutWatchdogIsDeadlock) {
    ProcessOutcome outcome;
    outcome.end = ProcessEnd::timed_out;
    ClassifyContext context;
    context.timeout = 2500ms;
    const auto verdict = classify_run(outcome, std::nullopt, context);
    EXPECT_EQ(verdict.category, Category::deadlock);
    EXPECT_EQ(verdict.message, "No progress within 2.5 s; the test process was stopped.");
}

// ---- rule 3: memory -------------------------------------------------------------------------

TEST(RunClassifier, MemoryExceededIsMemoryLimit) {
    ProcessOutcome outcome;
    outcome.end = ProcessEnd::memory_exceeded;
    ClassifyContext context;
    context.resident_limit_bytes = 512u << 20;
    const auto verdict = classify_run(outcome, std::nullopt, context);
    EXPECT_EQ(verdict.category, Category::memory_limit);
    EXPECT_TRUE(contains(verdict.message, "more than 512 MiB")) << verdict.message;
    EXPECT_TRUE(contains(verdict.message, "grows without bound")) << verdict.message;
}

// ---- rule 4: ThreadSanitizer ----------------------------------------------------------------

TEST(RunClassifier, DataRaceReportFailsEvenWhenTheTestsPassed) {
    const auto run = load_run("data_race_exit_zero");
    ASSERT_EQ(run.outcome.exit_code, 0);
    ASSERT_TRUE(run.gtest_json.has_value());
    ASSERT_EQ(run.gtest_json->at("failures"), 0);
    const auto verdict =
        classify_run(run.outcome, run.gtest_json, tsan_context({"recorded_results.hpp"}));
    EXPECT_FALSE(verdict.passed);
    EXPECT_EQ(verdict.category, Category::data_race);
    EXPECT_TRUE(contains(verdict.message, "thread T2 reads it at recorded_results.hpp:9"))
        << verdict.message;
    EXPECT_TRUE(contains(verdict.message, "thread T1 writes it at recorded_results.hpp:9"))
        << verdict.message;
    EXPECT_EQ(verdict.where, (CodeLocation{"recorded_results.hpp", 9}));
    EXPECT_EQ(verdict.seed, 1234567u);
}

TEST(RunClassifier, HaltedDataRaceIsDataRace) {
    const auto run = load_run("data_race_halted");
    ASSERT_EQ(run.outcome.exit_code, 66);
    ASSERT_FALSE(run.gtest_json.has_value());
    const auto verdict =
        classify_run(run.outcome, run.gtest_json, tsan_context({"recorded_results.hpp"}));
    EXPECT_EQ(verdict.category, Category::data_race);
    EXPECT_EQ(verdict.where, (CodeLocation{"recorded_results.hpp", 9}));
    EXPECT_FALSE(contains(verdict.message, "#0")) << verdict.message;
}

TEST(RunClassifier, LockOrderInversionIsDeadlock) {
    const auto outcome = exited(66, read_recorded("tsan/lock_order_inversion.clang.txt"));
    const auto verdict =
        classify_run(outcome, std::nullopt, tsan_context({"lock_order_inversion.cpp"}));
    EXPECT_EQ(verdict.category, Category::deadlock);
    EXPECT_TRUE(verdict.message.starts_with("Potential deadlock (lock-order inversion)"));
    EXPECT_EQ(verdict.where, (CodeLocation{"lock_order_inversion.cpp", 10}));
}

TEST(RunClassifier, OtherTsanReportIsCrashNamingIt) {
    const auto outcome = exited(66, read_recorded("tsan/use_after_free.gcc.txt"));
    const auto verdict = classify_run(outcome, std::nullopt, tsan_context({"use_after_free.cpp"}));
    EXPECT_EQ(verdict.category, Category::crash);
    EXPECT_TRUE(verdict.message.starts_with("Use after free: ")) << verdict.message;
    EXPECT_EQ(verdict.where, (CodeLocation{"use_after_free.cpp", 10}));
}

// ---- rule 5: watchdog -----------------------------------------------------------------------

TEST(RunClassifier, WatchdogExitIsDeadlockWithThreads) {
    const auto outcome = exited(86, read_recorded("gtest/watchdog.stderr.txt"));
    const auto verdict = classify_run(outcome, std::nullopt, plain_context);
    EXPECT_EQ(verdict.category, Category::deadlock);
    EXPECT_EQ(verdict.message,
              "The watchdog stopped the test: no progress for 24000 ms. Where the threads were "
              "waiting:\n  producer 0: blocked in put()\n  consumer 1: blocked in get()\n"
              "  consumer 2: blocked in get()");
}

// ---- rule 6: GoogleTest failures --------------------------------------------------------------

TEST(RunClassifier, TaggedFailureTakesTheTagsCategory) {
    const auto run = load_run("tagged_lost_item");
    const auto verdict = classify_run(run.outcome, run.gtest_json, plain_context);
    EXPECT_EQ(verdict.category, Category::lost_item);
    EXPECT_EQ(verdict.message,
              "Recorded.TaggedLostItem: item 3 of producer 0 was put but never got");
    EXPECT_EQ(verdict.seed, 1234567u);
}

TEST(RunClassifier, FirstFailingTestDecidesTheCategory) {
    const auto run = load_run("tagged_several");
    const auto verdict = classify_run(run.outcome, run.gtest_json, plain_context);
    EXPECT_EQ(verdict.category, Category::lost_item);
    EXPECT_EQ(verdict.message,
              "Recorded.TaggedLostItem: item 3 of producer 0 was put but never got\n"
              "(1 more failing test not shown)");
}

TEST(RunClassifier, ShowsAtMostThreeFailures) {
    std::vector<std::string> messages;
    messages.reserve(5);
    for (int i = 0; i < 5; ++i) {
        messages.push_back("queue_test.cpp:12\nFailed\n[pclab:wrong-result] sum was " +
                           std::to_string(i));
    }
    const auto verdict = classify_run(exited(1), report_with_failures(messages), plain_context);
    EXPECT_EQ(verdict.category, Category::wrong_result);
    EXPECT_EQ(verdict.message,
              "Queue.Test0: sum was 0\nQueue.Test1: sum was 1\nQueue.Test2: sum was 2\n"
              "(2 more failing tests not shown)");
}

TEST(RunClassifier, TagCountsOnlyAtTheStartOfALine) {
    const auto verdict = classify_run(
        exited(1), report_with_failures({"q.cpp:3\nFailed\nsee [pclab:lost-item] elsewhere"}),
        plain_context);
    EXPECT_EQ(verdict.category, Category::assertion);
}

TEST(RunClassifier, UnknownTagIsAssertion) {
    const auto verdict = classify_run(
        exited(1), report_with_failures({"q.cpp:3\n[pclab:banana] ripe"}), plain_context);
    EXPECT_EQ(verdict.category, Category::assertion);
    EXPECT_EQ(verdict.message, "Queue.Test0: [pclab:banana] ripe");
}

TEST(RunClassifier, NotImplementedExceptionIsNotImplemented) {
    const auto run = load_run("not_implemented");
    const auto verdict = classify_run(run.outcome, run.gtest_json, plain_context);
    EXPECT_EQ(verdict.category, Category::not_implemented);
    EXPECT_EQ(verdict.message,
              "Recorded.ThrowsNotImplemented: BoundedQueue::put is not implemented yet.");
}

TEST(RunClassifier, BadAllocInATestIsMemoryLimit) {
    const auto run = load_run("bad_alloc");
    const auto verdict = classify_run(run.outcome, run.gtest_json, plain_context);
    EXPECT_EQ(verdict.category, Category::memory_limit);
    EXPECT_TRUE(contains(verdict.message, "std::bad_alloc")) << verdict.message;
}

TEST(RunClassifier, ExceptionInATestIsCrashNamingIt) {
    const auto run = load_run("runtime_error");
    const auto verdict = classify_run(run.outcome, run.gtest_json, plain_context);
    EXPECT_EQ(verdict.category, Category::crash);
    EXPECT_EQ(verdict.message,
              "Recorded.ThrowsRuntimeError: an exception escaped the test: \"queue closed "
              "twice\".");
}

TEST(RunClassifier, UntaggedFailureIsAssertionWithoutTheFileLine) {
    const auto run = load_run("untagged_assertion");
    const auto verdict = classify_run(run.outcome, run.gtest_json, plain_context);
    EXPECT_EQ(verdict.category, Category::assertion);
    EXPECT_EQ(verdict.message,
              "Recorded.UntaggedAssertion: Expected equality of these values:\n    results\n"
              "      Which is: 3\n    4\n  the list should hold one result per item");
}

TEST(RunClassifier, FailuresInTheReportFailEvenWithExitStatusZero) {
    auto run = load_run("tagged_lost_item");
    run.outcome.exit_code = 0;
    const auto verdict = classify_run(run.outcome, run.gtest_json, plain_context);
    EXPECT_FALSE(verdict.passed);
    EXPECT_EQ(verdict.category, Category::lost_item);
}

// ---- rule 7: signals ------------------------------------------------------------------------

TEST(RunClassifier, UncaughtNotImplementedOnAThreadIsNotImplemented) {
    const auto run = load_run("terminate_on_worker");
    ASSERT_EQ(run.outcome.end, ProcessEnd::signalled);
    const auto verdict = classify_run(run.outcome, run.gtest_json, plain_context);
    EXPECT_EQ(verdict.category, Category::not_implemented);
    EXPECT_EQ(verdict.message, "BoundedQueue::get is not implemented yet.");
}

TEST(RunClassifier, UncaughtExceptionIsCrashNamingTheException) {
    const auto verdict =
        classify_run(signalled(SIGABRT,
                               "terminate called after throwing an instance of "
                               "'std::runtime_error'\n  what():  queue closed twice\n"),
                     std::nullopt, plain_context);
    EXPECT_EQ(verdict.category, Category::crash);
    EXPECT_TRUE(contains(verdict.message, "std::runtime_error (\"queue closed twice\")"))
        << verdict.message;
}

TEST(RunClassifier, UncaughtBadAllocIsMemoryLimit) {
    const auto verdict =
        classify_run(signalled(SIGABRT,
                               "terminate called after throwing an instance of 'std::bad_alloc'\n"
                               "  what():  std::bad_alloc\n"),
                     std::nullopt, plain_context);
    EXPECT_EQ(verdict.category, Category::memory_limit);
}

TEST(RunClassifier, TerminateWithoutExceptionPointsAtAJoinableThread) {
    const auto verdict =
        classify_run(signalled(SIGABRT, "terminate called without an active exception\n"),
                     std::nullopt, plain_context);
    EXPECT_EQ(verdict.category, Category::crash);
    EXPECT_TRUE(contains(verdict.message, "joinable")) << verdict.message;
}

TEST(RunClassifier, SignalIsCrashNamingTheSignal) {
    const auto verdict = classify_run(signalled(SIGSEGV), std::nullopt, plain_context);
    EXPECT_EQ(verdict.category, Category::crash);
    EXPECT_EQ(verdict.message,
              "The test process was killed by SIGSEGV (segmentation fault) before it finished.");
    EXPECT_TRUE(contains(classify_run(signalled(SIGXFSZ), std::nullopt, plain_context).message,
                         "SIGXFSZ (file size limit exceeded)"));
}

// ---- rule 8: no report ----------------------------------------------------------------------

TEST(RunClassifier, EarlyExitWithStatusZeroIsNeverAPass) {
    const auto run = load_run("exits_early");
    ASSERT_EQ(run.outcome.exit_code, 0);
    ASSERT_FALSE(run.gtest_json.has_value());
    const auto verdict = classify_run(run.outcome, run.gtest_json, plain_context);
    EXPECT_FALSE(verdict.passed);
    EXPECT_EQ(verdict.category, Category::crash);
    EXPECT_EQ(verdict.message,
              "The test process exited early (status 0) before reporting its results: a program "
              "that ends itself is never counted as passing.");
}

TEST(RunClassifier, NonZeroExitWithoutReportIsCrash) {
    const auto verdict = classify_run(exited(3), std::nullopt, plain_context);
    EXPECT_EQ(verdict.category, Category::crash);
    EXPECT_EQ(verdict.message, "The test process exited with status 3 before its tests finished.");
}

TEST(RunClassifier, ASignalThreadSanitizerCaughtIsNamed) {
    const auto verdict = classify_run(
        exited(66,
               "ThreadSanitizer:DEADLYSIGNAL\n==4242==ERROR: ThreadSanitizer: SEGV on unknown "
               "address 0x000000000000 (pc 0x55d0 bp 0x7ffd sp 0x7ffd T4242)\n"),
        std::nullopt, tsan_context({"result_list.hpp"}));
    EXPECT_EQ(verdict.category, Category::crash);
    EXPECT_TRUE(contains(verdict.message, "SIGSEGV (segmentation fault)")) << verdict.message;
    EXPECT_TRUE(contains(verdict.message, "SEGV on unknown address")) << verdict.message;
}

TEST(RunClassifier, TsanHaltWithoutReadableReportIsCrash) {
    auto outcome = exited(66, "==================\n");
    outcome.stderr_truncated = true;
    const auto verdict = classify_run(outcome, std::nullopt, tsan_context({}));
    EXPECT_EQ(verdict.category, Category::crash);
    EXPECT_TRUE(contains(verdict.message, "ThreadSanitizer stopped the test")) << verdict.message;
}

// ---- rule 9: nothing ran ----------------------------------------------------------------------

TEST(RunClassifier, NoTestRanIsAssertion) {
    const auto run = load_run("no_test_matched");
    const auto verdict = classify_run(run.outcome, run.gtest_json, plain_context);
    EXPECT_EQ(verdict.category, Category::assertion);
    EXPECT_TRUE(verdict.message.starts_with("No test ran")) << verdict.message;
}

TEST(RunClassifier, SkippedTestIsNotAPass) {
    const auto run = load_run("skipped");
    ASSERT_EQ(run.outcome.exit_code, 0);
    const auto verdict = classify_run(run.outcome, run.gtest_json, plain_context);
    EXPECT_FALSE(verdict.passed);
    EXPECT_EQ(verdict.category, Category::assertion);
    EXPECT_TRUE(contains(verdict.message, "Recorded.Skipped did not run (SKIPPED)"))
        << verdict.message;
}

TEST(RunClassifier, UnexpectedJsonShapesAreToleratedAsNoTests) {
    for (const auto* text : {R"({"testsuites": 5})", R"([1, 2])", R"("text")",
                             R"({"testsuites": [{"testsuite": [{"failures": "x"}]}]})"}) {
        const auto verdict = classify_run(exited(0), nlohmann::json::parse(text), plain_context);
        EXPECT_FALSE(verdict.passed) << text;
        EXPECT_EQ(verdict.category, Category::assertion) << text;
    }
}

// ---- rule 10: passing -----------------------------------------------------------------------

TEST(RunClassifier, PassingRunPasses) {
    const auto run = load_run("passing");
    const auto verdict = classify_run(run.outcome, run.gtest_json, plain_context);
    EXPECT_TRUE(verdict.passed);
    EXPECT_EQ(verdict.category, std::nullopt);
    EXPECT_EQ(verdict.message, "");
    EXPECT_EQ(verdict.seed, std::nullopt);
    EXPECT_EQ(verdict.where, std::nullopt);
}

// ---- rule 3b: fork and thread bombs ------------------------------------------------------------

TEST(RunClassifier, ProcessesLeftBehindAreAForkBombEvenWhenTheTestsPassed) {
    auto run = load_run("passing");
    run.outcome.processes_left = 511;
    ClassifyContext context = plain_context;
    context.task_limit = 512;
    const auto verdict = classify_run(run.outcome, run.gtest_json, context);
    EXPECT_FALSE(verdict.passed);
    EXPECT_EQ(verdict.category, Category::process_limit);
    EXPECT_TRUE(contains(verdict.message, "511 processes")) << verdict.message;
    EXPECT_TRUE(contains(verdict.message, "at most 512")) << verdict.message;
}

TEST(RunClassifier, AFewProcessesLeftAreNotABomb) {
    auto run = load_run("passing");
    run.outcome.processes_left = 7;
    EXPECT_TRUE(classify_run(run.outcome, run.gtest_json, plain_context).passed);
}

TEST(RunClassifier, ARefusedThreadIsAThreadBomb) {
    const auto verdict = classify_run(
        signalled(SIGABRT,
                  "terminate called after throwing an instance of 'std::system_error'\n"
                  "  what():  Resource temporarily unavailable\n"),
        std::nullopt, plain_context);
    EXPECT_EQ(verdict.category, Category::process_limit);
    EXPECT_TRUE(contains(verdict.message, "thread bomb")) << verdict.message;
}

TEST(RunClassifier, ThreadsNearTheLimitAreAThreadBomb) {
    auto outcome = signalled(SIGSEGV);
    outcome.peak_threads = 300;
    ClassifyContext context = plain_context;
    context.task_limit = 512;
    const auto verdict = classify_run(outcome, std::nullopt, context);
    EXPECT_EQ(verdict.category, Category::process_limit);
    EXPECT_TRUE(contains(verdict.message, "300 threads")) << verdict.message;
}

// ---- rule 5b: a report the program did not seal ---------------------------------------------

TEST(RunClassifier, AnUnsealedPassingReportIsTampering) {
    const auto run = load_run("passing");
    ClassifyContext context = plain_context;
    context.report_sealed = false;
    const auto verdict = classify_run(run.outcome, run.gtest_json, context);
    EXPECT_FALSE(verdict.passed);
    EXPECT_EQ(verdict.category, Category::tampering);
}

TEST(RunClassifier, AnUnsealedReportOfACrashedRunIsStillACrash) {
    auto run = load_run("passing");
    run.outcome.end = ProcessEnd::signalled;
    run.outcome.signal = SIGSEGV;
    ClassifyContext context = plain_context;
    context.report_sealed = false;
    const auto verdict = classify_run(run.outcome, run.gtest_json, context);
    EXPECT_EQ(verdict.category, Category::crash);
}

TEST(RunClassifier, PassingReportWithNonZeroExitIsCrash) {
    auto run = load_run("passing");
    run.outcome.exit_code = 1;
    const auto verdict = classify_run(run.outcome, run.gtest_json, plain_context);
    EXPECT_FALSE(verdict.passed);
    EXPECT_EQ(verdict.category, Category::crash);
    EXPECT_TRUE(contains(verdict.message, "exited with status 1")) << verdict.message;
}

TEST(RunClassifier, TakesTheFirstSeedFromStdoutWhenStderrHasNone) {
    auto outcome = exited(1);
    outcome.stdout_text = "noise\n[pclab:seed] 18446744073709551615\n[pclab:seed] 7\n";
    const auto verdict = classify_run(outcome, std::nullopt, plain_context);
    EXPECT_EQ(verdict.seed, 18446744073709551615u);
}

}  // namespace
}  // namespace pclab::grader
