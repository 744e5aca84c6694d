// Exploration scenarios of lab 02 (built with PCLAB_SYNC_EXPLORE: the buffer's pclab::mutex
// and pclab::condition_variable are the controlled scheduler's). Each scenario is small on
// purpose: two producers and two consumers through a buffer of capacity 1 already contest
// every hand-over, and a small scenario keeps the trace of a failure short enough to read.
//
// The body keeps its books without locks: under the scheduler one thread runs at a time and
// only the buffer's own operations are scheduling points, so "puts returned" and "gets begun"
// are exact at every step.
#include <gtest/gtest.h>

#include <cstddef>
#include <string>
#include <vector>

#include "bounded_buffer.hpp"
#include "pclab/explore/lab_exploration.hpp"
#include "pclab/sync.hpp"

namespace {

using pclab::explore::check_category;

constexpr int kProducers = 2;
constexpr int kConsumers = 2;
constexpr int kItemsEach = 2;  // per producer, and per consumer (as many gets as puts)

// Item `i` of producer `p` is `p * 100 + i`: unique, and its producer is item / 100.
void exchange_through(std::size_t capacity) {
    pclab::BoundedBuffer<int> buffer(capacity);
    std::vector<int> times_got(kProducers * 100, 0);
    std::vector<int> last_got(kConsumers * kProducers, -1);  // [consumer][producer]
    int puts_returned = 0;
    int gets_begun = 0;

    std::vector<pclab::thread> threads;
    for (int p = 0; p < kProducers; ++p) {
        threads.emplace_back("producer " + std::to_string(p + 1), [&, p] {
            for (int i = 0; i < kItemsEach; ++i) {
                buffer.put(p * 100 + i);
                ++puts_returned;
                check_category(puts_returned - gets_begun <= static_cast<int>(capacity),
                               "capacity-exceeded",
                               "put() returned while the buffer already held capacity items");
            }
        });
    }
    for (int c = 0; c < kConsumers; ++c) {
        threads.emplace_back("consumer " + std::to_string(c + 1), [&, c] {
            for (int i = 0; i < kItemsEach; ++i) {
                ++gets_begun;
                const int item = buffer.get();
                // Not printed: a value read from a slot holding no item is whatever the
                // memory held, and the trace must be the same on every replay.
                check_category(item >= 0 && item < kProducers * 100 && item % 100 < kItemsEach,
                               "wrong-result",
                               "get() returned a value nobody put: it read a slot that held no "
                               "item");
                check_category(++times_got[static_cast<std::size_t>(item)] == 1, "duplicate-item",
                               "get() returned item " + std::to_string(item) + " a second time");
                int& last = last_got[static_cast<std::size_t>(c * kProducers + item / 100)];
                check_category(item > last, "order-violated",
                               "consumer " + std::to_string(c + 1) + " got item " +
                                   std::to_string(item) + " after item " + std::to_string(last) +
                                   " of the same producer");
                last = item;
            }
        });
    }
    for (pclab::thread& thread : threads) {
        thread.join();
    }
    for (int p = 0; p < kProducers; ++p) {
        for (int i = 0; i < kItemsEach; ++i) {
            check_category(times_got[static_cast<std::size_t>(p * 100 + i)] == 1, "lost-item",
                           "item " + std::to_string(p * 100 + i) + " was put but never got");
        }
    }
}

TEST(ExploreExactlyOnce, TwoProducersTwoConsumersCapacityOne) {
    pclab::explore::explore_scenario("capacity-one", [] { exchange_through(1); });
}

TEST(ExploreExactlyOnce, TwoProducersTwoConsumersCapacityTwo) {
    pclab::explore::explore_scenario("capacity-two", [] { exchange_through(2); });
}

}  // namespace
