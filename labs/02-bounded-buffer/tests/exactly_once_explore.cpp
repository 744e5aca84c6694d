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
#include "pclab/explore/exchange_scenario.hpp"
#include "pclab/explore/lab_exploration.hpp"
#include "pclab/sync.hpp"

namespace {

// Two producers and two consumers, 2 items each (pclab/explore/exchange_scenario.hpp).
void exchange_through(std::size_t capacity) {
    pclab::BoundedBuffer<int> buffer(capacity);
    pclab::explore::ExchangeShape shape;
    shape.capacity = capacity;
    pclab::explore::exchange(
        shape, [&](int item) { buffer.put(item); }, [&] { return buffer.get(); });
}

TEST(ExploreExactlyOnce, TwoProducersTwoConsumersCapacityOne) {
    pclab::explore::explore_scenario("capacity-one", [] { exchange_through(1); });
}

TEST(ExploreExactlyOnce, TwoProducersTwoConsumersCapacityTwo) {
    pclab::explore::explore_scenario("capacity-two", [] { exchange_through(2); });
}

}  // namespace
