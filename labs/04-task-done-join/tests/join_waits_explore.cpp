// Exploration scenario of lab 04: join() waits for the last task_done() (built with
// PCLAB_SYNC_EXPLORE: the queue's pclab::mutex and pclab::condition_variable are the controlled
// scheduler's). The activity's program in miniature: a producer puts 0 and 1, two consumers each
// get a number, record its square and call task_done(), and the main thread joins the producer,
// then calls join() and checks that every task_done() had begun. Two items and two consumers
// are enough: the early join needs one consumer to hold its number after the queue went empty,
// the lost wake-up needs the main thread asleep in join() before the last task_done(), and the
// scheduler tries both orders of every such pair. Small keeps each schedule fast and a failing
// trace short enough to read (about 30 steps).
//
// Measured, PCLAB_SEED=1..20 and PCLAB_EXPLORE_STRATEGY=random, then pct (schedules to the
// first failure, min / median / max over the 20 seeds; in parentheses the longest exploration's
// wall time, the search for a shorter trace included), 2 cores at load average 5-8:
//   unsafe:join_waits_for_empty_queue   random min 1 / median 3 / max 12 schedules (0.08 s),
//                                       pct min 1 / median 2 / max 6 (0.07 s); early-join 40/40
//   unsafe:task_done_without_notify     random min 1 / median 1 / max 6 (0.08 s),
//                                       pct min 1 / median 2 / max 10 (0.05 s); deadlock 40/40
//   unsafe:task_done_notifies_one,      pass: one joiner, and no task_done() too many (the
//   unsafe:task_done_goes_negative      every_joiner_wakes and task_done_too_many scenarios)
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

constexpr int kConsumers = 2;
constexpr int kItemsEach = 1;  // per consumer: each gets exactly this many, so none needs a stop
constexpr int kItems = kConsumers * kItemsEach;

void main_joins_after_producer() {
    pclab::Queue<int> queue;
    TaskBooks books(kItems);

    std::vector<pclab::thread> consumers;
    consumers.reserve(kConsumers);
    for (int c = 0; c < kConsumers; ++c) {
        consumers.emplace_back("consumer " + std::to_string(c + 1), [&] {
            for (int i = 0; i < kItemsEach; ++i) {
                lab04_explore::process(queue, books, queue.get());
            }
        });
    }
    pclab::thread producer("producer", [&] {
        for (int number = 0; number < kItems; ++number) {
            queue.put(number);
        }
    });
    producer.join();  // the activity's main thread joins once every put has returned
    queue.join();
    lab04_explore::check_joined_after_every_task_done(books, "main");
    for (pclab::thread& consumer : consumers) {
        consumer.join();
    }
}

TEST(ExploreJoinWaits, OneJoinerTwoConsumers) {
    pclab::explore::explore_scenario("one-joiner", main_joins_after_producer);
}

}  // namespace
