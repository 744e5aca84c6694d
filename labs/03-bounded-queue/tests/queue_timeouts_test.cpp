// Timed put and get: a timed call that gives up throws only once its whole timeout has passed
// (never early, not even by a microsecond: the deadline is fixed at the call, on
// std::chrono::steady_clock, and this test measures on the same clock from before the call), and
// not much later (kLateTolerance); one that can succeed during its timeout returns as soon as it
// can.
#include <gtest/gtest.h>

#include <chrono>
#include <cstdint>
#include <latch>
#include <string>
#include <thread>

#include "call_outcome.hpp"
#include "pclab/testkit/failure_category.hpp"
#include "pclab/testkit/stress_runner.hpp"
#include "pclab/testkit/stress_test.hpp"
#include "pclab/testkit/thread_registry.hpp"
#include "queue.hpp"

namespace {

using lab03::ended_as;
using lab03::kContractBroken;
using lab03::Outcome;
using lab03::outcome_of;
using Clock = std::chrono::steady_clock;
using std::chrono::milliseconds;
using namespace std::chrono_literals;

// How late a timed call may give up: a woken thread must get a core again, and under
// ThreadSanitizer on a loaded 2-core machine that can take long. Lateness this big is not
// scheduling any more but a wrong deadline (say, one restarted after every wake-up).
constexpr auto kLateTolerance = 2s;
// A timeout long enough that a call which waits for it (instead of returning when its item or
// room arrives) is obvious, yet well inside the check's 60 s budget.
constexpr auto kLongTimeout = 20s;
// How long the helper waits before making room or putting an item, so that the timed call is
// most likely already waiting. Workload, not synchronisation: the result must be the same if it
// is not.
constexpr auto kHelperDelay = 50ms;

long long in_ms(Clock::duration duration) {
    return std::chrono::duration_cast<milliseconds>(duration).count();
}

class QueueTimeouts : public pclab::testkit::StressTest {
  protected:
    // Timeouts from 1 to 100 ms, log-uniform: tiny ones catch a deadline computed wrongly,
    // larger ones catch a wait that ends at the first (spurious) wake-up.
    milliseconds draw_timeout() { return milliseconds(rng().log_uniform(1, 100)); }

    void expect_gives_up_on_time(const std::string& what, std::chrono::nanoseconds timeout,
                                 Clock::duration took) {
        PCLAB_EXPECT_PROPERTY(lab03::holds(took >= timeout, kContractBroken))
            << what << " gave up after "
            << std::chrono::duration_cast<std::chrono::microseconds>(took).count()
            << " µs, before its timeout of "
            << std::chrono::duration_cast<std::chrono::microseconds>(timeout).count()
            << " µs had passed (measured on steady_clock from before the call): a timed call "
               "must wait its whole timeout";
        PCLAB_EXPECT_PROPERTY(lab03::holds(took <= timeout + kLateTolerance, kContractBroken))
            << what << " gave up after " << in_ms(took) << " ms with a timeout of "
            << in_ms(timeout) << " ms: much later than its deadline";
    }
};

TEST_F(QueueTimeouts, TimedGetOnAnEmptyQueueWaitsTheWholeTimeout) {
    constexpr int kRounds = 12;  // ~0.5 s of waiting in all
    run_rounds(kRounds, [&](int) {
        const milliseconds timeout = draw_timeout();
        pclab::Queue<int> queue(rng().below(2) == 0 ? 0 : 4);
        const Clock::time_point start = Clock::now();
        const Outcome outcome = outcome_of([&] { queue.get(timeout); });
        const Clock::duration took = Clock::now() - start;
        const std::string what =
            "get(" + std::to_string(timeout.count()) + " ms) on an empty queue";
        PCLAB_ASSERT_PROPERTY(ended_as(Outcome::empty, outcome, what));
        expect_gives_up_on_time(what, timeout, took);
    });
}

TEST_F(QueueTimeouts, TimedPutOnAFullQueueWaitsTheWholeTimeout) {
    constexpr int kRounds = 12;  // ~0.5 s of waiting in all
    run_rounds(kRounds, [&](int) {
        const milliseconds timeout = draw_timeout();
        const auto maxsize = static_cast<std::size_t>(rng().between(1, 4));
        pclab::Queue<int> queue(maxsize);
        for (std::size_t i = 0; i < maxsize; ++i) {
            queue.put_nowait(0);
        }
        const Clock::time_point start = Clock::now();
        const Outcome outcome = outcome_of([&] { queue.put(1, timeout); });
        const Clock::duration took = Clock::now() - start;
        const std::string what = "put(x, " + std::to_string(timeout.count()) +
                                 " ms) on a full queue (maxsize " + std::to_string(maxsize) + ")";
        PCLAB_ASSERT_PROPERTY(ended_as(Outcome::full, outcome, what));
        expect_gives_up_on_time(what, timeout, took);
    });
}

// A timed get returns the item that arrives while it waits, as soon as it arrives.
TEST_F(QueueTimeouts, TimedGetReturnsWhenAnItemArrives) {
    pclab::Queue<int> queue(1);
    std::latch getter_started(1);
    pclab::testkit::StressRunner runner;
    runner.add("getter", [&] {
        getter_started.count_down();
        const Clock::time_point start = Clock::now();
        int got = 0;
        const Outcome outcome = outcome_of([&] {
            const pclab::testkit::ScopedActivity inside("Queue::get(20 s)");
            got = queue.get(kLongTimeout);
        });
        const Clock::duration took = Clock::now() - start;
        PCLAB_ASSERT_PROPERTY(ended_as(Outcome::returned, outcome,
                                       "get(20 s) while another thread puts an item after 50 ms"));
        EXPECT_EQ(got, 42);
        PCLAB_EXPECT_PROPERTY(lab03::holds(took < kLongTimeout / 2, kContractBroken))
            << "get(20 s) returned the item only after " << in_ms(took)
            << " ms although it was put after about 50 ms: a waiting getter must wake when an "
               "item arrives";
    });
    runner.add("putter", [&] {
        getter_started.wait();
        std::this_thread::sleep_for(kHelperDelay);
        queue.put(42);
    });
    runner.run();
}

// A timed put returns as soon as a get makes room.
TEST_F(QueueTimeouts, TimedPutReturnsWhenRoomAppears) {
    pclab::Queue<int> queue(1);
    queue.put(1);
    std::latch putter_started(1);
    pclab::testkit::StressRunner runner;
    runner.add("putter", [&] {
        putter_started.count_down();
        const Clock::time_point start = Clock::now();
        const Outcome outcome = outcome_of([&] {
            const pclab::testkit::ScopedActivity inside("Queue::put(x, 20 s)");
            queue.put(2, kLongTimeout);
        });
        const Clock::duration took = Clock::now() - start;
        PCLAB_ASSERT_PROPERTY(
            ended_as(Outcome::returned, outcome,
                     "put(x, 20 s) on a full queue while another thread gets after 50 ms"));
        PCLAB_EXPECT_PROPERTY(lab03::holds(took < kLongTimeout / 2, kContractBroken))
            << "put(x, 20 s) returned only after " << in_ms(took)
            << " ms although room appeared after about 50 ms: a waiting putter must wake when a "
               "get makes room";
    });
    runner.add("getter", [&] {
        putter_started.wait();
        std::this_thread::sleep_for(kHelperDelay);
        EXPECT_EQ(queue.get(), 1);
        const pclab::testkit::ScopedActivity inside("Queue::get() of the putter's item");
        EXPECT_EQ(queue.get(), 2);
    });
    runner.run();
}

// The largest timeout means "as long as needed": computing the deadline as now + timeout
// without care overflows into the past and gives up at once.
TEST_F(QueueTimeouts, LargestTimeoutDoesNotOverflowIntoThePast) {
    constexpr auto kForever = std::chrono::nanoseconds::max();
    pclab::Queue<int> queue(1);
    std::latch getter_started(1);
    pclab::testkit::StressRunner runner;
    runner.add("getter", [&] {
        getter_started.count_down();
        int got = 0;
        const Outcome outcome = outcome_of([&] {
            const pclab::testkit::ScopedActivity inside("Queue::get(nanoseconds::max())");
            got = queue.get(kForever);
        });
        PCLAB_ASSERT_PROPERTY(
            ended_as(Outcome::returned, outcome,
                     "get(nanoseconds::max()) while another thread puts an item after "
                     "50 ms"));
        EXPECT_EQ(got, 5);
        // Leave the putter's next put(x, nanoseconds::max()) waiting on a full queue a while.
        std::this_thread::sleep_for(kHelperDelay);
        const pclab::testkit::ScopedActivity inside("Queue::get() to make room");
        EXPECT_EQ(queue.get(), 6);
    });
    runner.add("putter", [&] {
        getter_started.wait();
        std::this_thread::sleep_for(kHelperDelay);
        queue.put(5);
        {
            const pclab::testkit::ScopedActivity inside("Queue::put(6)");
            queue.put(6);  // waits for the getter to take 5; then the queue is full again
        }
        const Outcome outcome = outcome_of([&] {
            const pclab::testkit::ScopedActivity inside("Queue::put(x, nanoseconds::max())");
            queue.put(7, kForever);
        });
        PCLAB_EXPECT_PROPERTY(
            ended_as(Outcome::returned, outcome,
                     "put(x, nanoseconds::max()) on a full queue while another thread "
                     "gets"));
    });
    runner.run();
    EXPECT_EQ(queue.get_nowait(), 7) << "the item of put(x, nanoseconds::max())";
}

}  // namespace
