/// @file
/// @ingroup testkit
/// @brief ExactlyOnceLedger: records every put and every got of tagged items, then checks that
///        each item put was got exactly once.
#pragma once

#include <gtest/gtest.h>

#include <compare>
#include <cstddef>
#include <cstdint>
#include <vector>

namespace pclab::testkit {

/// @brief An item that says where it came from: sequence number `sequence` of producer
///        `producer`. Producer `p` puts sequence numbers 0, 1, 2, ... in that order.
struct TaggedItem {
    int producer = 0;           ///< which producer made it
    std::int64_t sequence = 0;  ///< its position in that producer's output, from 0

    /// @brief Items compare by producer, then sequence.
    // NOLINTNEXTLINE(modernize-use-nullptr): clang-tidy 14 misreads a defaulted <=>
    friend auto operator<=>(const TaggedItem&, const TaggedItem&) = default;
};

/// @brief The exactly-once check for a run with a fixed set of producers and consumers.
///
/// Abstract state: for each producer, the sequence of items it put; for each consumer, the
/// sequence of items it got.
///
/// Recording is cheap and lock-free: each producer and each consumer appends to its own log
/// (padded to its own cache line), and nothing is shared until verify() merges the logs. The
/// ledger therefore adds no synchronisation between the threads under test, so it cannot hide a
/// data race from ThreadSanitizer.
///
/// Requires: only producer `p`'s thread calls record_put(p, ...), only consumer `c`'s thread
/// calls record_got(c, ...), and verify() runs after every recording thread has been joined.
class ExactlyOnceLedger {
  public:
    /// @brief What verify() checks beyond exactly-once.
    struct Options {
        /// @brief Also check per-producer FIFO in each consumer's view: a consumer that got two
        ///        items of one producer got them in the order they were put. Holds for a FIFO
        ///        queue; not for a stack or a priority queue.
        bool per_producer_fifo = false;
        /// @brief At most this many violations of each kind are listed (plus a count), so a
        ///        badly broken run still gives a readable message.
        std::size_t max_listed = 5;
    };

    /// @brief Creates empty logs.
    /// @param producers how many producers (ids 0 .. producers-1).
    /// @param consumers how many consumers (ids 0 .. consumers-1).
    ExactlyOnceLedger(int producers, int consumers);

    /// @brief Records that producer `producer` successfully put the item with `sequence`.
    ///
    /// Call it after the put returned (a put that threw put nothing).
    /// Requires: `0 <= producer < producers`; called only from that producer's thread.
    /// Never blocks.
    void record_put(int producer, std::int64_t sequence);

    /// @brief Records that consumer `consumer` got `item`.
    ///
    /// Requires: `0 <= consumer < consumers`; called only from that consumer's thread.
    /// Never blocks.
    void record_got(int consumer, TaggedItem item);

    /// @brief Checks the logs.
    ///
    /// Fails (each kind on lines starting with its tag, lost items first) when
    /// - an item was put but never got: `[pclab:lost-item] item 3 of producer 0 was put but
    ///   never got`;
    /// - an item was got more often than put: `[pclab:duplicate-item] item 17 of producer 0 was
    ///   got twice (by consumer 1 and consumer 3)`;
    /// - an item was got that no producer put: `[pclab:wrong-result] item 9 of producer 4 was
    ///   got (by consumer 0) but never put`;
    /// - with Options::per_producer_fifo, a consumer got a producer's items out of order:
    ///   `[pclab:order-violated] consumer 2 got item 8 of producer 1 before item 7 of producer 1`.
    ///
    /// Requires: every recording thread has been joined.
    ::testing::AssertionResult verify(Options options) const;

    /// @brief verify() with default Options.
    ::testing::AssertionResult verify() const { return verify(Options{}); }

    /// @brief How many puts were recorded. Requires: as for verify().
    std::size_t puts() const;
    /// @brief How many gets were recorded. Requires: as for verify().
    std::size_t gots() const;

  private:
    // One cache line each, so producers and consumers recording at once do not slow each other
    // down by false sharing (and so do not change the interleavings the test wants to see).
    struct alignas(64) ProducerLog {
        std::vector<std::int64_t> sequences;
    };
    struct alignas(64) ConsumerLog {
        std::vector<TaggedItem> items;
    };
    std::vector<ProducerLog> producers_;
    std::vector<ConsumerLog> consumers_;
};

}  // namespace pclab::testkit
