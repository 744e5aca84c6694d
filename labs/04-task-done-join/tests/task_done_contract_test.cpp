// Contract tests of the task accounting, on one thread: deterministic and fast. unfinished_tasks
// counts puts (every form of put), not gets; task_done() lowers it; put then task_done without
// a get is legal; one task_done() too many throws std::logic_error with the contract's message
// and changes nothing. join() is not called here (join-returns-when-done and the concurrent
// checks grade it), so a join() that hangs cannot cost these points.
//
// Measured with PCLAB_SEED=1001..1020 (20 runs per line), 2 cores, load average 7-15 from
// other work on the machine:
//   unsafe:task_done_goes_negative  plain 20/20 fail (assertion: task_done() returned normally,
//                                   then unfinished_tasks() is 18446744073709551615)
//   solution                        plain 0/20 fail (longest run 0.5 s)
#include <gtest/gtest.h>

#include <chrono>
#include <stdexcept>
#include <string>

#include "queue.hpp"

namespace {

using namespace std::chrono_literals;

// The one wording of the precondition: the same in the header, the exception and this test.
constexpr const char* kTooManyMessage = "task_done() called too many times";

// Calls task_done() on a queue with nothing unfinished and expects the contract's refusal:
// std::logic_error with its exact message. NotImplemented (also a logic_error) propagates, so an
// unfinished stub fails as not-implemented instead of "wrong message".
void expect_task_done_refused(pclab::Queue<int>& queue, const std::string& when) {
    try {
        queue.task_done();
        ADD_FAILURE() << "task_done() " << when
                      << " returned normally; the contract says it throws std::logic_error(\""
                      << kTooManyMessage << "\") and changes nothing";
    } catch (const pclab::NotImplemented&) {
        throw;
    } catch (const std::logic_error& error) {
        EXPECT_STREQ(error.what(), kTooManyMessage)
            << "task_done() " << when << " threw std::logic_error with the wrong message";
    }
}

TEST(TaskDoneContract, FreshQueueHasNoUnfinishedTasks) {
    pclab::Queue<int> unbounded;
    pclab::Queue<int> bounded(3);
    EXPECT_EQ(unbounded.unfinished_tasks(), 0U);
    EXPECT_EQ(bounded.unfinished_tasks(), 0U);
}

TEST(TaskDoneContract, EveryFormOfPutCountsAndGetDoesNot) {
    pclab::Queue<int> queue(4);
    queue.put(1);
    queue.put(2, 1s);
    queue.put_nowait(3);
    EXPECT_EQ(queue.unfinished_tasks(), 3U) << "after put, put(timeout) and put_nowait";
    EXPECT_EQ(queue.get(), 1);
    EXPECT_EQ(queue.get(1s), 2);
    EXPECT_EQ(queue.get_nowait(), 3);
    EXPECT_EQ(queue.unfinished_tasks(), 3U)
        << "get() takes items out but does not finish them: only task_done() lowers the count";
    queue.task_done();
    EXPECT_EQ(queue.unfinished_tasks(), 2U);
    queue.task_done();
    queue.task_done();
    EXPECT_EQ(queue.unfinished_tasks(), 0U);
}

TEST(TaskDoneContract, FailedPutsDoNotCount) {
    pclab::Queue<int> queue(1);
    queue.put(1);
    EXPECT_THROW(queue.put_nowait(2), pclab::Full);
    EXPECT_THROW(queue.put(2, 0s), pclab::Full);
    EXPECT_EQ(queue.unfinished_tasks(), 1U) << "a put that throws leaves the queue as it was";
}

TEST(TaskDoneContract, TaskDoneWithoutGetIsLegal) {
    pclab::Queue<int> queue;
    queue.put(7);
    queue.put(8);
    queue.task_done();  // counts puts, not gets: no get() needed
    EXPECT_EQ(queue.unfinished_tasks(), 1U);
    EXPECT_EQ(queue.qsize(), 2U) << "task_done() must not touch the items";
    queue.task_done();
    EXPECT_EQ(queue.unfinished_tasks(), 0U);
    EXPECT_EQ(queue.get(), 7) << "the items are still there, in order";
    EXPECT_EQ(queue.get(), 8);
    EXPECT_EQ(queue.unfinished_tasks(), 0U);
}

TEST(TaskDoneContract, OneTooManyThrowsLogicErrorAndChangesNothing) {
    pclab::Queue<int> queue;
    expect_task_done_refused(queue, "on a fresh queue");
    EXPECT_EQ(queue.unfinished_tasks(), 0U)
        << "a refused task_done() must change nothing; the count went below 0 and wrapped";

    // A later put/task_done pair works as if the refused call never happened.
    queue.put(1);
    EXPECT_EQ(queue.unfinished_tasks(), 1U);
    queue.task_done();
    EXPECT_EQ(queue.unfinished_tasks(), 0U);
    expect_task_done_refused(queue, "after every put had its task_done()");
    EXPECT_EQ(queue.unfinished_tasks(), 0U);
    EXPECT_EQ(queue.qsize(), 1U) << "a refused task_done() must not touch the items";
    EXPECT_EQ(queue.get(), 1);
}

}  // namespace
