// Contract tests: one thread, deterministic, fast. What put, get, qsize, empty, full and
// maxsize mean before any concurrency is involved, checked against a plain std::deque model.
#include <gtest/gtest.h>

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <deque>
#include <memory>
#include <string>

#include "call_outcome.hpp"
#include "pclab/testkit/failure_category.hpp"
#include "pclab/testkit/stress_test.hpp"
#include "queue.hpp"

namespace {

using lab03::ended_as;
using lab03::Outcome;
using lab03::outcome_of;
using pclab::testkit::category::kOrderViolated;
using pclab::testkit::category::kWrongResult;
using namespace std::chrono_literals;

class QueueContract : public pclab::testkit::StressTest {};

TEST_F(QueueContract, StartsEmptyWithTheGivenMaxsize) {
    for (const std::size_t maxsize : {0, 1, 2, 7, 64}) {
        SCOPED_TRACE("maxsize " + std::to_string(maxsize));
        const pclab::Queue<int> queue(maxsize);
        EXPECT_EQ(queue.maxsize(), maxsize);
        EXPECT_EQ(queue.qsize(), 0U);
        EXPECT_TRUE(queue.empty());
        EXPECT_FALSE(queue.full()) << "an empty queue is never full";
    }
    const pclab::Queue<int> unbounded;
    EXPECT_EQ(unbounded.maxsize(), 0U) << "the default maxsize is 0 (unbounded)";
}

// Random operations in every form, each checked against a std::deque that does what the
// contract says: FIFO order, qsize/empty/full after every step, Full exactly when full, Empty
// exactly when empty.
TEST_F(QueueContract, EveryFormMatchesASequentialModel) {
    constexpr int kRounds = 30;          // maxsizes from 0 (unbounded) to 64
    constexpr int kStepsPerRound = 400;  // enough to fill and drain a queue of 64 several times
    run_rounds(kRounds, [&](int round) {
        const auto maxsize =
            round == 0 ? std::size_t{0} : static_cast<std::size_t>(rng().log_uniform(1, 64));
        SCOPED_TRACE("maxsize " + std::to_string(maxsize));
        pclab::Queue<std::int64_t> queue(maxsize);
        std::deque<std::int64_t> model;
        std::int64_t next_value = 0;
        for (int step = 0; step < kStepsPerRound && !HasFailure(); ++step) {
            const bool model_full = maxsize > 0 && model.size() >= maxsize;
            // Lean towards puts for the first half and gets for the second, so the queue
            // really fills up and really drains.
            const bool do_put = rng().below(100) < (step < kStepsPerRound / 2 ? 65U : 35U);
            const std::uint64_t form = rng().below(3);  // blocking, timed (0 or 1 ms), _nowait
            if (do_put) {
                const std::int64_t value = next_value++;
                if (model_full && form == 0) {
                    continue;  // a blocking put would wait forever on one thread
                }
                const std::string call = form == 0   ? "put(x)"
                                         : form == 1 ? "put(x, timeout)"
                                                     : "put_nowait(x)";
                const Outcome outcome = outcome_of([&] {
                    if (form == 0) {
                        queue.put(value);
                    } else if (form == 1) {
                        queue.put(value, rng().below(2) == 0 ? 0ms : 1ms);
                    } else {
                        queue.put_nowait(value);
                    }
                });
                PCLAB_ASSERT_PROPERTY(
                    ended_as(model_full ? Outcome::full : Outcome::returned, outcome,
                             call + " with qsize " + std::to_string(model.size())));
                if (!model_full) {
                    model.push_back(value);
                }
            } else {
                if (model.empty() && form == 0) {
                    continue;  // a blocking get would wait forever on one thread
                }
                std::int64_t got = -1;
                const Outcome outcome = outcome_of([&] {
                    if (form == 0) {
                        got = queue.get();
                    } else if (form == 1) {
                        got = queue.get(rng().below(2) == 0 ? 0ms : 1ms);
                    } else {
                        got = queue.get_nowait();
                    }
                });
                const std::string call = form == 0   ? "get()"
                                         : form == 1 ? "get(timeout)"
                                                     : "get_nowait()";
                PCLAB_ASSERT_PROPERTY(
                    ended_as(model.empty() ? Outcome::empty : Outcome::returned, outcome,
                             call + " with qsize " + std::to_string(model.size())));
                if (!model.empty()) {
                    PCLAB_ASSERT_PROPERTY(lab03::holds(got == model.front(), kOrderViolated))
                        << call << " returned " << got << ", but the oldest item was "
                        << model.front() << ": items must leave in the order they were put";
                    model.pop_front();
                }
            }
            PCLAB_ASSERT_PROPERTY(lab03::holds(queue.qsize() == model.size(), kWrongResult))
                << "qsize() is " << queue.qsize() << " after step " << step << "; it should be "
                << model.size();
            PCLAB_ASSERT_PROPERTY(lab03::holds(queue.empty() == model.empty(), kWrongResult))
                << "empty() is " << queue.empty() << " with " << model.size() << " items";
            PCLAB_ASSERT_PROPERTY(lab03::holds(
                queue.full() == (maxsize > 0 && model.size() >= maxsize), kWrongResult))
                << "full() is " << queue.full() << " with " << model.size() << " items and maxsize "
                << maxsize;
        }
    });
}

// T need only be move-constructible: a queue of unique_ptr moves each item in and out.
TEST_F(QueueContract, MoveOnlyItemsGoThroughEveryForm) {
    pclab::Queue<std::unique_ptr<int>> queue(3);
    queue.put(std::make_unique<int>(1));
    queue.put(std::make_unique<int>(2), 1ms);
    queue.put_nowait(std::make_unique<int>(3));
    EXPECT_TRUE(queue.full());
    const std::unique_ptr<int> first = queue.get();
    const std::unique_ptr<int> second = queue.get(1ms);
    const std::unique_ptr<int> third = queue.get_nowait();
    ASSERT_TRUE(first && second && third) << "an item came out empty (moved from twice?)";
    EXPECT_EQ(*first, 1);
    EXPECT_EQ(*second, 2);
    EXPECT_EQ(*third, 3);
    EXPECT_TRUE(queue.empty());
}

// T need not be default-constructible (nor copyable).
class Ticket {
  public:
    explicit Ticket(int number) : number_(number) {}
    Ticket(const Ticket&) = delete;
    Ticket& operator=(const Ticket&) = delete;
    Ticket(Ticket&&) = default;
    Ticket& operator=(Ticket&&) = default;
    ~Ticket() = default;
    int number() const { return number_; }

  private:
    int number_;
};

TEST_F(QueueContract, ItemsNeedNoDefaultConstructor) {
    pclab::Queue<Ticket> queue(2);
    queue.put(Ticket(7));
    queue.put_nowait(Ticket(8));
    EXPECT_EQ(queue.get_nowait().number(), 7);
    EXPECT_EQ(queue.get(0ms).number(), 8);
}

// Any duration that converts to nanoseconds without loss is a timeout.
TEST_F(QueueContract, AcceptsAnyWholeDurationAsATimeout) {
    pclab::Queue<int> queue(1);
    queue.put(1, std::chrono::seconds(1));
    EXPECT_EQ(queue.get(std::chrono::microseconds(5)), 1);
    queue.put(2, std::chrono::milliseconds(0));
    EXPECT_EQ(queue.get(std::chrono::minutes(1)), 2);
}

TEST_F(QueueContract, ReadersWorkThroughAConstReference) {
    pclab::Queue<int> queue(2);
    queue.put(1);
    queue.put(2);
    const pclab::Queue<int>& view = queue;
    EXPECT_EQ(view.qsize(), 2U);
    EXPECT_FALSE(view.empty());
    EXPECT_TRUE(view.full());
    EXPECT_EQ(view.maxsize(), 2U);
}

}  // namespace
