// Several threads blocked in join() at once: all of them return when the last task_done() is
// called (notify_all, not notify_one), and none before it. The slow items make sure the joiners
// are asleep in join() when the count reaches 0; a joiner left asleep is reported by the
// watchdog as `joiner 3: blocked in join()`.
//
// Measured with PCLAB_SEED=1001..1020 (20 runs per line), 2 cores, load average 7-15 from
// other work on the machine (deadlock runs with PCLAB_TIMEOUT_MS=8000):
//   unsafe:task_done_notifies_one  plain 20/20, tsan 20/20 fail (deadlock: joiners blocked in
//                                  join())
//   solution                       0/20 fail in each build; longest run 1.1 s plain, 2.1 s tsan
#include <gtest/gtest.h>

#include <chrono>

#include "join_workload.hpp"
#include "pclab/testkit/stress_test.hpp"
#include "queue.hpp"

namespace {

using namespace std::chrono_literals;

class ConcurrentJoiners : public pclab::testkit::StressTest {};

TEST_F(ConcurrentJoiners, EveryJoinerReturnsAfterTheLastTaskDone) {
    constexpr int kRounds = 12;     // measured ~0.6 s in total under TSan on 2 cores
    constexpr int kMaxJoiners = 6;  // the contract allows any number; 3x the grading cores
    run_rounds(kRounds, [&](int) {
        lab04::JoinPlan plan = lab04::draw_plan(rng());
        plan.joiners = static_cast<int>(rng().between(2, kMaxJoiners));
        plan.slow_items = std::max<std::int64_t>(plan.slow_items, 1);  // joiners must sleep
        plan.slow_hold = 20ms;
        SCOPED_TRACE(lab04::describe(plan));
        pclab::Queue<lab04::Item> queue;
        lab04::expect_joined_after_every_task_done(
            lab04::run_join_round(queue, plan, rng().next()));
    });
}

}  // namespace
