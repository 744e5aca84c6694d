/// @file
/// @brief `JoinBookkeeping<Inner>`: Python's task_done/join added to any `BlockingQueue` that has
///        none — the same way for every peer, so the join benchmarks compare like with like.
///
/// tbb::concurrent_bounded_queue, moodycamel's queue, boost's sync_bounded_queue and
/// buffered_channel and the textbook semaphore buffer have no join. The benchmark gives all of
/// them this one wrapper: an unfinished-tasks counter under its own mutex and a condition
/// variable for the joiners, which is how Python's `queue.Queue` does it (its counter shares the
/// queue's lock). Queues written to the kit's `pclab::Queue` contract keep their own task_done
/// and join (the counter under the queue's single lock, which costs them less than this wrapper
/// costs a peer: that difference is part of what the join benchmarks show, not hidden by them).
#pragma once

#include <condition_variable>
#include <cstddef>
#include <mutex>
#include <stdexcept>
#include <utility>

#include "adapters/blocking_queue.hpp"

namespace pclab_bench {

/// @brief `Inner` with task_done() and join(); put and get are Inner's.
///
/// Guarantees (on top of Inner's): `join()` returns only when every put so far has been
/// matched by a task_done(); `task_done()` more often than put throws std::logic_error and
/// changes nothing. Thread-safe like Inner. Not copyable or movable.
template <BlockingQueue Inner>
class JoinBookkeeping {
  public:
    using value_type = typename Inner::value_type;

    /// @brief An empty queue of `capacity` (Inner's constructor), no unfinished tasks.
    explicit JoinBookkeeping(std::size_t capacity) : inner_(capacity) {}
    JoinBookkeeping(const JoinBookkeeping&) = delete;
    JoinBookkeeping& operator=(const JoinBookkeeping&) = delete;

    /// @brief Counts the task, then Inner's put. Blocks while full.
    ///
    /// The count comes first: once the item is in Inner, a consumer may get it and call
    /// task_done() before this put returns, and the counter must never go below the tasks
    /// really outstanding (a join would return early).
    void put(value_type item) {
        {
            const std::lock_guard lock(mutex_);
            ++unfinished_tasks_;
        }
        try {
            inner_.put(std::move(item));
        } catch (...) {
            task_done();  // the item never entered: it is no task
            throw;
        }
    }

    /// @brief Inner's get. Blocks while empty.
    value_type get() { return inner_.get(); }

    /// @brief One task fewer; wakes every joiner when none is left. Never blocks for long.
    void task_done() {
        const std::lock_guard lock(mutex_);
        if (unfinished_tasks_ == 0) {
            throw std::logic_error("task_done() called too many times");
        }
        --unfinished_tasks_;
        if (unfinished_tasks_ == 0) {
            all_tasks_done_.notify_all();
        }
    }

    /// @brief Blocks until no task is unfinished.
    void join() {
        std::unique_lock lock(mutex_);
        all_tasks_done_.wait(lock, [this] { return unfinished_tasks_ == 0; });
    }

  private:
    Inner inner_;
    std::mutex mutex_;                        // guards unfinished_tasks_
    std::size_t unfinished_tasks_ = 0;        // puts not yet matched by a task_done
    std::condition_variable all_tasks_done_;  // joiners wait here for unfinished_tasks_ == 0
};

}  // namespace pclab_bench
