// Contract tests: one thread, deterministic, fast. They pin down what the constructor,
// capacity(), put() and get() mean before any concurrency is involved. No call here ever has
// to wait: puts never exceed the capacity and gets never outnumber the puts.
#include <gtest/gtest.h>

#include <cstddef>
#include <cstdint>
#include <deque>
#include <memory>
#include <stdexcept>
#include <string>
#include <utility>

#include "bounded_buffer.hpp"
#include "pclab/testkit/rng.hpp"
#include "pclab/testkit/seed.hpp"

namespace {

using pclab::BoundedBuffer;

TEST(BoundedBufferContract, CapacityIsWhatWasAsked) {
    for (const std::size_t capacity :
         {std::size_t{1}, std::size_t{2}, std::size_t{7}, std::size_t{64}, std::size_t{1000}}) {
        const BoundedBuffer<int> buffer(capacity);
        EXPECT_EQ(buffer.capacity(), capacity);
    }
}

TEST(BoundedBufferContract, ZeroCapacityIsRejected) {
    // The contract's wording, kept identical in the header, here and in the solution.
    const std::string expected_message = "BoundedBuffer: capacity must be at least 1";
    try {
        const BoundedBuffer<int> buffer(0);
        ADD_FAILURE() << "BoundedBuffer(0) returned; the contract says it throws "
                         "std::invalid_argument";
    } catch (const std::invalid_argument& error) {
        EXPECT_EQ(std::string(error.what()), expected_message);
    }
}

// A random walk of puts and gets on one thread, checked against std::deque as the model of
// `items`: FIFO order, across many wrap-arounds of the ring, at every fill level.
TEST(BoundedBufferContract, OneThreadGetsItemsInPutOrder) {
    pclab::testkit::Rng rng(pclab::testkit::current_test_seed());
    constexpr int kSteps = 5000;               // thousands of wrap-arounds at small capacities
    constexpr std::int64_t kMaxCapacity = 64;  // the handout's range
    for (const std::int64_t capacity :
         {std::int64_t{1}, std::int64_t{2}, std::int64_t{3}, rng.between(4, kMaxCapacity)}) {
        SCOPED_TRACE("capacity " + std::to_string(capacity));
        BoundedBuffer<std::int64_t> buffer(static_cast<std::size_t>(capacity));
        std::deque<std::int64_t> model;
        std::int64_t next_value = 0;
        for (int step = 0; step < kSteps; ++step) {
            const bool can_put = static_cast<std::int64_t>(model.size()) < capacity;
            const bool do_put = model.empty() || (can_put && rng.below(2) == 0);
            if (do_put) {
                buffer.put(next_value);
                model.push_back(next_value);
                ++next_value;
            } else {
                const std::int64_t got = buffer.get();
                ASSERT_EQ(got, model.front())
                    << "step " << step << ": get() returned " << got << " but the oldest item is "
                    << model.front() << " (" << model.size() << " items in the buffer)";
                model.pop_front();
            }
        }
    }
}

TEST(BoundedBufferContract, FillsToCapacityWithoutWaiting) {
    constexpr int kCapacity = 16;  // any capacity above 1 will do
    BoundedBuffer<int> buffer(kCapacity);
    for (int i = 0; i < kCapacity; ++i) {
        buffer.put(i);  // must not block: the buffer is not full yet
    }
    for (int i = 0; i < kCapacity; ++i) {
        EXPECT_EQ(buffer.get(), i);
    }
    EXPECT_EQ(buffer.capacity(), static_cast<std::size_t>(kCapacity)) << "capacity() changed";
}

TEST(BoundedBufferContract, MoveOnlyItemsWork) {
    BoundedBuffer<std::unique_ptr<int>> buffer(2);
    buffer.put(std::make_unique<int>(7));
    buffer.put(std::make_unique<int>(8));
    const std::unique_ptr<int> first = buffer.get();
    const std::unique_ptr<int> second = buffer.get();
    ASSERT_NE(first, nullptr);
    ASSERT_NE(second, nullptr);
    EXPECT_EQ(*first, 7);
    EXPECT_EQ(*second, 8);
}

// An item type with no default constructor: the buffer must not need one (no `T slots[n]`).
class Ticket {
  public:
    explicit Ticket(int number) : number_(number) {}
    int number() const { return number_; }

  private:
    int number_;
};

TEST(BoundedBufferContract, ItemsNeedNoDefaultConstructor) {
    BoundedBuffer<Ticket> buffer(3);
    buffer.put(Ticket(1));
    buffer.put(Ticket(2));
    EXPECT_EQ(buffer.get().number(), 1);
    buffer.put(Ticket(3));
    buffer.put(Ticket(4));
    EXPECT_EQ(buffer.get().number(), 2);
    EXPECT_EQ(buffer.get().number(), 3);
    EXPECT_EQ(buffer.get().number(), 4);
}

// The buffer owns what it holds: an item got is handed over, not copied, and items still in
// the buffer when it is destroyed are destroyed with it.
TEST(BoundedBufferContract, OwnsItsItemsUntilTheyAreGot) {
    const auto tracked = std::make_shared<int>(42);
    {
        BoundedBuffer<std::shared_ptr<int>> buffer(4);
        buffer.put(tracked);
        buffer.put(tracked);
        EXPECT_EQ(tracked.use_count(), 3) << "the buffer should hold exactly the two items put";
        {
            const std::shared_ptr<int> got = buffer.get();
            EXPECT_EQ(tracked.use_count(), 3) << "get() should hand the item over, not copy it";
        }
        EXPECT_EQ(tracked.use_count(), 2) << "an item got should no longer be in the buffer";
    }
    EXPECT_EQ(tracked.use_count(), 1) << "destroying the buffer should destroy the item left in it";
}

}  // namespace
