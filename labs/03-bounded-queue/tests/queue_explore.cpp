// Exploration scenarios of lab 03 (built with PCLAB_SYNC_EXPLORE: the queue's pclab::mutex and
// pclab::condition_variable are the controlled scheduler's, and its timed waits run on the
// scheduler's virtual clock). Small on purpose, so a failure's trace is short enough to read:
// - "bounded-exchange": two producers put 2 items each through a queue of maxsize 1 while two
//   consumers get them; every item comes out once, in each producer's order, and a put never
//   returns while the queue already holds maxsize items;
// - "timed-put-and-get": a put with a timeout on a full queue and a get with a timeout on an
//   empty one race a consumer and a producer; whichever way the schedule goes, each call
//   either succeeds with the queue in a state that allowed it or throws Full/Empty having
//   waited, and no item is lost or invented. Timeouts cost no real time here.
//
// Measured (each strategy alone, PCLAB_SEED=1..20, 1000 schedules allowed, 2 cores): schedules
// to the first failure, min / median / max, and the longest exploration including the search
// for a shorter trace:
//   unsafe:maxsize_ignored  bounded-exchange   random 20/20: 1 / 5 / 10 (0.05 s)
//                                              pct    20/20: 1 / 1 / 3  (0.04 s)
//                           timed-put-and-get  random 20/20: 1 / 5 / 22 (0.02 s)
//                                              pct    20/20: 1 / 1 / 8  (0.02 s)
//   solution                0 failures in 1000 + 1000 schedules per scenario per grading run
//                           (about 2.5 s for both scenarios); docs/detection-rates.md has the
//                           10,000-schedule runs.
#include <gtest/gtest.h>

#include <chrono>
#include <cstddef>
#include <string>
#include <vector>

#include "pclab/errors.hpp"
#include "pclab/explore/exchange_scenario.hpp"
#include "pclab/explore/lab_exploration.hpp"
#include "pclab/sync.hpp"
#include "queue.hpp"

namespace {

using pclab::explore::check_category;

// Two producers and two consumers, 2 items each, through maxsize 1
// (pclab/explore/exchange_scenario.hpp).
void bounded_exchange() {
    pclab::Queue<int> queue(1);
    pclab::explore::ExchangeShape shape;
    shape.capacity = 1;
    shape.container = "queue";
    pclab::explore::exchange(
        shape, [&](int item) { queue.put(item); }, [&] { return queue.get(); });
}

// A full queue of maxsize 1; a producer tries to add a second item within 10 ms while a
// consumer takes the first one and then tries to take a second within 10 ms.
void timed_put_and_get() {
    using namespace std::chrono_literals;
    pclab::Queue<int> queue(1);
    queue.put(1);
    int items_in = 1;    // puts returned
    int gets_begun = 0;  // gets started (and not failed with Empty): taken as removed at once
    bool second_put = false;
    bool second_got = false;

    pclab::thread producer("producer", [&] {
        try {
            queue.put(2, 10ms);
            second_put = true;
            ++items_in;
            check_category(items_in - gets_begun <= 1, "capacity-exceeded",
                           "put(item, timeout) returned while the queue held maxsize items");
        } catch (const pclab::Full&) {
            // Allowed only if the queue stayed full for the whole timeout, i.e. the consumer
            // had not taken item 1 by the time the producer gave up.
        }
    });
    pclab::thread consumer("consumer", [&] {
        ++gets_begun;
        check_category(queue.get(10ms) == 1, "order-violated", "the first get was not item 1");
        ++gets_begun;
        try {
            check_category(queue.get(10ms) == 2, "wrong-result",
                           "the second get returned an item other than 2");
            second_got = true;
        } catch (const pclab::Empty&) {
            --gets_begun;  // it took nothing
        }
    });
    producer.join();
    consumer.join();
    if (second_put && !second_got) {
        check_category(queue.get_nowait() == 2, "lost-item",
                       "item 2 was put but is neither got nor still in the queue");
    }
    check_category(!second_got || second_put, "wrong-result",
                   "get returned an item whose put had failed");
}

TEST(ExploreBoundedQueue, BoundedExchange) {
    pclab::explore::explore_scenario("bounded-exchange", bounded_exchange);
}

TEST(ExploreBoundedQueue, TimedPutAndGet) {
    pclab::explore::explore_scenario("timed-put-and-get", timed_put_and_get);
}

}  // namespace
