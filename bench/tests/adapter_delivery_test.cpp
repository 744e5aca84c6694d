// Every adapter of the benchmark, in both modes, at every configuration the benchmark runs:
// each item comes out exactly once and join() returns only after the last task_done() (both
// checked by transfer() itself), and each adapter holds at least what its header promises.
#include <gtest/gtest.h>

#include <cstddef>
#include <cstdint>
#include <string>

#include "adapters/boost_fibers_channel.hpp"
#include "adapters/boost_sync_bounded_queue.hpp"
#include "adapters/join_bookkeeping.hpp"
#include "adapters/moodycamel_semaphore_queue.hpp"
#include "adapters/tbb_bounded_queue.hpp"
#include "adapters/textbook_semaphore_buffer.hpp"
#include "configurations.hpp"
#include "transfer.hpp"

// The kit's reference queue, through the adapter for queues written to the contract; absent in
// the student release, which has no complete queue to test it with.
#ifdef PCLAB_BENCH_QUEUE_HEADER
#include PCLAB_BENCH_QUEUE_HEADER
#include "adapters/pclab_queue.hpp"
#endif

namespace {

using Item = std::uint64_t;
using pclab_bench::JoinBookkeeping;

// Enough items that every thread of a 4x4 transfer waits on a full or an empty queue many
// times at capacity 1 and 16, and a few seconds for all configurations of all adapters.
constexpr std::uint64_t kItems = 2000;

// One adapter under test: `Plain` runs the plain transfers, `Join` the join transfers, and
// `held(capacity)` is how many items it must hold without blocking.
template <class PlainQueue, class JoinQueue>
struct AdapterCase {
    using Plain = PlainQueue;
    using Join = JoinQueue;
    static std::size_t held(std::size_t capacity) { return capacity; }
};

template <template <class> class Peer>
using PeerCase = AdapterCase<Peer<Item>, JoinBookkeeping<Peer<Item>>>;

#ifdef PCLAB_BENCH_QUEUE_HEADER
using KitReference = pclab_bench::PclabContractQueue<pclab::Queue<Item>>;
struct KitReferenceCase : AdapterCase<KitReference, KitReference> {};
#endif
struct TextbookCase : PeerCase<pclab_bench::TextbookSemaphoreBuffer> {};
struct TbbCase : PeerCase<pclab_bench::TbbBoundedQueue> {};
struct MoodycamelCase : PeerCase<pclab_bench::MoodycamelSemaphoreQueue> {};
struct BoostSyncCase : PeerCase<pclab_bench::BoostSyncBoundedQueue> {};
struct BoostFibersCase : PeerCase<pclab_bench::BoostFibersChannel> {
    static std::size_t held(std::size_t capacity) {
        return pclab_bench::BoostFibersChannel<Item>::held_items(capacity);
    }
};

template <class Case>
class Adapter : public testing::Test {};

struct CaseNames {
    template <class Case>
    static std::string GetName(int) {  // NOLINT(readability-identifier-naming): GoogleTest's
#ifdef PCLAB_BENCH_QUEUE_HEADER
        if constexpr (std::is_same_v<Case, KitReferenceCase>) {
            return "KitReference";
        }
#endif
        if constexpr (std::is_same_v<Case, TextbookCase>) {
            return "TextbookSemaphoreBuffer";
        } else if constexpr (std::is_same_v<Case, TbbCase>) {
            return "TbbBoundedQueue";
        } else if constexpr (std::is_same_v<Case, MoodycamelCase>) {
            return "MoodycamelSemaphoreQueue";
        } else if constexpr (std::is_same_v<Case, BoostSyncCase>) {
            return "BoostSyncBoundedQueue";
        } else {
            return "BoostFibersChannel";
        }
    }
};

using Cases = testing::Types<
#ifdef PCLAB_BENCH_QUEUE_HEADER
    KitReferenceCase,
#endif
    TextbookCase, TbbCase, MoodycamelCase, BoostSyncCase, BoostFibersCase>;
TYPED_TEST_SUITE(Adapter, Cases, CaseNames);

template <class Queue>
void expect_exactly_once(bool join) {
    for (const auto& [producers, consumers] : pclab_bench::kThreadPairs) {
        for (const std::size_t capacity : pclab_bench::kCapacities) {
            pclab_bench::TransferShape shape;
            shape.producers = producers;
            shape.consumers = consumers;
            shape.capacity = capacity;
            shape.items = kItems;
            shape.join = join;
            shape.label = pclab_bench::benchmark_name("adapter", shape);
            Queue queue(capacity);
            const pclab_bench::TransferOutcome outcome = pclab_bench::transfer(queue, shape);
            EXPECT_EQ(outcome.error, "") << shape.label;
            EXPECT_GT(outcome.seconds, 0.0) << shape.label;
        }
    }
}

TYPED_TEST(Adapter, PlainTransfersDeliverEveryItemExactlyOnce) {
    expect_exactly_once<typename TypeParam::Plain>(false);
}

TYPED_TEST(Adapter, JoinTransfersDeliverExactlyOnceAndJoinWaitsForTheLastTaskDone) {
    expect_exactly_once<typename TypeParam::Join>(true);
}

// One thread fills the queue to what it promises to hold (a put that blocked here would hang
// the test: nobody else gets), then empties it: same items, same order.
TYPED_TEST(Adapter, HoldsWhatItPromisesInOrder) {
    for (const std::size_t capacity : pclab_bench::kCapacities) {
        typename TypeParam::Plain queue(capacity);
        const std::size_t held = TypeParam::held(capacity);
        ASSERT_GE(held, 1U);
        ASSERT_LE(held, capacity);
        for (Item value = 0; value < held; ++value) {
            queue.put(value * 7);
        }
        for (Item value = 0; value < held; ++value) {
            ASSERT_EQ(queue.get(), value * 7) << "capacity " << capacity;
        }
    }
}

TEST(BoostFibersChannel, NeverHoldsMoreThanAskedAndExactlyOneAtCapacityOne) {
    using Channel = pclab_bench::BoostFibersChannel<Item>;
    EXPECT_EQ(Channel::held_items(1), 1U);
    EXPECT_EQ(Channel::held_items(16), 15U);
    EXPECT_EQ(Channel::held_items(1024), 1023U);
    EXPECT_EQ(Channel::held_items(3), 3U);
}

TEST(JoinBookkeeping, CountsPutsAgainstTaskDones) {
    JoinBookkeeping<pclab_bench::TbbBoundedQueue<Item>> queue(4);
    queue.join();  // nothing unfinished: returns at once
    queue.put(1);
    queue.put(2);
    EXPECT_EQ(queue.get(), 1U);
    queue.task_done();
    queue.task_done();  // counts puts, not gets
    queue.join();
    EXPECT_THROW(queue.task_done(), std::logic_error);
}

}  // namespace
