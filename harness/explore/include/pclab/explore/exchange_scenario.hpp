/// @file
/// @ingroup exploration
/// @brief `pclab::explore::exchange()`: the exploration scenario labs 02 and 03 share —
///        producers put numbered items through a bounded container while consumers get them —
///        with the books that check every step of it.
///
/// Item `i` of producer `p` is `p * 100 + i`: unique, and its producer is `item / 100`. The books
/// need no lock: under the scheduler one thread runs at a time and only the container's own
/// operations are scheduling points, so "puts returned" and "gets begun" are exact at every
/// step. Checked, each with its category: a put never returns while the container already
/// holds its capacity (puts returned − gets begun ≤ capacity: a correct container cannot break
/// it on any schedule), every get returns an item that was put (`wrong-result`), no item twice
/// (`duplicate-item`), each consumer sees each producer's items in order (`order-violated`),
/// and at the end every item was got (`lost-item`).
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "pclab/explore/lab_exploration.hpp"
#include "pclab/explore/sync.hpp"

namespace pclab::explore {

/// @brief The shape of an exchange: who takes part and how much goes through.
struct ExchangeShape {
    int producers = 2;         ///< threads "producer 1", "producer 2", ...
    int consumers = 2;         ///< threads "consumer 1", "consumer 2", ...
    int items_each = 2;        ///< items per producer, and gets per consumer (at most 100)
    std::size_t capacity = 1;  ///< the container's bound
    std::string_view container = "buffer";  ///< "buffer" or "queue", for the messages
};

/// @brief Runs the exchange on the calling (managed) thread: starts the producers and
///        consumers, joins them, and checks the books (see the file comment).
///
/// Requires: producers == consumers (each consumer gets `items_each`), called inside a run.
/// Throws CheckFailed (tagged) at the first broken promise.
/// @param shape who takes part.
/// @param put puts one item: `put(int)`.
/// @param get gets one item: `int get()`.
template <class Put, class Get>
void exchange(const ExchangeShape& shape, Put put, Get get) {
    const int items = shape.producers * 100;
    std::vector<int> times_got(static_cast<std::size_t>(items), 0);
    std::vector<int> last_got(static_cast<std::size_t>(shape.consumers * shape.producers), -1);
    int puts_returned = 0;
    int gets_begun = 0;
    const std::string container(shape.container);

    std::vector<thread> threads;
    for (int p = 0; p < shape.producers; ++p) {
        threads.emplace_back("producer " + std::to_string(p + 1), [&, p] {
            for (int i = 0; i < shape.items_each; ++i) {
                put(p * 100 + i);
                ++puts_returned;
                check_category(puts_returned - gets_begun <= static_cast<int>(shape.capacity),
                               "capacity-exceeded",
                               "put() returned while the " + container +
                                   " already held as many items as its capacity");
            }
        });
    }
    for (int c = 0; c < shape.consumers; ++c) {
        threads.emplace_back("consumer " + std::to_string(c + 1), [&, c] {
            for (int i = 0; i < shape.items_each; ++i) {
                ++gets_begun;
                const int item = get();
                // Not printed: a value read from a slot holding no item is whatever the memory
                // held, and the trace must be the same on every replay.
                check_category(item >= 0 && item < items && item % 100 < shape.items_each,
                               "wrong-result",
                               "get() returned a value nobody put: it read a slot that held no "
                               "item");
                check_category(++times_got[static_cast<std::size_t>(item)] == 1, "duplicate-item",
                               "get() returned item " + std::to_string(item) + " a second time");
                int& last = last_got[static_cast<std::size_t>(c * shape.producers + item / 100)];
                check_category(item > last, "order-violated",
                               "consumer " + std::to_string(c + 1) + " got item " +
                                   std::to_string(item) + " after item " + std::to_string(last) +
                                   " of the same producer");
                last = item;
            }
        });
    }
    for (thread& worker : threads) {
        worker.join();
    }
    for (int p = 0; p < shape.producers; ++p) {
        for (int i = 0; i < shape.items_each; ++i) {
            check_category(times_got[static_cast<std::size_t>(p * 100 + i)] == 1, "lost-item",
                           "item " + std::to_string(p * 100 + i) + " was put but never got");
        }
    }
}

}  // namespace pclab::explore
