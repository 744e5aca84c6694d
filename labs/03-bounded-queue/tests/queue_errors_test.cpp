// Contract tests for the errors: each member throws exactly what the contract says, exactly
// when it says, checked in the contract's order; and a call that throws leaves the queue as it
// was. One thread, deterministic.
//
// The order matters where two reasons apply at once: a negative timeout is refused before the
// queue's state is looked at, so put(x, -1 ms) on a full queue throws std::invalid_argument (not
// Full), and get(-1 ms) with an item available throws std::invalid_argument (not the item).
#include <gtest/gtest.h>

#include <chrono>
#include <cstddef>
#include <string>
#include <vector>

#include "call_outcome.hpp"
#include "pclab/testkit/failure_category.hpp"
#include "pclab/testkit/stress_test.hpp"
#include "queue.hpp"

namespace {

using lab03::ended_as;
using lab03::Outcome;
using lab03::outcome_of;
using pclab::testkit::category::kWrongResult;
using namespace std::chrono_literals;

class QueueErrors : public pclab::testkit::StressTest {
  protected:
    // A queue holding 0, 1, ..., count-1.
    static void fill(pclab::Queue<int>& queue, int count) {
        for (int i = 0; i < count; ++i) {
            queue.put_nowait(i);
        }
    }

    // Takes everything out and checks it is exactly 0, 1, ..., count-1: the failed calls before
    // changed nothing.
    static void expect_holds_exactly(pclab::Queue<int>& queue, int count,
                                     const std::string& after) {
        PCLAB_EXPECT_PROPERTY(
            lab03::holds(queue.qsize() == static_cast<std::size_t>(count), kWrongResult))
            << "after " << after << ", qsize() is " << queue.qsize() << " instead of " << count
            << ": a call that throws must leave the queue exactly as it was";
        std::vector<int> found;
        while (!queue.empty()) {
            found.push_back(queue.get_nowait());
        }
        std::vector<int> expected;
        for (int i = 0; i < count; ++i) {
            expected.push_back(i);
        }
        PCLAB_EXPECT_PROPERTY(lab03::holds(found == expected, kWrongResult))
            << "after " << after << ", the queue's items changed: a call that throws must leave "
            << "the queue exactly as it was";
    }
};

TEST_F(QueueErrors, EmptyQueueRefusesNonBlockingGetsWithEmpty) {
    pclab::Queue<int> queue(3);
    PCLAB_EXPECT_PROPERTY(ended_as(Outcome::empty, outcome_of([&] { queue.get_nowait(); }),
                                   "get_nowait() on an empty queue"));
    PCLAB_EXPECT_PROPERTY(ended_as(Outcome::empty, outcome_of([&] { queue.get(0ms); }),
                                   "get(0 ms) on an empty queue"));
    PCLAB_EXPECT_PROPERTY(ended_as(Outcome::empty, outcome_of([&] { queue.get(2ms); }),
                                   "get(2 ms) on an empty queue (once the 2 ms have passed)"));
    expect_holds_exactly(queue, 0, "get_nowait, get(0 ms) and get(2 ms) threw Empty");
}

TEST_F(QueueErrors, FullQueueRefusesNonBlockingPutsWithFull) {
    for (const int maxsize : {1, 3}) {
        SCOPED_TRACE("maxsize " + std::to_string(maxsize));
        pclab::Queue<int> queue(static_cast<std::size_t>(maxsize));
        fill(queue, maxsize);
        const std::string full = " on a full queue (maxsize " + std::to_string(maxsize) + ")";
        PCLAB_EXPECT_PROPERTY(ended_as(Outcome::full, outcome_of([&] { queue.put_nowait(100); }),
                                       "put_nowait(x)" + full));
        PCLAB_EXPECT_PROPERTY(ended_as(Outcome::full, outcome_of([&] { queue.put(101, 0ms); }),
                                       "put(x, 0 ms)" + full));
        PCLAB_EXPECT_PROPERTY(ended_as(Outcome::full, outcome_of([&] { queue.put(102, 2ms); }),
                                       "put(x, 2 ms)" + full + " (once the 2 ms have passed)"));
        expect_holds_exactly(queue, maxsize, "puts on a full queue threw Full");
    }
}

TEST_F(QueueErrors, NegativeTimeoutIsAnInvalidArgumentForGet) {
    pclab::Queue<int> queue(2);
    PCLAB_EXPECT_PROPERTY(ended_as(Outcome::invalid_argument, outcome_of([&] { queue.get(-1ns); }),
                                   "get(-1 ns) on an empty queue"));
    fill(queue, 1);
    PCLAB_EXPECT_PROPERTY(
        ended_as(Outcome::invalid_argument, outcome_of([&] { queue.get(-1ms); }),
                 "get(-1 ms) with an item available (the timeout is checked before the "
                 "queue's state)"));
    expect_holds_exactly(queue, 1, "get(-1 ms) threw");
}

TEST_F(QueueErrors, NegativeTimeoutIsAnInvalidArgumentForPut) {
    pclab::Queue<int> roomy(3);
    fill(roomy, 1);
    PCLAB_EXPECT_PROPERTY(ended_as(Outcome::invalid_argument,
                                   outcome_of([&] { roomy.put(100, -1ns); }),
                                   "put(x, -1 ns) on a queue with room"));
    expect_holds_exactly(roomy, 1, "put(x, -1 ns) threw");

    pclab::Queue<int> full(2);
    fill(full, 2);
    PCLAB_EXPECT_PROPERTY(
        ended_as(Outcome::invalid_argument, outcome_of([&] { full.put(100, -1s); }),
                 "put(x, -1 s) on a full queue (the timeout is checked before fullness, "
                 "so not Full)"));
    expect_holds_exactly(full, 2, "put(x, -1 s) threw");

    // Python accepts a negative timeout on an unbounded queue; this contract does not.
    pclab::Queue<int> unbounded;
    PCLAB_EXPECT_PROPERTY(ended_as(Outcome::invalid_argument,
                                   outcome_of([&] { unbounded.put(100, -1ms); }),
                                   "put(x, -1 ms) on an unbounded queue"));
    expect_holds_exactly(unbounded, 0, "put(x, -1 ms) threw");
}

TEST_F(QueueErrors, CallsThatFitNeverThrow) {
    pclab::Queue<int> queue(2);
    PCLAB_EXPECT_PROPERTY(ended_as(Outcome::returned, outcome_of([&] { queue.put(0, 0ms); }),
                                   "put(x, 0 ms) on a queue with room"));
    PCLAB_EXPECT_PROPERTY(ended_as(Outcome::returned, outcome_of([&] { queue.put_nowait(1); }),
                                   "put_nowait(x) on a queue with room for exactly one more"));
    PCLAB_EXPECT_PROPERTY(ended_as(Outcome::returned, outcome_of([&] { queue.get(0ms); }),
                                   "get(0 ms) with an item available"));
    PCLAB_EXPECT_PROPERTY(ended_as(Outcome::returned, outcome_of([&] { queue.put(2, 0ns); }),
                                   "put(x, 0 ns) on a queue with room"));
    EXPECT_EQ(queue.get_nowait(), 1);
    EXPECT_EQ(queue.get_nowait(), 2);
}

}  // namespace
