// An immediate shutdown discards the queued items and lowers unfinished_tasks by one per
// discarded item, never below 0: afterwards the count is exactly the number of items taken by
// get() but not yet task_done.
//
// Measured for this check (ShutdownImmediate.*): g++ 12, 2 cores at load average 6-10 (other
// builds running), PCLAB_SEED=1..20:
//   unsafe:immediate_shutdown_leaves_join_blocked  plain: 20/20 fail (wrong-result)
//                                                  tsan:  20/20 fail (wrong-result)
//   solution                                       plain: 0/20 fail   tsan: 0/20 fail
#include <gtest/gtest.h>

#include <cstddef>
#include <latch>
#include <string>
#include <vector>

#include "lab05_support.hpp"
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
using pclab::testkit::category::kWrongResult;

class ShutdownImmediate : public lab05::ShutdownTest {};

// Five puts; two taken by get (one of them task_done): 4 unfinished, 3 queued. Immediate:
// the 3 queued go, and exactly the 1 taken-but-not-done remains.
TEST_F(ShutdownImmediate, DiscardsQueuedItemsAndLowersTheCountByThem) {
    pclab::Queue<int> queue(8);
    for (int i = 0; i < 5; ++i) {
        queue.put(i);
    }
    static_cast<void>(queue.get());
    static_cast<void>(queue.get());
    queue.task_done();
    queue.shutdown(/*immediate=*/true);
    PCLAB_EXPECT_PROPERTY(holds(queue.qsize() == 0, kWrongResult))
        << "after shutdown(true) qsize() is " << queue.qsize() << ": the 3 queued items must be "
        << "discarded";
    PCLAB_EXPECT_PROPERTY(holds(queue.unfinished_tasks() == 1, kWrongResult))
        << "5 puts, 2 gets, 1 task_done, then shutdown(true) discarding 3 items: "
           "unfinished_tasks() must be 5 - 1 - 3 = 1 (the item taken but not yet done), but "
           "it is "
        << queue.unfinished_tasks();
    PCLAB_EXPECT_PROPERTY(lab05::ended_as(Outcome::shut_down, outcome_of([&] { queue.get(); }),
                                          "get() after shutdown(true)"));
    queue.task_done();  // the taken item is done now
    EXPECT_EQ(queue.unfinished_tasks(), 0U);
}

// task_done counts puts, not gets: three puts all task_done without a get leave 3 items queued
// and a count of 0. Discarding them must not take the count below 0 (a size_t would wrap).
TEST_F(ShutdownImmediate, NeverLowersTheCountBelowZero) {
    pclab::Queue<int> queue;
    for (int i = 0; i < 3; ++i) {
        queue.put(i);
    }
    for (int i = 0; i < 3; ++i) {
        queue.task_done();
    }
    queue.put(3);  // one more put, not done: count 1, queued 4
    queue.shutdown(/*immediate=*/true);
    PCLAB_EXPECT_PROPERTY(holds(queue.unfinished_tasks() == 0, kWrongResult))
        << "4 puts, 3 task_done (no get), then shutdown(true) discarding all 4 queued items: "
           "unfinished_tasks() must be max(0, 1 - 4) = 0, but it is "
        << queue.unfinished_tasks();
    PCLAB_EXPECT_PROPERTY(lab05::ended_as(Outcome::logic_error,
                                          outcome_of([&] { queue.task_done(); }),
                                          "task_done() with the count at 0"));
}

// Consumers each hold one item (got, not done) on their own threads while the queue is shut
// down immediately: the count is exactly the number they hold; their task_dones bring it to 0.
TEST_F(ShutdownImmediate, CountEqualsItemsHeldByConsumers) {
    constexpr int kRounds = 10;  // measured 0.4 s mean, 1.1 s max in all under TSan
    run_rounds(kRounds, [&](int) {
        const int holders = static_cast<int>(rng().between(1, 4));
        const auto queued = static_cast<int>(rng().between(0, 20));
        SCOPED_TRACE(std::to_string(holders) + " consumers holding an item, " +
                     std::to_string(queued) + " more queued");
        pclab::Queue<int> queue;
        for (int i = 0; i < holders + queued; ++i) {
            queue.put(i);
        }
        std::latch all_holding(holders);
        std::latch shut_down(1);
        std::size_t count_after_shutdown = 0;
        pclab::testkit::StressRunner runner;
        runner.add("consumer", holders, [&](int) {
            {
                const pclab::testkit::ScopedActivity inside("get()");
                static_cast<void>(queue.get());
            }
            all_holding.count_down();
            shut_down.wait();
            queue.task_done();
        });
        runner.add("shutter", [&] {
            const lab05::CountDownOnExit release(shut_down);
            all_holding.wait();
            const pclab::testkit::ScopedActivity inside("shutdown(true)");
            queue.shutdown(/*immediate=*/true);
            count_after_shutdown = queue.unfinished_tasks();
        });
        runner.run();
        PCLAB_EXPECT_PROPERTY(
            holds(count_after_shutdown == static_cast<std::size_t>(holders), kWrongResult))
            << holders + queued << " puts; " << holders << " consumers each got one and had not "
            << "called task_done; shutdown(true) discarded the other " << queued
            << ": unfinished_tasks() right after it must be " << holders << ", but it was "
            << count_after_shutdown;
        PCLAB_EXPECT_PROPERTY(holds(queue.unfinished_tasks() == 0, kWrongResult))
            << "after every held item was task_done, unfinished_tasks() is "
            << queue.unfinished_tasks() << ", expected 0";
    });
}

// Full traffic; one producer shuts the queue down at a drawn moment with a drawn sequence that
// contains an immediate shutdown. Afterwards nothing is queued or unfinished, no task_done was
// refused, and each item got was put and got once.
TEST_F(ShutdownImmediate, CountsStayExactUnderTraffic) {
    constexpr int kRounds = 30;  // measured 1.2 s mean, 2.5 s max in all under TSan
    constexpr std::int64_t kMaxItemsPerProducer = 1000;
    // Any sequence is allowed; each of these ends in a drained queue.
    const std::vector<std::vector<bool>> sequences = {
        {true}, {false, true}, {true, true}, {true, false}, {false, false, true}};
    run_rounds(kRounds, [&](int round) {
        const lab05::TrafficPlan plan =
            lab05::draw_plan(rng(), kMaxItemsPerProducer,
                             sequences[static_cast<std::size_t>(round) % sequences.size()]);
        SCOPED_TRACE(lab05::describe(plan));
        pclab::Queue<TaggedItem> queue(plan.maxsize);
        lab05::TrafficRecord record(plan.producers, plan.consumers);
        lab05::run_traffic(queue, plan, rng().next(), record);
        PCLAB_EXPECT_PROPERTY(lab05::got_only_what_was_put_once(record));
        PCLAB_EXPECT_PROPERTY(lab05::counts_settled(queue, record));
    });
}

}  // namespace
