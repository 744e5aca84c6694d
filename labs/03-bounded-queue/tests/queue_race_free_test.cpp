// ThreadSanitizer's check: every member called from many threads at once, the readers (qsize,
// empty, full, maxsize) included, races on nothing. A reader that skips the lock "because it
// only reads one number" is a data race even when the number it returns looks right.
#include <gtest/gtest.h>

#include <cstdint>

#include "pclab/testkit/stress_test.hpp"
#include "queue.hpp"
#include "tagged_traffic.hpp"

namespace {

class QueueRaceFree : public pclab::testkit::StressTest {};

TEST_F(QueueRaceFree, EveryMemberAtOnce) {
    constexpr int kRounds = 25;                         // measured ~1 s under TSan on 2 cores
    constexpr std::int64_t kMaxItemsPerProducer = 500;  // TSan needs overlap, not volume
    run_rounds(kRounds, [&](int round) {
        lab03::TrafficPlan plan = lab03::draw_plan(rng(), kMaxItemsPerProducer);
        plan.every_form = true;
        plan.observers = 2;  // readers racing with every put and get
        if (round % 5 == 4) {
            plan.maxsize = 0;
        }
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
