// The bound: a queue made with maxsize m never holds more than m items. Checked on one thread
// (a full queue refuses put_nowait), with two (a put on a full queue waits for a get), and under
// stress (1-8 producers and consumers, maxsize 1-64, every form of put and get, slow consumers
// so that the queue is full much of the time).
//
// Measured for this check (capacity-respected), 2 cores, g++ 12, 20 grading runs with seeds
// 1001..1020:
//   unsafe:maxsize_ignored  20/20 runs fail (capacity-exceeded; FullQueueAcceptsNothingMore is
//                           deterministic: put_nowait on a full queue returns)
//   solution                plain: 0/20 fail, tsan: 0/20 fail (tsan ~3.8 s per run, max 5.3 s)
#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <cstddef>
#include <latch>
#include <string>
#include <thread>

#include "call_outcome.hpp"
#include "pclab/testkit/failure_category.hpp"
#include "pclab/testkit/stress_runner.hpp"
#include "pclab/testkit/stress_test.hpp"
#include "pclab/testkit/thread_registry.hpp"
#include "queue.hpp"
#include "tagged_traffic.hpp"

namespace {

using lab03::ended_as;
using lab03::Outcome;
using lab03::outcome_of;
using pclab::testkit::category::kCapacityExceeded;
using pclab::testkit::category::kWrongResult;
using namespace std::chrono_literals;

// How long a put on a full queue is watched for returning. A measurement: a correct put stays
// blocked for as long as nobody gets, so any window is safe; a bound-ignoring put returns in
// microseconds, far inside this one.
constexpr auto kWatchBlockedPut = 100ms;

class QueueCapacity : public pclab::testkit::StressTest {};

TEST_F(QueueCapacity, FullQueueAcceptsNothingMore) {
    constexpr int kRounds = 20;  // maxsizes 1..64, log-uniform
    run_rounds(kRounds, [&](int) {
        const auto maxsize = static_cast<std::size_t>(rng().log_uniform(1, 64));
        SCOPED_TRACE("maxsize " + std::to_string(maxsize));
        pclab::Queue<std::size_t> queue(maxsize);
        for (std::size_t i = 0; i < maxsize; ++i) {
            queue.put(i);
        }
        PCLAB_ASSERT_PROPERTY(lab03::holds(queue.full(), kWrongResult))
            << "full() is false after " << maxsize << " puts into a queue with maxsize " << maxsize;
        PCLAB_EXPECT_PROPERTY(ended_as(Outcome::full,
                                       outcome_of([&] { queue.put_nowait(maxsize); }),
                                       "put_nowait(x) on a full queue"));
        PCLAB_EXPECT_PROPERTY(ended_as(Outcome::full, outcome_of([&] { queue.put(maxsize, 1ms); }),
                                       "put(x, 1 ms) on a full queue"));
        PCLAB_EXPECT_PROPERTY(lab03::holds(queue.qsize() <= maxsize, kCapacityExceeded))
            << "qsize() is " << queue.qsize() << " in a queue with maxsize " << maxsize;
    });
}

// A put on a full queue waits until a get makes room, then goes in.
TEST_F(QueueCapacity, PutOnAFullQueueWaitsForAGet) {
    constexpr int kRounds = 3;  // maxsize 1, then two drawn: each round watches for 100 ms
    run_rounds(kRounds, [&](int round) {
        const auto maxsize =
            round == 0 ? std::size_t{1} : static_cast<std::size_t>(rng().log_uniform(2, 64));
        SCOPED_TRACE("maxsize " + std::to_string(maxsize));
        pclab::Queue<std::size_t> queue(maxsize);
        for (std::size_t i = 0; i < maxsize; ++i) {
            queue.put(i);
        }
        std::atomic<bool> put_returned{false};
        std::latch putter_started(1);
        pclab::testkit::StressRunner runner;
        runner.add("putter", [&] {
            putter_started.count_down();
            const pclab::testkit::ScopedActivity inside("Queue::put() on a full queue");
            queue.put(maxsize);
            put_returned.store(true);
        });
        runner.add("getter", [&] {
            putter_started.wait();
            std::this_thread::sleep_for(kWatchBlockedPut);
            PCLAB_EXPECT_PROPERTY(lab03::holds(!put_returned.load(), kCapacityExceeded))
                << "put() on a full queue (maxsize " << maxsize
                << ") returned while nobody got anything: the queue now holds " << queue.qsize()
                << " items";
            const pclab::testkit::ScopedActivity inside("Queue::get()");
            EXPECT_EQ(queue.get(), 0U) << "the oldest item";
        });
        runner.run();
        EXPECT_TRUE(put_returned.load());
        PCLAB_EXPECT_PROPERTY(lab03::holds(queue.qsize() == maxsize, kWrongResult))
            << "after one get and the waiting put, qsize() is " << queue.qsize() << " instead of "
            << maxsize;
    });
}

TEST_F(QueueCapacity, OccupancyNeverExceedsMaxsizeUnderStress) {
    constexpr int kRounds = 30;                          // measured ~1 s under TSan on 2 cores
    constexpr std::int64_t kMaxItemsPerProducer = 1000;  // many fill/drain cycles at maxsize 64
    run_rounds(kRounds, [&](int) {
        lab03::TrafficPlan plan = lab03::draw_plan(rng(), kMaxItemsPerProducer);
        plan.max_consumer_work = 400;  // always slow consumers: the queue is full most of the time
        plan.observers = static_cast<int>(rng().below(2));
        SCOPED_TRACE(lab03::describe(plan));
        pclab::Queue<lab03::TaggedItem> queue(plan.maxsize);
        lab03::TrafficRecord record(plan.producers, plan.consumers);
        lab03::run_traffic(queue, plan, rng().next(), record);
        PCLAB_EXPECT_PROPERTY(lab03::stayed_within_maxsize(record));
        PCLAB_EXPECT_PROPERTY(lab03::readings_were_possible(record));
        PCLAB_EXPECT_PROPERTY(record.ledger.verify());
    });
}

}  // namespace
