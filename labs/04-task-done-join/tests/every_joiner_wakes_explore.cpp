// Exploration scenario of lab 04: every thread blocked in join() wakes at the last task_done()
// (built with PCLAB_SYNC_EXPLORE: the queue's pclab::mutex and pclab::condition_variable are the
// controlled scheduler's). The main thread puts 0 and 1, then starts two joiners and two
// consumers; each consumer gets a number, records its square and calls task_done(), and each
// joiner calls join() and checks that every task_done() had begun. Two joiners are the fewest
// that tell notify_all from notify_one: whenever both are asleep in join() when the count
// reaches 0, a notify_one leaves one of them asleep for good, and the scheduler reports the
// deadlock with where each thread waits. The joiners start first so that they are often asleep
// before the consumers finish; the scheduler still tries the orders in which they are not.
//
// Measured, PCLAB_SEED=1..20 and PCLAB_EXPLORE_STRATEGY=random, then pct (schedules to the
// first failure, min / median / max over the 20 seeds; in parentheses the longest exploration's
// wall time, the search for a shorter trace included), 2 cores at load average 5-8:
//   unsafe:task_done_notifies_one       random min 1 / median 1 / max 2 schedules (0.08 s),
//                                       pct min 1 / median 1 / max 3 (0.08 s); deadlock 40/40
//   unsafe:task_done_without_notify     random min 1 / median 1 / max 1 (0.07 s),
//                                       pct min 1 / median 1 / max 3 (0.08 s); deadlock 40/40
//   unsafe:join_waits_for_empty_queue   random min 1 / median 2 / max 5 (0.09 s),
//                                       pct min 1 / median 1 / max 2 (0.08 s); early-join 40/40
//   unsafe:task_done_goes_negative      pass: no task_done() too many here
//   solution                            no failure: 1000 schedules per strategy for each of
//                                       the 20 seeds, and 5000 per strategy for seeds 1-3
//   unsafe:join_polls_with_sleep,       pass: their defects are data races (ThreadSanitizer's
//   unsafe:counter_outside_lock         checks); under the scheduler the racy code runs with no
//                                       scheduling point inside it, so it cannot interleave
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "explore_task_books.hpp"
#include "pclab/explore/lab_exploration.hpp"
#include "pclab/sync.hpp"
#include "queue.hpp"

namespace {

using lab04_explore::TaskBooks;

constexpr int kJoiners = 2;
constexpr int kWorkers = 2;  // consumers; each gets exactly one number, so none needs a stop
constexpr int kNumbersPut = kWorkers;

void two_joiners_wait_for_two_consumers() {
    pclab::Queue<int> queue;
    TaskBooks books(kNumbersPut);
    for (int number = 0; number < kNumbersPut; ++number) {
        queue.put(number);  // every put returns before anyone joins
    }

    std::vector<pclab::thread> threads;
    threads.reserve(kJoiners + kWorkers);
    for (int j = 0; j < kJoiners; ++j) {
        const std::string name = "joiner " + std::to_string(j + 1);
        threads.emplace_back(name, [&, name] {
            queue.join();
            lab04_explore::check_joined_after_every_task_done(books, name);
        });
    }
    for (int c = 0; c < kWorkers; ++c) {
        threads.emplace_back("consumer " + std::to_string(c + 1),
                             [&] { lab04_explore::process(queue, books, queue.get()); });
    }
    for (pclab::thread& thread : threads) {
        thread.join();
    }
}

TEST(ExploreEveryJoinerWakes, TwoJoinersTwoConsumers) {
    pclab::explore::explore_scenario("two-joiners", two_joiners_wait_for_two_consumers);
}

}  // namespace
