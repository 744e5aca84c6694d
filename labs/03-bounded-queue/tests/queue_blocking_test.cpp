// No busy-waiting: a thread blocked in get() on an empty queue, or in put() on a full one,
// sleeps until another thread changes the queue. Its CPU time, read from its own per-thread CPU
// clock while it is inside the call, stays near zero over a long window. A thread that
// re-checks in a loop (unlock/lock, yield, zero-timeout polling) burns CPU at the rate it is
// scheduled.
//
// The window is a measurement, not synchronisation: what the blocked call returns does not
// depend on it, and the item or room it waits for arrives only after the window closes.
#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <latch>
#include <optional>
#include <string>
#include <thread>

#include "call_outcome.hpp"
#include "pclab/testkit/failure_category.hpp"
#include "pclab/testkit/stress_runner.hpp"
#include "pclab/testkit/stress_test.hpp"
#include "pclab/testkit/thread_cpu_time.hpp"
#include "pclab/testkit/thread_registry.hpp"
#include "queue.hpp"

namespace {

using pclab::testkit::ThreadCpuClock;
using pclab::testkit::category::kBusyWait;
using pclab::testkit::category::kCapacityExceeded;
using pclab::testkit::category::kWrongResult;
using namespace std::chrono_literals;

// Long enough that a spinning thread's CPU time is unmistakable, short enough for three tests.
constexpr auto kWindow = 500ms;
// A sleeping thread uses microseconds of CPU to enter its wait. A spinning one gets at least a
// third of a core even on a loaded 2-core machine; a tenth of the window lies far between.
constexpr auto kMostCpuWhileBlocked = kWindow / 10;

// Counts a latch down when it goes out of scope, however the scope is left.
class CountDownOnExit {
  public:
    explicit CountDownOnExit(std::latch& latch) : latch_(latch) {}
    ~CountDownOnExit() { latch_.count_down(); }
    CountDownOnExit(const CountDownOnExit&) = delete;
    CountDownOnExit& operator=(const CountDownOnExit&) = delete;

  private:
    std::latch& latch_;
};

class QueueBlocking : public pclab::testkit::StressTest {
  protected:
    // Runs `blocking_call` on a "blocked" thread, measures that thread's CPU time over kWindow,
    // then runs `release` (which gives the call what it waits for) and joins.
    // `returned_category` tags a blocked call that returned during the window.
    template <class BlockingCall, class Release>
    void expect_sleeps_while_blocked(const std::string& call, std::string_view returned_category,
                                     BlockingCall blocking_call, Release release) {
        std::optional<ThreadCpuClock> clock;
        std::atomic<bool> returned{false};
        std::latch about_to_call(1);
        std::latch measured(1);  // keeps the blocked thread alive until its clock was read
        pclab::testkit::StressRunner runner;
        runner.add("blocked", [&] {
            clock.emplace(ThreadCpuClock::of_calling_thread());
            about_to_call.count_down();
            {
                const pclab::testkit::ScopedActivity inside("the blocking call under measurement");
                blocking_call();
            }
            returned.store(true);
            measured.wait();
        });
        runner.add("measurer", [&] {
            const CountDownOnExit done(measured);
            about_to_call.wait();
            const std::chrono::nanoseconds before = clock->used();
            std::this_thread::sleep_for(kWindow);
            const std::chrono::nanoseconds spent = clock->used() - before;
            const bool returned_early = returned.load();
            PCLAB_EXPECT_PROPERTY(lab03::holds(!returned_early, returned_category))
                << call << " returned although nothing it waits for had happened";
            if (!returned_early) {
                PCLAB_EXPECT_PROPERTY(lab03::holds(spent <= kMostCpuWhileBlocked, kBusyWait))
                    << "a thread blocked in " << call << " used "
                    << std::chrono::duration_cast<std::chrono::milliseconds>(spent).count()
                    << " ms of CPU time in "
                    << std::chrono::duration_cast<std::chrono::milliseconds>(kWindow).count()
                    << " ms: it keeps re-checking instead of sleeping on a condition variable";
            }
            release();
        });
        runner.run();
    }
};

TEST_F(QueueBlocking, GetOnAnEmptyQueueSleeps) {
    pclab::Queue<int> queue(4);
    expect_sleeps_while_blocked(
        "get() on an empty queue", kWrongResult, [&] { EXPECT_EQ(queue.get(), 1); },
        [&] { queue.put(1); });
}

TEST_F(QueueBlocking, TimedGetOnAnEmptyQueueSleeps) {
    pclab::Queue<int> queue(4);
    expect_sleeps_while_blocked(
        "get(30 s) on an empty queue", kWrongResult, [&] { EXPECT_EQ(queue.get(30s), 2); },
        [&] { queue.put(2); });
}

TEST_F(QueueBlocking, PutOnAFullQueueSleeps) {
    pclab::Queue<int> queue(2);
    queue.put(1);
    queue.put(2);
    expect_sleeps_while_blocked(
        "put() on a full queue", kCapacityExceeded, [&] { queue.put(3); },
        [&] { EXPECT_EQ(queue.get(), 1); });
    EXPECT_EQ(queue.qsize(), 2U);
}

}  // namespace
