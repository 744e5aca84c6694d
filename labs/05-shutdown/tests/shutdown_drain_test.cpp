// A soft shutdown loses nothing: every item whose put returned before (or while) the queue was
// shut down is got exactly once, in FIFO order; only then do getters see ShutDown.
//
// Measured for this check (ShutdownDrain.*): g++ 12, 2 cores at load average 6-10 (other
// builds running), PCLAB_SEED=1..20:
//   unsafe:soft_shutdown_skips_drain  plain: 20/20 runs fail (lost-item)  tsan: 20/20 (lost-item)
//   solution                          plain: 0/20 fail                    tsan: 0/20 fail
#include <gtest/gtest.h>

#include <chrono>
#include <cstdint>
#include <string>
#include <vector>

#include "lab05_support.hpp"
#include "pclab/testkit/exactly_once_ledger.hpp"
#include "pclab/testkit/failure_category.hpp"
#include "pclab/testkit/stress_runner.hpp"
#include "pclab/testkit/thread_registry.hpp"
#include "queue.hpp"
#include "shutdown_traffic.hpp"

namespace {

using lab05::holds;
using lab05::Outcome;
using lab05::outcome_of;
using pclab::testkit::TaggedItem;
using pclab::testkit::category::kLostItem;
using namespace std::chrono_literals;

class ShutdownDrain : public lab05::ShutdownTest {};

// One thread, every form of get: the items come out in order, then ShutDown.
TEST_F(ShutdownDrain, SoftShutdownLeavesQueuedItemsToGetInOrder) {
    constexpr int kItems = 6;  // two of each form of get
    pclab::Queue<int> queue(kItems);
    for (int i = 0; i < kItems; ++i) {
        queue.put(i);
    }
    queue.shutdown();
    for (int i = 0; i < kItems; ++i) {
        int got = -1;
        const Outcome outcome = outcome_of([&] {
            got = i % 3 == 0 ? queue.get() : i % 3 == 1 ? queue.get(1s) : queue.get_nowait();
        });
        PCLAB_ASSERT_PROPERTY(holds(outcome == Outcome::returned, kLostItem))
            << "after put(0.." << kItems - 1 << ") and a soft shutdown(), get number " << i << " "
            << lab05::describe(outcome) << ": items " << i << ".." << kItems - 1
            << " were put but are lost. A soft shutdown lets getters drain what is queued; "
               "only a shut-down *empty* queue throws ShutDown";
        EXPECT_EQ(got, i) << "items leave in the order they were put";
    }
    PCLAB_EXPECT_PROPERTY(lab05::ended_as(Outcome::shut_down, outcome_of([&] { queue.get(); }),
                                          "get() on the drained, shut-down queue"));
}

// The queue is shut down before any consumer starts; they drain it concurrently.
TEST_F(ShutdownDrain, ConsumersStartedAfterShutdownDrainEverything) {
    constexpr int kRounds = 10;  // measured 0.3 s mean, 1.0 s max in all under TSan
    run_rounds(kRounds, [&](int) {
        const auto items = rng().log_uniform(1, 2000);
        const int consumers = static_cast<int>(rng().between(1, 4));
        SCOPED_TRACE(std::to_string(items) + " items, " + std::to_string(consumers) + " consumers");
        pclab::Queue<TaggedItem> queue;
        pclab::testkit::ExactlyOnceLedger ledger(1, consumers);
        for (std::int64_t k = 0; k < items; ++k) {
            queue.put(TaggedItem{0, k});
            ledger.record_put(0, k);
        }
        queue.shutdown();
        pclab::testkit::StressRunner runner;
        runner.add("consumer", consumers, [&](int c) {
            for (;;) {
                const pclab::testkit::ScopedActivity inside("get()");
                try {
                    ledger.record_got(c, queue.get());
                } catch (const pclab::ShutDown&) {
                    return;
                }
            }
        });
        runner.run();
        PCLAB_EXPECT_PROPERTY(ledger.verify());
    });
}

// Producers and consumers at full speed; one producer shuts the queue down at a drawn moment
// (sometimes twice, soft both times). Every put that returned normally is got exactly once.
TEST_F(ShutdownDrain, EveryItemPutBeforeASoftShutdownIsGotOnce) {
    constexpr int kRounds = 30;  // measured 1.1 s mean, 1.9 s max in all under TSan
    constexpr std::int64_t kMaxItemsPerProducer = 1000;  // several wrap-arounds of a small queue
    run_rounds(kRounds, [&](int round) {
        const std::vector<bool> soft_calls =
            round % 3 == 2 ? std::vector<bool>{false, false} : std::vector<bool>{false};
        const lab05::TrafficPlan plan = lab05::draw_plan(rng(), kMaxItemsPerProducer, soft_calls);
        SCOPED_TRACE(lab05::describe(plan));
        pclab::Queue<TaggedItem> queue(plan.maxsize);
        lab05::TrafficRecord record(plan.producers, plan.consumers);
        lab05::run_traffic(queue, plan, rng().next(), record);
        PCLAB_EXPECT_PROPERTY(record.ledger.verify());
        PCLAB_EXPECT_PROPERTY(lab05::counts_settled(queue, record));
    });
}

}  // namespace
