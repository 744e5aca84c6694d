// maxsize 0 means unbounded: never full, so put never waits and put_nowait never throws Full,
// however many items pile up with nobody getting them.
#include <gtest/gtest.h>

#include <chrono>
#include <cstdint>
#include <string>

#include "call_outcome.hpp"
#include "pclab/testkit/failure_category.hpp"
#include "pclab/testkit/stress_runner.hpp"
#include "pclab/testkit/stress_test.hpp"
#include "pclab/testkit/thread_registry.hpp"
#include "queue.hpp"

namespace {

using lab03::ended_as;
using lab03::Outcome;
using lab03::outcome_of;
using pclab::testkit::category::kWrongResult;
using namespace std::chrono_literals;

class QueueUnbounded : public pclab::testkit::StressTest {};

TEST_F(QueueUnbounded, NeverFullAndNeverRefusesAPut) {
    constexpr std::int64_t kItems = 100'000;  // far beyond any bound a test elsewhere uses
    pclab::Queue<std::int64_t> queue;         // the default: maxsize 0
    for (std::int64_t i = 0; i < kItems; ++i) {
        const std::uint64_t form = static_cast<std::uint64_t>(i) % 3;
        const Outcome outcome = outcome_of([&] {
            if (form == 0) {
                queue.put(i);
            } else if (form == 1) {
                queue.put(i, 0ms);
            } else {
                queue.put_nowait(i);
            }
        });
        ASSERT_TRUE(
            ended_as(Outcome::returned, outcome,
                     "a put into an unbounded queue holding " + std::to_string(i) + " items"));
        if (i % 1000 == 0) {
            PCLAB_ASSERT_PROPERTY(lab03::holds(!queue.full(), kWrongResult))
                << "full() is true for an unbounded queue holding " << i + 1 << " items";
        }
    }
    EXPECT_EQ(queue.qsize(), static_cast<std::size_t>(kItems));
    for (std::int64_t i = 0; i < kItems; ++i) {
        ASSERT_EQ(queue.get_nowait(), i) << "items leave in the order they were put";
    }
    EXPECT_TRUE(queue.empty());
}

// Producers with nobody consuming all finish: on an unbounded queue no put waits.
TEST_F(QueueUnbounded, ConcurrentPutsWithNoConsumerAllReturn) {
    constexpr int kRounds = 10;                     // measured ~0.3 s under TSan on 2 cores
    constexpr std::int64_t kMaxPerProducer = 5000;  // thousands of items pile up unconsumed
    run_rounds(kRounds, [&](int) {
        const int producers = static_cast<int>(rng().between(1, 8));
        const std::int64_t per_producer = rng().log_uniform(1, kMaxPerProducer);
        SCOPED_TRACE(std::to_string(producers) + " producers x " + std::to_string(per_producer));
        pclab::Queue<std::int64_t> queue(0);
        pclab::testkit::StressRunner runner;
        runner.add("producer", producers, [&](int p) {
            const pclab::testkit::ScopedActivity inside("Queue::put() on an unbounded queue");
            for (std::int64_t k = 0; k < per_producer; ++k) {
                queue.put(p * kMaxPerProducer + k);
            }
        });
        runner.run();
        PCLAB_EXPECT_PROPERTY(
            lab03::holds(queue.qsize() == static_cast<std::size_t>(producers * per_producer),
                         pclab::testkit::category::kLostItem))
            << "qsize() is " << queue.qsize() << " after " << producers * per_producer
            << " puts and no gets";
        PCLAB_EXPECT_PROPERTY(lab03::holds(!queue.full(), kWrongResult))
            << "an unbounded queue is never full";
    });
}

}  // namespace
