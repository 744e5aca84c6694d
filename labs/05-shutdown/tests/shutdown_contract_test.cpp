// Contract tests on one thread: is_shutdown is sticky; after shutdown every put throws ShutDown
// (even with room, even for a bad timeout) and leaves the queue as it was; a get on a shut-down
// empty queue throws ShutDown in every form; any sequence of soft and immediate shutdowns is
// allowed; the rest of the queue keeps working.
#include <gtest/gtest.h>

#include <chrono>
#include <cstddef>
#include <stdexcept>

#include "lab05_support.hpp"
#include "queue.hpp"

namespace {

using lab05::ended_as;
using lab05::holds;
using lab05::kContractBroken;
using lab05::Outcome;
using lab05::outcome_of;
using namespace std::chrono_literals;

class ShutdownContract : public lab05::ShutdownTest {};

TEST_F(ShutdownContract, IsShutdownStartsFalseAndStaysTrue) {
    pclab::Queue<int> queue(4);
    PCLAB_EXPECT_PROPERTY(holds(!queue.is_shutdown(), kContractBroken))
        << "is_shutdown() is true on a new queue";
    queue.shutdown();
    PCLAB_EXPECT_PROPERTY(holds(queue.is_shutdown(), kContractBroken))
        << "is_shutdown() is false right after shutdown()";
    queue.shutdown(/*immediate=*/true);
    queue.shutdown();
    PCLAB_EXPECT_PROPERTY(holds(queue.is_shutdown(), kContractBroken))
        << "is_shutdown() turned false again after more shutdowns: it is sticky";
}

// Every form of put on a queue with room, bounded and unbounded: ShutDown, and nothing changes.
TEST_F(ShutdownContract, PutAfterShutdownThrowsShutDownEvenWithRoom) {
    for (const std::size_t maxsize : {std::size_t{0}, std::size_t{3}}) {
        SCOPED_TRACE("maxsize " + std::to_string(maxsize));
        pclab::Queue<int> queue(maxsize);
        queue.put(1);
        queue.shutdown();
        const auto expect_refused = [&](Outcome outcome, const char* call) {
            PCLAB_EXPECT_PROPERTY(ended_as(Outcome::shut_down, outcome, call))
                << " (the queue is shut down and has room)";
            PCLAB_EXPECT_PROPERTY(
                holds(queue.qsize() == 1 && queue.unfinished_tasks() == 1, kContractBroken))
                << call << " changed the queue: qsize " << queue.qsize() << ", unfinished_tasks "
                << queue.unfinished_tasks() << " (both were 1): a put that throws leaves the "
                << "queue exactly as it was";
        };
        expect_refused(outcome_of([&] { queue.put(2); }), "put(2)");
        expect_refused(outcome_of([&] { queue.put(3, 1s); }), "put(3, 1 s)");
        expect_refused(outcome_of([&] { queue.put(4, 0s); }), "put(4, 0 s)");
        expect_refused(outcome_of([&] { queue.put_nowait(5); }), "put_nowait(5)");
        // The contract checks "shut down" before the timeout's sign.
        expect_refused(outcome_of([&] { queue.put(6, -1s); }), "put(6, -1 s)");
    }
}

TEST_F(ShutdownContract, GetOnAShutDownEmptyQueueThrowsShutDown) {
    for (const bool immediate : {false, true}) {
        SCOPED_TRACE(immediate ? "after shutdown(true)" : "after shutdown()");
        pclab::Queue<int> queue(2);
        queue.shutdown(immediate);
        PCLAB_EXPECT_PROPERTY(
            ended_as(Outcome::shut_down, outcome_of([&] { queue.get(); }), "get()"));
        PCLAB_EXPECT_PROPERTY(
            ended_as(Outcome::shut_down, outcome_of([&] { queue.get(1s); }), "get(1 s)"));
        PCLAB_EXPECT_PROPERTY(
            ended_as(Outcome::shut_down, outcome_of([&] { queue.get(0s); }), "get(0 s)"));
        PCLAB_EXPECT_PROPERTY(
            ended_as(Outcome::shut_down, outcome_of([&] { queue.get_nowait(); }), "get_nowait()"));
        // "Shut down and empty" comes before the timeout's sign.
        PCLAB_EXPECT_PROPERTY(
            ended_as(Outcome::shut_down, outcome_of([&] { queue.get(-1s); }), "get(-1 s)"));
    }
}

// With items left after a soft shutdown, get's order of checks still puts a negative timeout
// before "empty": the queue is not "shut down and empty", so the timeout's sign decides.
TEST_F(ShutdownContract, NegativeTimeoutStillInvalidWhileItemsRemain) {
    pclab::Queue<int> queue;
    queue.put(7);
    queue.shutdown();
    PCLAB_EXPECT_PROPERTY(ended_as(Outcome::invalid_argument, outcome_of([&] { queue.get(-1s); }),
                                   "get(-1 s) on a shut-down queue that still holds an item"));
    EXPECT_EQ(queue.qsize(), 1U) << "a get that throws must leave the item in the queue";
}

TEST_F(ShutdownContract, AnySequenceOfShutdownsIsAllowed) {
    pclab::Queue<int> queue(8);
    for (int i = 0; i < 5; ++i) {
        queue.put(i);
    }
    // soft, soft again: nothing discarded, nothing thrown.
    queue.shutdown();
    queue.shutdown();
    PCLAB_EXPECT_PROPERTY(holds(queue.qsize() == 5, kContractBroken))
        << "after two soft shutdowns qsize() is " << queue.qsize() << ", expected 5: a soft "
        << "shutdown keeps the queued items for the getters";
    // A later immediate one drains.
    queue.shutdown(/*immediate=*/true);
    PCLAB_EXPECT_PROPERTY(holds(queue.qsize() == 0 && queue.empty(), kContractBroken))
        << "after soft, soft, immediate qsize() is " << queue.qsize()
        << ": an immediate shutdown after a soft one still discards the queued items";
    // And more of either kind changes nothing and throws nothing.
    queue.shutdown(/*immediate=*/true);
    queue.shutdown();
    PCLAB_EXPECT_PROPERTY(holds(queue.is_shutdown() && queue.qsize() == 0, kContractBroken))
        << "more shutdowns after an immediate one must change nothing";
    PCLAB_EXPECT_PROPERTY(
        ended_as(Outcome::shut_down, outcome_of([&] { queue.put_nowait(9); }), "put_nowait(9)"));
}

TEST_F(ShutdownContract, ReadersAndTaskAccountingKeepWorkingAfterShutdown) {
    pclab::Queue<int> queue(2);
    queue.put(1);
    queue.put(2);
    queue.shutdown();
    EXPECT_EQ(queue.qsize(), 2U);
    EXPECT_FALSE(queue.empty());
    EXPECT_TRUE(queue.full()) << "full() is maxsize > 0 && qsize() >= maxsize, shut down or not";
    EXPECT_EQ(queue.maxsize(), 2U);
    // task_done counts puts, shut down or not.
    queue.task_done();
    queue.task_done();
    EXPECT_EQ(queue.unfinished_tasks(), 0U);
    queue.join();  // returns at once: the count is 0
    PCLAB_EXPECT_PROPERTY(ended_as(Outcome::logic_error, outcome_of([&] { queue.task_done(); }),
                                   "a third task_done() after two puts"));
}

}  // namespace
