/// @file
/// @ingroup lab_contracts
/// @brief The lab 01 pipeline, given (do not edit): the seed activity's Python program in C++.
///
/// One producer puts the numbers 0..N-1 into a work queue; several consumers take numbers out,
/// square them and append the squares to one shared results list. In Python:
///
/// @code{.py}
/// def consumer():
///     while True:
///         number = q.get()
///         final_results.append(number ** 2)
///         q.task_done()
/// @endcode
///
/// with daemon consumer threads and `q.join()` on the main thread. C++ has no daemon threads (a
/// joinable thread destroyed calls std::terminate), so here the producer closes the queue after
/// its last put, each consumer returns once the queue is closed and drained, and the main thread
/// joins every thread. The work queue is correct; the results list is the lab.
///
/// Nothing here includes result_list.hpp: the functions take the results list as a template
/// parameter (anything with `append(std::int64_t)`), so this file works with every implementation
/// of the lab the build compiles it with.
#pragma once

#include <cstddef>
#include <cstdint>
#include <deque>
#include <exception>
#include <functional>
#include <mutex>
#include <optional>
#include <random>
#include <stdexcept>
#include <vector>

#include "pclab/sync.hpp"

namespace pclab {

/// @brief A small, correct, unbounded FIFO of numbers that can be closed.
///
/// Abstract state: a FIFO sequence `items` and a flag `closed` that turns true at most once.
///
/// **Memory ordering.** Everything a producer did before `put(x)` happens-before everything the
/// consumer does after the `get()` that returns x.
///
/// Thread-safe. get() blocks.
/// @headerfile 01-shared-results/pipeline.hpp "pipeline.hpp"
class WorkQueue {
  public:
    /// @brief Adds `number` at the back of `items` and wakes one waiting getter.
    ///
    /// Requires: not closed (throws `std::logic_error("put() on a closed WorkQueue")`).
    /// Thread-safe. Never blocks for long.
    void put(std::int64_t number) {
        {
            const std::lock_guard<pclab::mutex> lock(mutex_);
            if (closed_) {
                throw std::logic_error("put() on a closed WorkQueue");
            }
            items_.push_back(number);
        }
        not_empty_or_closed_.notify_one();
    }

    /// @brief Removes and returns the front of `items`; returns nothing once the queue is closed
    ///        and empty.
    ///
    /// Waits while `items` is empty and the queue is open. Thread-safe. Blocks.
    std::optional<std::int64_t> get() {
        std::unique_lock<pclab::mutex> lock(mutex_);
        not_empty_or_closed_.wait(lock, [this] { return !items_.empty() || closed_; });
        // Here: we hold the lock and either an item is waiting or the queue is closed and
        // drained (a closed queue still hands out what it holds).
        if (items_.empty()) {
            return std::nullopt;
        }
        const std::int64_t number = items_.front();
        items_.pop_front();
        return number;
    }

    /// @brief Sets `closed`: no more puts; getters drain `items`, then get nothing.
    ///
    /// Wakes every waiting getter. Idempotent. Thread-safe. Never blocks for long.
    void close() {
        {
            const std::lock_guard<pclab::mutex> lock(mutex_);
            closed_ = true;
        }
        not_empty_or_closed_.notify_all();
    }

  private:
    pclab::mutex mutex_;
    pclab::condition_variable not_empty_or_closed_;
    std::deque<std::int64_t> items_;  // guarded by mutex_
    bool closed_ = false;             // guarded by mutex_
};

/// @brief Knobs of run_pipeline beyond its size; the defaults give the seed program.
struct PipelineOptions {
    /// @brief Seeds each consumer's pseudo-random amount of busy work (see max_busy_work).
    std::uint64_t seed = 0;

    /// @brief Before each append, a consumer spins for 0..max_busy_work units of pure CPU work
    ///        (one unit is a few nanoseconds). It stands for "processing the item" and shifts the
    ///        threads' timing, so different seeds show different interleavings. 0: no work.
    unsigned max_busy_work = 0;

    /// @brief If set, called after every append with (consumer, number, square), on the
    ///        consumer's thread, concurrently from several consumers.
    std::function<void(int consumer, std::int64_t number, std::int64_t square)> on_record;
};

/// @brief Spins for `units` units of CPU work that the compiler cannot remove.
inline void busy_work(unsigned units) {
    std::uint64_t state = units;
    for (unsigned i = 0; i < units; ++i) {
        state = state * 6364136223846793005ULL + 1442695040888963407ULL;  // an LCG step (Knuth)
    }
    [[maybe_unused]] volatile std::uint64_t sink = state;
}

/// @brief The producer: puts 0..items-1 in order, then closes the queue.
inline void produce_numbers(WorkQueue& queue, std::int64_t items) {
    for (std::int64_t number = 0; number < items; ++number) {
        queue.put(number);
    }
    queue.close();
}

/// @brief One consumer: until the queue is closed and drained, takes a number and appends its
///        square to `results`.
/// @tparam Results any type with `append(std::int64_t)` (pclab::ResultList in this lab).
template <class Results>
void consume_squares(WorkQueue& queue, Results& results, int consumer,
                     const PipelineOptions& options = {}) {
    std::mt19937_64 work_rng(options.seed ^
                             (0x9e3779b97f4a7c15ULL * static_cast<unsigned>(consumer + 1)));
    while (const std::optional<std::int64_t> number = queue.get()) {
        if (options.max_busy_work > 0) {
            busy_work(static_cast<unsigned>(work_rng() % (options.max_busy_work + 1ULL)));
        }
        const std::int64_t square = *number * *number;
        results.append(square);
        if (options.on_record) {
            options.on_record(consumer, *number, square);
        }
    }
}

/// @brief Runs the whole pipeline: one producer of 0..items-1, `consumers` consumers appending
///        the squares to `results`; returns when every thread has been joined.
///
/// If a thread throws (say `not implemented: ResultList::append`), the pipeline still ends:
/// the other consumers go on, the producer closes the queue, every thread is joined, and then
/// the exception of the lowest-numbered thread that threw (the producer first) is rethrown here.
///
/// Requires: `items >= 0`, `consumers >= 1` (throws `std::invalid_argument` otherwise).
/// @tparam Results any type with `append(std::int64_t)` safe to call concurrently.
/// Blocks until the pipeline has finished.
template <class Results>
void run_pipeline(Results& results, std::int64_t items, int consumers,
                  const PipelineOptions& options = {}) {
    if (items < 0 || consumers < 1) {
        throw std::invalid_argument("run_pipeline: requires items >= 0 and consumers >= 1");
    }
    WorkQueue queue;
    // Slot 0: the producer; slot 1 + c: consumer c. Each thread writes only its own slot, and
    // join() makes the write visible here.
    std::vector<std::exception_ptr> failures(static_cast<std::size_t>(consumers) + 1);
    std::vector<pclab::thread> threads;
    threads.reserve(failures.size());
    threads.emplace_back([&] {
        try {
            produce_numbers(queue, items);
        } catch (...) {
            failures[0] = std::current_exception();
            queue.close();  // let the consumers finish what is queued, then end
        }
    });
    for (int c = 0; c < consumers; ++c) {
        threads.emplace_back([&, c] {
            try {
                consume_squares(queue, results, c, options);
            } catch (...) {
                failures[static_cast<std::size_t>(c) + 1] = std::current_exception();
            }
        });
    }
    for (pclab::thread& thread : threads) {
        thread.join();
    }
    for (const std::exception_ptr& failure : failures) {
        if (failure) {
            std::rethrow_exception(failure);
        }
    }
}

}  // namespace pclab
