// The _nowait forms and a timeout of 0 never wait: not for room, not for an item, and not for
// a thread that is blocked inside the queue (a blocked thread must not hold the queue's lock).
//
// "At once" is judged generously: kAtOnce is hundreds of times what a lock, a check and a throw
// take even under ThreadSanitizer, and a call that wrongly waits for room or for an item with
// nobody to provide it waits forever (then the watchdog reports it as stuck).
#include <gtest/gtest.h>

#include <chrono>
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
using namespace std::chrono_literals;

// A non-blocking call that takes longer than this waited for something.
constexpr auto kAtOnce = 1s;
// How long the helper thread is given to get into its blocking call before the non-blocking
// calls are made. Workload, not synchronisation: if the helper is not inside yet, the calls
// must still return at once, and the test still passes or fails for the right reason.
constexpr auto kLetHelperBlock = 50ms;

class QueueNonBlocking : public pclab::testkit::StressTest {
  protected:
    // Runs `call`, checks it ended as `expected` within kAtOnce.
    template <class Call>
    void expect_at_once(Outcome expected, const std::string& what, Call&& call) {
        const Clock::time_point start = Clock::now();
        const Outcome outcome = outcome_of(call);
        const auto took = Clock::now() - start;
        PCLAB_EXPECT_PROPERTY(ended_as(expected, outcome, what));
        PCLAB_EXPECT_PROPERTY(lab03::holds(took < kAtOnce, kContractBroken))
            << what << " took "
            << std::chrono::duration_cast<std::chrono::milliseconds>(took).count()
            << " ms: a non-blocking call must return or throw at once, never wait";
    }
};

TEST_F(QueueNonBlocking, FullQueueRefusesAtOnceWithNobodyToMakeRoom) {
    for (const std::size_t maxsize : {1, 4}) {
        pclab::Queue<int> queue(maxsize);
        for (std::size_t i = 0; i < maxsize; ++i) {
            queue.put_nowait(static_cast<int>(i));
        }
        const std::string full = " on a full queue, maxsize " + std::to_string(maxsize);
        expect_at_once(Outcome::full, "put_nowait(x)" + full, [&] { queue.put_nowait(9); });
        expect_at_once(Outcome::full, "put(x, 0 ms)" + full, [&] { queue.put(9, 0ms); });
        expect_at_once(Outcome::full, "put(x, 0 ns)" + full, [&] { queue.put(9, 0ns); });
    }
}

TEST_F(QueueNonBlocking, EmptyQueueRefusesAtOnceWithNobodyToPut) {
    for (const std::size_t maxsize : {0, 1, 4}) {
        pclab::Queue<int> queue(maxsize);
        const std::string empty = " on an empty queue, maxsize " + std::to_string(maxsize);
        expect_at_once(Outcome::empty, "get_nowait()" + empty, [&] { queue.get_nowait(); });
        expect_at_once(Outcome::empty, "get(0 ms)" + empty, [&] { queue.get(0ms); });
    }
}

// A putter blocked in put() on a full queue holds no lock: another thread's get_nowait,
// qsize and put_nowait all answer at once.
TEST_F(QueueNonBlocking, ThreadBlockedInPutDoesNotHoldTheQueue) {
    pclab::Queue<int> queue(1);
    queue.put_nowait(1);
    std::latch putter_ready(1);
    pclab::testkit::StressRunner runner;
    runner.add("putter", [&] {
        putter_ready.count_down();
        const pclab::testkit::ScopedActivity inside("Queue::put() on a full queue");
        queue.put(2);
    });
    runner.add("checker", [&] {
        putter_ready.wait();
        std::this_thread::sleep_for(kLetHelperBlock);
        expect_at_once(Outcome::returned, "qsize() while another thread waits in put()",
                       [&] { static_cast<void>(queue.qsize()); });
        int got = 0;
        expect_at_once(Outcome::returned, "get_nowait() while another thread waits in put()",
                       [&] { got = queue.get_nowait(); });
        EXPECT_EQ(got, 1);
        const pclab::testkit::ScopedActivity inside("Queue::get() of the putter's item");
        EXPECT_EQ(queue.get(), 2) << "the blocked putter's item";
    });
    runner.run();
}

// A getter blocked in get() on an empty queue holds no lock: put_nowait and get_nowait answer
// at once.
TEST_F(QueueNonBlocking, ThreadBlockedInGetDoesNotHoldTheQueue) {
    pclab::Queue<int> queue(2);
    std::latch getter_ready(1);
    pclab::testkit::StressRunner runner;
    runner.add("getter", [&] {
        getter_ready.count_down();
        const pclab::testkit::ScopedActivity inside("Queue::get() on an empty queue");
        EXPECT_EQ(queue.get(), 7);
    });
    runner.add("checker", [&] {
        getter_ready.wait();
        std::this_thread::sleep_for(kLetHelperBlock);
        expect_at_once(Outcome::returned, "empty() while another thread waits in get()",
                       [&] { static_cast<void>(queue.empty()); });
        expect_at_once(Outcome::returned, "put_nowait(x) while another thread waits in get()",
                       [&] { queue.put_nowait(7); });
    });
    runner.run();
}

}  // namespace
