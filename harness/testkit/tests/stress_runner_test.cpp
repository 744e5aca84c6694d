#include "pclab/testkit/stress_runner.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <latch>
#include <stdexcept>
#include <string>
#include <vector>

#include "pclab/errors.hpp"
#include "pclab/testkit/kernel_thread.hpp"
#include "pclab/testkit/thread_registry.hpp"

namespace pclab::testkit {
namespace {

constexpr int kWorkers = 6;  // more workers than the 2 cores of the grading machine

TEST(StressRunner, RunsEveryWorkerExactlyOnce) {
    std::vector<std::atomic<int>> runs(kWorkers);
    StressRunner runner;
    runner.add("worker", kWorkers, [&](int i) { ++runs[static_cast<std::size_t>(i)]; });
    runner.run();
    for (int i = 0; i < kWorkers; ++i) {
        EXPECT_EQ(runs[static_cast<std::size_t>(i)].load(), 1) << "worker " << i;
    }
    EXPECT_EQ(runner.exceptions_thrown(), 0U);
}

// Every body waits for every other body: this finishes only if all workers run at the same time
// (a runner that ran bodies one after another would hang here, and the watchdog would say so).
TEST(StressRunner, RunsWorkersConcurrently) {
    std::latch all_running(kWorkers);
    StressRunner runner;
    runner.add("worker", kWorkers, [&](int) {
        const ScopedActivity waiting("all_running.arrive_and_wait()");
        all_running.arrive_and_wait();
    });
    runner.run();
    EXPECT_TRUE(all_running.try_wait());
}

TEST(StressRunner, RethrowsAWorkersExceptionOnTheTestThread) {
    StressRunner runner;
    runner.add("producer", 1, [](int) {});
    runner.add("consumer", 2, [](int c) {
        if (c == 1) {
            throw pclab::NotImplemented("ResultList::append");
        }
    });
    try {
        runner.run();
        ADD_FAILURE() << "run() returned although consumer 1 threw";
    } catch (const pclab::NotImplemented& error) {
        EXPECT_STREQ(error.what(), "not implemented: ResultList::append");
    }
    EXPECT_EQ(runner.exceptions_thrown(), 1U);
}

TEST(StressRunner, RethrowsOneOfSeveralExceptionsAndCountsThemAll) {
    StressRunner runner;
    runner.add("worker", kWorkers, [](int i) { throw std::runtime_error(std::to_string(i)); });
    EXPECT_THROW(runner.run(), std::runtime_error);
    EXPECT_EQ(runner.exceptions_thrown(), static_cast<std::size_t>(kWorkers));
}

// Workers 1.. wait for a release that only the hook gives: without the hook running once on the
// first exception, run() would never return.
TEST(StressRunner, FirstExceptionHookReleasesTheOthers) {
    std::latch release(1);
    std::atomic<int> hook_calls{0};
    StressRunner runner;
    runner.add("worker", kWorkers, [&](int i) {
        if (i == 0) {
            throw std::runtime_error("worker 0 failed");
        }
        const ScopedActivity waiting("release.wait()");
        release.wait();
    });
    runner.on_first_exception([&] {
        ++hook_calls;
        release.count_down();
    });
    EXPECT_THROW(runner.run(), std::runtime_error);
    EXPECT_EQ(hook_calls.load(), 1);
    EXPECT_EQ(runner.exceptions_thrown(), 1U);
}

// The watchdog's view during a run: every worker under its role, the test thread as main.
TEST(StressRunner, RegistersEachWorkerUnderItsRole) {
    constexpr int kConsumers = 3;
    std::latch others_waiting(kConsumers - 1);
    std::latch gate(1);
    std::vector<std::string> seen;
    StressRunner runner;
    runner.add("consumer", kConsumers, [&](int c) {
        if (c != 0) {
            const ScopedActivity waiting("gate.wait()");
            others_waiting.count_down();
            gate.wait();
            return;
        }
        others_waiting.wait();
        // Here: consumers 1 and 2 are inside their ScopedActivity until we open the gate.
        seen = describe_watched_threads();
        gate.count_down();
    });
    runner.run();
    const auto has = [&](const std::string& line) {
        return std::find(seen.begin(), seen.end(), line) != seen.end();
    };
    EXPECT_TRUE(has("  consumer 0: running"));
    EXPECT_TRUE(has("  consumer 1: blocked in gate.wait()"));
    EXPECT_TRUE(has("  consumer 2: blocked in gate.wait()"));
    EXPECT_TRUE(std::any_of(seen.begin(), seen.end(), [](const std::string& line) {
        return line.rfind("  main: ", 0) == 0;
    }));
    EXPECT_TRUE(describe_watched_threads().empty()) << "registrations must end with run()";
}

// Observers run like any worker but are registered as observers: the watchdog finds their
// threads, and only theirs, in observer_thread_ids().
TEST(StressRunner, RegistersObserversAsObservers) {
    const auto listed_as_observer = [] {
        const pid_t self = KernelThread::calling_thread().tid();
        const std::vector<pid_t> tids = observer_thread_ids();
        return std::find(tids.begin(), tids.end(), self) != tids.end();
    };
    std::atomic<int> observers_listed{0};
    std::atomic<int> workers_listed{0};
    std::atomic<int> observers_run{0};
    StressRunner runner;
    runner.add("consumer", 2, [&](int) { workers_listed += listed_as_observer() ? 1 : 0; });
    runner.add_observers("observer", 2, [&](int) {
        ++observers_run;
        observers_listed += listed_as_observer() ? 1 : 0;
    });
    runner.run();
    EXPECT_EQ(observers_run.load(), 2);
    EXPECT_EQ(observers_listed.load(), 2);
    EXPECT_EQ(workers_listed.load(), 0);
    EXPECT_TRUE(observer_thread_ids().empty()) << "registrations must end with run()";
}

TEST(StressRunner, RefusesToRunTwice) {
    StressRunner runner;
    runner.run();
    EXPECT_THROW(runner.run(), std::logic_error);
}

}  // namespace
}  // namespace pclab::testkit
