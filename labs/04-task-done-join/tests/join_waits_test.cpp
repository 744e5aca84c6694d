// THE check of lab 04: when join() returns, every item put has had its task_done() started.
// Consumers hold each item for a seeded while before task_done(); the slow items are held long
// after the queue went empty, while the joiner is (or should be) asleep in join(). The evidence
// is the started-task_done counter explained in join_workload.hpp: a correct queue can never
// make it fail, whatever the timing.
//
// Measured with PCLAB_SEED=1001..1020 (20 runs per line), 2 cores, load average 7-15 from
// other work on the machine (deadlock runs with PCLAB_TIMEOUT_MS=8000):
//   unsafe:join_waits_for_empty_queue  plain 20/20, tsan 20/20 fail (early-join)
//   unsafe:task_done_without_notify    plain 20/20 fail (deadlock: joiner 0 blocked in join())
//   unsafe:join_polls_with_sleep       tsan 20/20 fail (data-race); plain 0/20 (it is only late)
//   unsafe:counter_outside_lock        tsan 20/20 fail (data-race); plain passed with seed 1
//   solution                           0/20 fail in each build; longest run 4.2 s plain, 4.1 s
//                                      tsan, against a 20 s budget (watchdog at 16 s)
#include <gtest/gtest.h>

#include <chrono>
#include <cstdint>

#include "join_workload.hpp"
#include "pclab/testkit/stress_test.hpp"
#include "queue.hpp"

namespace {

using namespace std::chrono_literals;

class JoinWaitsForTaskDone : public pclab::testkit::StressTest {
  protected:
    void run_and_check(const lab04::JoinPlan& plan) {
        SCOPED_TRACE(lab04::describe(plan));
        pclab::Queue<lab04::Item> queue;
        lab04::expect_joined_after_every_task_done(
            lab04::run_join_round(queue, plan, rng().next()));
    }
};

TEST_F(JoinWaitsForTaskDone, AcrossSeedsConsumerCountsAndSizes) {
    constexpr int kRounds = 30;  // measured ~1 s in total under TSan on 2 cores
    run_rounds(kRounds, [&](int) { run_and_check(lab04::draw_plan(rng())); });
}

// The seed activity's shape: one producer (the main thread) puts everything, then joins; the
// last item put is held 50 ms after the joiner arrived, long after the queue went empty.
TEST_F(JoinWaitsForTaskDone, LastTaskDoneLongAfterTheQueueWentEmpty) {
    constexpr int kRounds = 5;  // each round waits out its 50 ms hold: 0.25 s in all
    run_rounds(kRounds, [&](int) {
        lab04::JoinPlan plan;
        plan.producers = 1;
        plan.consumers = static_cast<int>(rng().between(1, 4));
        plan.items = rng().log_uniform(1, 100);
        plan.slow_items = 1;
        plan.max_hold = 50us;   // ordinary items: quick
        plan.slow_hold = 50ms;  // the last one: long; a joiner that does not wait sees it
        run_and_check(plan);
    });
}

// Every consumer still holds an item when the queue goes empty: several task_done() calls are
// outstanding at once, not just the last one.
TEST_F(JoinWaitsForTaskDone, SeveralItemsStillBeingProcessed) {
    constexpr int kRounds = 4;  // each round waits out a 20 ms hold
    run_rounds(kRounds, [&](int) {
        lab04::JoinPlan plan;
        plan.producers = 1;
        plan.consumers = static_cast<int>(rng().between(2, 8));
        plan.items = plan.consumers;
        plan.slow_items = plan.consumers;  // every item is slow
        plan.slow_hold = 20ms;
        run_and_check(plan);
    });
}

}  // namespace
