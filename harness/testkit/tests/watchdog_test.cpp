#include "pclab/testkit/watchdog.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdlib>
#include <latch>
#include <regex>
#include <string>
#include <thread>
#include <vector>

#include "pclab/testkit/kernel_thread.hpp"
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

    const std::string report =
        format_deadlock_report(std::chrono::milliseconds(1234), WatchdogRule::everyone_asleep);
    EXPECT_EQ(report.rfind("[pclab:deadlock] no progress for 1234 ms, everyone asleep\n"
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
    const std::string report =
        format_deadlock_report(std::chrono::milliseconds(0), WatchdogRule::everyone_asleep);
    EXPECT_NE(report.find("  consumer 0: blocked in get()\n"), std::string::npos) << report;
}

TEST(DeadlockReport, NamesTheLateRuleWhenTimeRanOut) {
    const std::string report =
        format_deadlock_report(std::chrono::milliseconds(96000), WatchdogRule::late);
    EXPECT_EQ(report.rfind("[pclab:deadlock] no progress for 96000 ms, 80% of the time budget "
                           "used\n",
                           0),
              0U)
        << report;
}

// The watchdog leaves out exactly the threads attached to observer registrations, for as long
// as they are attached.
TEST(ObserverThread, IsListedByItsThreadIdOnlyWhileAttached) {
    const pid_t self = KernelThread::calling_thread().tid();
    const auto listed = [self] {
        const std::vector<pid_t> tids = observer_thread_ids();
        return std::find(tids.begin(), tids.end(), self) != tids.end();
    };
    WatchedThread observer("observer 0", ThreadKind::observer);
    EXPECT_FALSE(listed()) << "registered but not yet attached";
    {
        const WatchedThread::Attachment attached = observer.attach_current_thread();
        EXPECT_TRUE(listed());
        WatchedThread participant("consumer 0");
        const WatchedThread::Attachment nested = participant.attach_current_thread();
        EXPECT_TRUE(listed()) << "a nested attachment keeps the observer's";
    }
    EXPECT_FALSE(listed()) << "detached";
    WatchedThread producer("producer 0");
    const WatchedThread::Attachment attached = producer.attach_current_thread();
    EXPECT_FALSE(listed()) << "a participant is never left out";
}

// An observer's markers and state changes are not progress, or a polling observer would keep a
// deadlock from ever looking quiet. The clock only has to move on: the busy wait reads it, it
// does not wait for another thread.
TEST(ObserverThread, MarksNoProgress) {
    WatchedThread observer("observer 0", ThreadKind::observer);
    const WatchedThread::Attachment attached = observer.attach_current_thread();
    note_progress();  // does nothing here: this thread is an observer's
    constexpr auto kSomeTime = std::chrono::milliseconds(20);
    while (time_since_progress() < kSomeTime) {
    }
    {
        const ScopedActivity inside("Queue::qsize()");
        observer.set_state("running");
    }
    note_progress();
    EXPECT_GE(time_since_progress(), kSomeTime);

    WatchedThread participant("consumer 0");
    const WatchedThread::Attachment nested = participant.attach_current_thread();
    { const ScopedActivity inside("Queue::get()"); }
    EXPECT_LT(time_since_progress(), kSomeTime) << "a participant's marker is progress";
}

// The report names where an observer is without calling it blocked: nobody waits for it, so the
// call it happens to be in is not where a student should look for the bug.
TEST(ObserverThread, IsReportedAsObservingNotBlocked) {
    WatchedThread observer("observer 0", ThreadKind::observer);
    const WatchedThread::Attachment attached = observer.attach_current_thread();
    const ScopedActivity inside("Queue::qsize()");
    const std::vector<std::string> lines = describe_watched_threads();
    EXPECT_NE(std::find(lines.begin(), lines.end(), "  observer 0: observing, in Queue::qsize()"),
              lines.end());
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
    // 1.6 s: before the quiet window could have passed, so the late rule fired.
    EXPECT_TRUE(std::regex_search(
        run.output,
        std::regex(R"(\[pclab:deadlock\] no progress for \d+ ms, 80% of the time budget used\n)")))
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
    EXPECT_NE(run.output.find(" ms, everyone asleep\n"), std::string::npos) << run.output;
    EXPECT_NE(run.output.find("\n  consumer 0: blocked in get()\n"), std::string::npos)
        << run.output;
    EXPECT_GE(elapsed, Watchdog::kQuietWindow);
    EXPECT_LT(elapsed, std::chrono::minutes(1));
}

// Lab 03's lost wake-up, reduced: the consumer sleeps for ever on a latch nobody counts down,
// while a poller keeps reading, yielding and entering ScopedActivity markers until the
// consumer is done, which never happens. With `declared` the poller is added with
// add_observers(), else with add(). Refuses to run without a watchdog, which alone ends it.
void hang_while_a_thread_polls(bool declared) {
    if (std::getenv("PCLAB_TIMEOUT_MS") == nullptr) {
        GTEST_SKIP() << "hangs by design; run only with PCLAB_TIMEOUT_MS set";
    }
    std::latch never(1);
    std::atomic<bool> consumer_done{false};
    StressRunner runner;
    runner.add("producer", 1, [](int) {});
    runner.add("consumer", 1, [&](int) {
        const ScopedActivity inside("get()");
        never.wait();
        consumer_done.store(true);
    });
    const auto poll = [&](int) {
        while (!consumer_done.load()) {
            const ScopedActivity inside("qsize()");
            std::this_thread::yield();
        }
    };
    if (declared) {
        runner.add_observers("observer", 1, poll);
    } else {
        runner.add("poller", 1, poll);
    }
    runner.run();
}

// The subjects of the two tests below.
TEST(WatchdogSubject, DISABLED_HangsWhileAnObserverPolls) {
    hang_while_a_thread_polls(true);
}
TEST(WatchdogSubject, DISABLED_HangsWhileAnUndeclaredPollerRuns) {
    hang_while_a_thread_polls(false);
}

// Budget 60 s: the late rule would fire at 48 s, so a report within 20 s comes from the
// everyone-asleep rule, which ignored the observer that never stopped running.
TEST(Watchdog, ReportsADeadlockSoonWhileAnObserverKeepsPolling) {
    const auto start = std::chrono::steady_clock::now();
    const test::ProgramRun run =
        test::run_this_program("PCLAB_SEED=79 PCLAB_TIMEOUT_MS=60000",
                               "WatchdogSubject.DISABLED_HangsWhileAnObserverPolls");
    const auto elapsed = std::chrono::steady_clock::now() - start;
    EXPECT_EQ(run.exit_status, Watchdog::kExitStatus) << run.output;
    EXPECT_NE(run.output.find("[pclab:deadlock] no progress for "), std::string::npos)
        << run.output;
    EXPECT_NE(run.output.find(" ms, everyone asleep\n"), std::string::npos) << run.output;
    EXPECT_NE(run.output.find("\n  consumer 0: blocked in get()\n"), std::string::npos)
        << run.output;
    EXPECT_NE(run.output.find("\n  observer 0: "), std::string::npos) << run.output;
    // Nobody waits for an observer, so the report must not point at it as a stuck thread.
    EXPECT_EQ(run.output.find("\n  observer 0: blocked in"), std::string::npos) << run.output;
    EXPECT_GE(elapsed, Watchdog::kQuietWindow);
    EXPECT_LT(elapsed, std::chrono::seconds(20));
}

// The control: the same hang with the poller not declared an observer. A running thread is not
// asleep, so only the late rule can end it: at 80% of the 8 s budget, 6.4 s after the
// subprocess's watchdog started (and so after this test's clock did).
TEST(Watchdog, WaitsForTheDeadlineWhileAnUndeclaredPollerRuns) {
    constexpr auto kBudget = std::chrono::milliseconds(8000);
    const auto start = std::chrono::steady_clock::now();
    const test::ProgramRun run =
        test::run_this_program("PCLAB_SEED=80 PCLAB_TIMEOUT_MS=" + std::to_string(kBudget.count()),
                               "WatchdogSubject.DISABLED_HangsWhileAnUndeclaredPollerRuns");
    const auto elapsed = std::chrono::steady_clock::now() - start;
    EXPECT_EQ(run.exit_status, Watchdog::kExitStatus) << run.output;
    EXPECT_NE(run.output.find(" ms, 80% of the time budget used\n"), std::string::npos)
        << run.output;
    EXPECT_NE(run.output.find("\n  poller 0: "), std::string::npos) << run.output;
    EXPECT_GE(elapsed, kBudget * Watchdog::kFireFraction);
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
