#include "pclab/testkit/watchdog.hpp"

#include <gtest/gtest.h>

#include <chrono>
#include <cstdlib>
#include <latch>
#include <regex>
#include <string>

#include "pclab/testkit/stress_runner.hpp"
#include "pclab/testkit/thread_registry.hpp"
#include "self_invocation.hpp"

namespace pclab::testkit {
namespace {

TEST(DeadlockReport, ListsEachWatchedThreadUnderTheTag) {
    WatchedThread finished_producer("producer 0");
    { const WatchedThread::Attachment done = finished_producer.attach_current_thread(); }
    WatchedThread consumer("consumer 2");
    const WatchedThread::Attachment attached = consumer.attach_current_thread();
    const ScopedActivity inside("get()");

    const std::string report = format_deadlock_report(std::chrono::milliseconds(1234));
    EXPECT_EQ(report.rfind("[pclab:deadlock] no progress for 1234 ms\n"
                           "  producer 0: finished\n"
                           "  consumer 2: blocked in get()\n",
                           0),
              0U)
        << report;
}

TEST(DeadlockReport, ShowsTheEnclosingActivityAgainAfterANestedOneEnds) {
    WatchedThread worker("consumer 0");
    const WatchedThread::Attachment attached = worker.attach_current_thread();
    const ScopedActivity outer("get()");
    { const ScopedActivity inner("wait()"); }
    const std::string report = format_deadlock_report(std::chrono::milliseconds(0));
    EXPECT_NE(report.find("  consumer 0: blocked in get()\n"), std::string::npos) << report;
}

// The subject of Watchdog.EndsAHungTestWithAReportAndStatus86: a consumer stuck for good while
// the producer finished. DISABLED_ so it runs only in that subprocess, and it refuses to run
// without a watchdog, which is the only thing that ends it.
TEST(WatchdogSubject, DISABLED_HangsWithAStuckConsumer) {
    if (std::getenv("PCLAB_TIMEOUT_MS") == nullptr) {
        GTEST_SKIP() << "hangs by design; run only with PCLAB_TIMEOUT_MS set";
    }
    std::latch never(1);
    StressRunner runner;
    runner.add("producer", 1, [](int) {});
    runner.add("consumer", 1, [&](int) {
        const ScopedActivity inside("get()");
        never.wait();
    });
    runner.run();
}

// Budget 2000 ms: the watchdog fires at 1600 ms, long after a TSan process has started, and the
// whole test still takes about two seconds.
TEST(Watchdog, EndsAHungTestWithAReportAndStatus86) {
    const test::ProgramRun run = test::run_this_program(
        "PCLAB_SEED=77 PCLAB_TIMEOUT_MS=2000", "WatchdogSubject.DISABLED_HangsWithAStuckConsumer");
    EXPECT_EQ(run.exit_status, Watchdog::kExitStatus) << run.output;
    EXPECT_TRUE(
        std::regex_search(run.output, std::regex(R"(\[pclab:deadlock\] no progress for \d+ ms\n)")))
        << run.output;
    EXPECT_NE(run.output.find("\n  main: waiting for workers\n"), std::string::npos) << run.output;
    EXPECT_NE(run.output.find("\n  producer 0: finished\n"), std::string::npos) << run.output;
    EXPECT_NE(run.output.find("\n  consumer 0: blocked in get()\n"), std::string::npos)
        << run.output;
    EXPECT_NE(run.output.find("\n[pclab:seed] 77\n"), std::string::npos) << run.output;
}

// Budget 10 minutes: the 80% deadline is 8 minutes away, so a report within a minute can only
// come from the everyone-asleep rule (measured: 4.2-4.4 s after the start, plain and TSan).
TEST(Watchdog, ReportsADeadlockSoonAfterEveryThreadFellAsleep) {
    const auto start = std::chrono::steady_clock::now();
    const test::ProgramRun run =
        test::run_this_program("PCLAB_SEED=78 PCLAB_TIMEOUT_MS=600000",
                               "WatchdogSubject.DISABLED_HangsWithAStuckConsumer");
    const auto elapsed = std::chrono::steady_clock::now() - start;
    EXPECT_EQ(run.exit_status, Watchdog::kExitStatus) << run.output;
    EXPECT_NE(run.output.find("\n  consumer 0: blocked in get()\n"), std::string::npos)
        << run.output;
    EXPECT_GE(elapsed, Watchdog::kQuietWindow);
    EXPECT_LT(elapsed, std::chrono::minutes(1));
}

// The subject of Watchdog.WaitsForTheDeadlineWhileAThreadRuns: a worker that computes, without
// any progress mark, for longer than the quiet window while the main thread sleeps in join.
TEST(WatchdogSubject, DISABLED_ComputesQuietlyPastTheQuietWindow) {
    StressRunner runner;
    runner.add("worker", 1, [](int) {
        const auto until =
            std::chrono::steady_clock::now() + Watchdog::kQuietWindow + std::chrono::seconds(1);
        while (std::chrono::steady_clock::now() < until) {
        }
    });
    runner.run();
}

// A thread that runs is not a deadlock, however long nothing is marked as progress: the rule
// needs every thread asleep.
TEST(Watchdog, LetsARunningThreadComputePastTheQuietWindow) {
    const test::ProgramRun run = test::run_this_program(
        "PCLAB_TIMEOUT_MS=600000", "WatchdogSubject.DISABLED_ComputesQuietlyPastTheQuietWindow");
    EXPECT_EQ(run.exit_status, 0) << run.output;
    EXPECT_EQ(run.output.find("[pclab:deadlock]"), std::string::npos) << run.output;
}

TEST(Watchdog, StaysQuietWhenTheTestsFinishInTime) {
    // A budget far above the run time (a fraction of a second), so it never fires.
    const test::ProgramRun run =
        test::run_this_program("PCLAB_TIMEOUT_MS=600000", "DeadlockReport.*");
    EXPECT_EQ(run.exit_status, 0) << run.output;
    EXPECT_EQ(run.output.find("[pclab:deadlock]"), std::string::npos) << run.output;
}

TEST(Watchdog, RejectsAMalformedBudget) {
    const test::ProgramRun run = test::run_this_program("PCLAB_TIMEOUT_MS=soon", "Rng.*");
    EXPECT_EQ(run.exit_status, 2) << run.output;
    EXPECT_NE(run.output.find("PCLAB_TIMEOUT_MS must be a positive number of milliseconds, got "
                              "\"soon\""),
              std::string::npos)
        << run.output;
}

}  // namespace
}  // namespace pclab::testkit
