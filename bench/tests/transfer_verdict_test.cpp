// The workload's verdicts can fail: transfer() reports a queue that duplicates an item, a queue
// that throws, and a join that returns early, and ends the process when a queue loses an item
// (a stall) instead of hanging.
#include <gtest/gtest.h>

#include <chrono>
#include <cstdint>
#include <stdexcept>
#include <string>

#include "adapters/join_bookkeeping.hpp"
#include "adapters/textbook_semaphore_buffer.hpp"
#include "transfer.hpp"

namespace {

using Item = std::uint64_t;
using Buffer = pclab_bench::TextbookSemaphoreBuffer<Item>;

// Puts the value 0 twice: one item too many comes out, another stays behind.
class DuplicatesZero {
  public:
    using value_type = Item;
    explicit DuplicatesZero(std::size_t capacity) : inner_(capacity) {}
    void put(Item item) {
        if (item == 0) {
            inner_.put(item);
        }
        inner_.put(item);
    }
    Item get() { return inner_.get(); }

  private:
    Buffer inner_;
};

// Drops the value 0: its consumer waits for an item that never comes.
class DropsZero {
  public:
    using value_type = Item;
    explicit DropsZero(std::size_t capacity) : inner_(capacity) {}
    void put(Item item) {
        if (item != 0) {
            inner_.put(item);
        }
    }
    Item get() { return inner_.get(); }

  private:
    Buffer inner_;
};

// Like a fresh stub: every member throws.
class Unimplemented {
  public:
    using value_type = Item;
    explicit Unimplemented(std::size_t /*capacity*/) {}
    void put(Item /*item*/) { throw std::logic_error("not implemented: put"); }
    Item get() { throw std::logic_error("not implemented: get"); }
    void task_done() { throw std::logic_error("not implemented: task_done"); }
    void join() { throw std::logic_error("not implemented: join"); }
};

// The default stall limit (a minute) everywhere but in the stall test: a loaded machine may
// well pause a transfer for a fraction of a second, which must not end a test that passes.
pclab_bench::TransferShape shape_of(std::size_t threads, std::size_t capacity, bool join) {
    pclab_bench::TransferShape shape;
    shape.producers = threads;
    shape.consumers = threads;
    shape.capacity = capacity;
    shape.items = 500;
    shape.join = join;
    shape.label = "verdict-test";
    return shape;
}

TEST(TransferVerdict, CorrectQueuePasses) {
    pclab_bench::JoinBookkeeping<Buffer> queue(2);
    const auto outcome = pclab_bench::transfer(queue, shape_of(2, 2, true));
    EXPECT_EQ(outcome.error, "");
}

TEST(TransferVerdict, DuplicatedItemIsReported) {
    for (const std::size_t threads : {1, 2}) {
        DuplicatesZero queue(1);
        const auto outcome = pclab_bench::transfer(queue, shape_of(threads, 1, false));
        EXPECT_NE(outcome.error.find("exactly once"), std::string::npos) << outcome.error;
    }
}

TEST(TransferVerdict, QueueThatThrowsEverywhereEndsTheTransferWithItsMessage) {
    for (const bool join : {false, true}) {
        Unimplemented queue(1);
        const auto outcome = pclab_bench::transfer(queue, shape_of(2, 1, join));
        EXPECT_NE(outcome.error.find("not implemented"), std::string::npos) << outcome.error;
    }
}

TEST(TransferVerdict, EarlyJoinIsReported) {
    pclab_bench::DeliveryTally tally;
    tally.items_got = 10;
    tally.sum = 45;
    tally.sum_of_squares = 285;
    EXPECT_EQ(pclab_bench::delivery_error(tally, 10), "");
    tally.counted_when_join_returned = 9;
    EXPECT_EQ(pclab_bench::delivery_error(tally, 10),
              "join() returned while 1 of 10 items were not yet task_done()");
}

TEST(TransferVerdict, ValueNeverPutIsReported) {
    pclab_bench::DeliveryTally tally;
    tally.items_got = 3;
    tally.out_of_range = 1;
    EXPECT_EQ(pclab_bench::delivery_error(tally, 3), "1 values came out that were never put");
}

TEST(TransferVerdictDeathTest, LostItemStallsAndEndsTheProcessWithAMessage) {
    GTEST_FLAG_SET(death_test_style, "threadsafe");
    EXPECT_EXIT(
        {
            DropsZero queue(4);
            pclab_bench::TransferShape shape = shape_of(1, 4, false);
            shape.stall_limit = std::chrono::milliseconds(300);
            (void)pclab_bench::transfer(queue, shape);
        },
        testing::ExitedWithCode(pclab_bench::kAbandonedTransferStatus),
        // 499 of 500 when the machine is quiet; fewer if it paused the transfer for 300 ms.
        "verdict-test: no item moved for 300 ms \\([0-9]+ of 500 items got\\)");
}

}  // namespace
