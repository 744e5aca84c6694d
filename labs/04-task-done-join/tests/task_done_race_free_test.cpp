// Every lab 04 member from many threads at once, under ThreadSanitizer: producers put,
// consumers get and task_done, several joiners join, observers read unfinished_tasks() and
// qsize() meanwhile. The check passes only if TSan reports no data race (and no join returned
// early). A count changed or read outside the lock shows here on its first unordered access.
//
// Measured with PCLAB_SEED=1001..1020 (20 runs per line), 2 cores, load average 7-15 from
// other work on the machine:
//   unsafe:counter_outside_lock   tsan 20/20 fail (data-race on unfinished_tasks_ in task_done)
//   unsafe:join_polls_with_sleep  tsan 20/20 fail (data-race: join's unlocked read)
//   solution                      tsan 0/20 fail (longest run 2.2 s)
#include <gtest/gtest.h>

#include "join_workload.hpp"
#include "pclab/testkit/stress_test.hpp"
#include "queue.hpp"

namespace {

class TaskDoneRaceFree : public pclab::testkit::StressTest {};

TEST_F(TaskDoneRaceFree, EveryMemberFromManyThreadsAtOnce) {
    constexpr int kRounds = 15;  // measured ~1 s in total under TSan on 2 cores
    run_rounds(kRounds, [&](int) {
        lab04::JoinPlan plan = lab04::draw_plan(rng());
        plan.joiners = static_cast<int>(rng().between(1, 3));
        plan.observers = static_cast<int>(rng().between(1, 2));
        SCOPED_TRACE(lab04::describe(plan));
        pclab::Queue<lab04::Item> queue;
        lab04::expect_joined_after_every_task_done(
            lab04::run_join_round(queue, plan, rng().next()));
    });
}

}  // namespace
