// The books that lab 04's exploration scenarios keep, and the joiner's verdict on them (shared
// by the *_explore.cpp files; built with PCLAB_SYNC_EXPLORE).
//
// Under the controlled scheduler one thread runs at a time and only the queue's own operations
// are scheduling points, so plain ints are exact: a consumer adds 1 to `task_dones_started` just
// before it calls task_done(), and a joiner reads it the instant join() returns, with nothing in
// between that could let another thread run. A correct join() returns only after it saw
// unfinished_tasks == 0 under the queue's lock, which takes one task_done() per put, each begun
// after its increment: so at join's return `task_dones_started >= puts`, in every schedule. Fewer
// is an early join, whatever the schedule (the same evidence as join_workload.hpp's, without the
// atomics the real threads need).
#pragma once

#include <cstddef>
#include <string>
#include <vector>

#include "pclab/explore/lab_exploration.hpp"
#include "pclab/testkit/failure_category.hpp"
#include "queue.hpp"

namespace lab04_explore {

// No square is negative: a slot still holding this was never recorded.
inline constexpr int kNotRecorded = -1;

// What the threads of one run did, kept in plain variables (see the file comment).
struct TaskBooks {
    explicit TaskBooks(int puts)
        : puts(puts), squares(static_cast<std::size_t>(puts), kNotRecorded) {}

    int puts;                    // items put; every put returned before anyone calls join()
    int task_dones_started = 0;  // task_done() calls begun (the +1 comes just before the call)
    std::vector<int> squares;    // squares[n]: n * n once a consumer "processed" n
};

// "1 task_done() call", "2 task_done() calls".
inline std::string calls(int n) {
    return std::to_string(n) + " task_done() call" + (n == 1 ? "" : "s");
}

// A consumer's work on `number`: take it with get() (done by the caller), record its square (the
// activity's final_results.append), then task_done().
inline void process(pclab::Queue<int>& queue, TaskBooks& books, int number) {
    books.squares[static_cast<std::size_t>(number)] = number * number;
    ++books.task_dones_started;  // before the call: see the file comment
    queue.task_done();
}

// The joiner's verdict the instant join() returned: `[pclab:early-join] ...` unless every put's
// task_done() had started. Names the squares the activity's print(final_results) would miss.
inline void check_joined_after_every_task_done(const TaskBooks& books, const std::string& joiner) {
    if (books.task_dones_started >= books.puts) {
        return;
    }
    std::string missing;
    for (std::size_t number = 0; number < books.squares.size(); ++number) {
        if (books.squares[number] == kNotRecorded) {
            missing += (missing.empty() ? "" : ", ") + std::to_string(number);
        }
    }
    const std::string begun = books.task_dones_started == 0
                                  ? "no task_done() call"
                                  : "only " + calls(books.task_dones_started);
    pclab::explore::check_category(
        false, pclab::testkit::category::kEarlyJoin,
        joiner + ": join() returned with " + calls(books.puts - books.task_dones_started) +
            " outstanding (" + std::to_string(books.puts) + " items put, " + begun + " begun" +
            (missing.empty() ? std::string() : "; no square recorded yet for " + missing) +
            "): join() must wait for the last task_done(), not for the queue to be empty");
}

}  // namespace lab04_explore
