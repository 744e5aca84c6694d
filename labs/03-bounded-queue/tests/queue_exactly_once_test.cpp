// Stress tests of what a queue is for: every item put comes out exactly once, and in FIFO
// order: with one consumer, each producer's items arrive in the order that producer put them;
// with one producer and one consumer, exactly in put order.
#include <gtest/gtest.h>

#include <cstdint>
#include <string>
#include <vector>

#include "call_outcome.hpp"
#include "pclab/testkit/failure_category.hpp"
#include "pclab/testkit/stress_test.hpp"
#include "queue.hpp"
#include "tagged_traffic.hpp"

namespace {

using pclab::testkit::category::kOrderViolated;

class QueueExactlyOnce : public pclab::testkit::StressTest {
  protected:
    void run_and_verify(const lab03::TrafficPlan& plan) {
        SCOPED_TRACE(lab03::describe(plan));
        pclab::Queue<lab03::TaggedItem> queue(plan.maxsize);
        lab03::TrafficRecord record(plan.producers, plan.consumers);
        lab03::run_traffic(queue, plan, rng().next(), record);
        // Order first: a reordering queue usually also shows as "lost" in a per-producer FIFO
        // ledger, but its cause is the order.
        PCLAB_EXPECT_PROPERTY(lab03::kept_each_producers_order(record, plan.producers));
        PCLAB_EXPECT_PROPERTY(record.ledger.verify(pclab::testkit::ExactlyOnceLedger::Options{
            .per_producer_fifo = true, .max_listed = 5}));
        PCLAB_EXPECT_PROPERTY(lab03::stayed_within_maxsize(record));
    }
};

TEST_F(QueueExactlyOnce, ManyProducersManyConsumersEachItemOnce) {
    constexpr int kRounds = 40;                          // measured ~1 s under TSan on 2 cores
    constexpr std::int64_t kMaxItemsPerProducer = 2000;  // many wrap-arounds of a small queue
    run_rounds(kRounds, [&](int round) {
        lab03::TrafficPlan plan = lab03::draw_plan(rng(), kMaxItemsPerProducer);
        if (round % 4 == 3) {
            plan.maxsize = 0;  // unbounded queues are in the range too
        }
        run_and_verify(plan);
    });
}

TEST_F(QueueExactlyOnce, OneConsumerSeesEachProducersItemsInOrder) {
    constexpr int kRounds = 20;  // measured ~0.5 s under TSan on 2 cores
    run_rounds(kRounds, [&](int) {
        lab03::TrafficPlan plan = lab03::draw_plan(rng(), 2000);
        plan.consumers = 1;
        run_and_verify(plan);
    });
}

TEST_F(QueueExactlyOnce, OneProducerOneConsumerIsExactlyFifo) {
    constexpr int kRounds = 20;  // measured ~0.5 s under TSan on 2 cores
    run_rounds(kRounds, [&](int) {
        lab03::TrafficPlan plan = lab03::draw_plan(rng(), 4000);
        plan.producers = 1;
        plan.consumers = 1;
        SCOPED_TRACE(lab03::describe(plan));
        pclab::Queue<lab03::TaggedItem> queue(plan.maxsize);
        lab03::TrafficRecord record(1, 1);
        lab03::run_traffic(queue, plan, rng().next(), record);
        const std::vector<lab03::TaggedItem>& got = record.got_by[0];
        for (std::size_t i = 0; i < got.size(); ++i) {
            PCLAB_ASSERT_PROPERTY(
                lab03::holds(got[i].sequence == static_cast<std::int64_t>(i), kOrderViolated))
                << "the consumer's item number " << i << " was item " << got[i].sequence
                << " of the producer: with one producer and one consumer, items come out "
                   "exactly in the order they were put";
        }
        PCLAB_EXPECT_PROPERTY(record.ledger.verify());
    });
}

}  // namespace
