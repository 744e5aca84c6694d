/// @file
/// @brief `transfer()`: the benchmark's one workload — P producer threads put N items through a
///        queue, C consumer threads get them, and every item must come out exactly once.
///
/// The same function runs every implementation (the benchmark) and every adapter (the kit's
/// test of the adapters), so the pattern is identical for all of them:
/// - Fresh threads for each transfer, all waiting at one start gate; the clock starts when the
///   gate opens (thread creation is not measured).
/// - Producer p puts its own consecutive range of the values 0..N-1 (N split as evenly as
///   possible). End of the stream: no sentinel — consumer c gets exactly its share of N (split
///   the same way) and returns. Quotas need no special value in the item type and cost every
///   queue the same; a queue that loses an item leaves some consumer waiting (a stall), one that
///   duplicates an item leaves another behind (the sums below differ).
/// - Plain mode: the clock stops when the last consumer has its last item.
///   Join mode (the seed activity's pattern): consumers call task_done() after each item; a
///   joiner thread waits for the producers to finish, calls join(), and the clock stops when
///   join() returns.
/// - Exactly-once, checked after every transfer: the sum and the sum of squares (mod 2^64) of
///   the values got equal those of 0..N-1 and no value is out of range; in join mode, every
///   consumer had counted every item it got before join() returned.
///
/// Why the start gate is a mutex and a condition variable, not std::latch or std::barrier:
/// GCC 12's latch and barrier wait through the same atomic-wait machinery as its
/// std::counting_semaphore, which can lose a wake-up (see `<pclab/condvar_semaphore.hpp>`).
#pragma once

#include <algorithm>
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <exception>
#include <mutex>
#include <optional>
#include <stdexcept>
#include <string>
#include <thread>
#include <type_traits>
#include <vector>

#include "adapters/blocking_queue.hpp"

namespace pclab_bench {

/// @brief The exit status of a process whose transfer could not end: a queue stalled (no item
///        moved for `TransferShape::stall_limit`) or a thread threw while others stayed blocked.
///        Such threads are stuck inside the queue and cannot be cancelled, so the process says
///        what happened on stderr and ends with this status.
inline constexpr int kAbandonedTransferStatus = 4;

/// @brief One transfer: how many threads, how big a queue, how many items, which mode.
struct TransferShape {
    std::size_t producers = 1;  ///< >= 1
    std::size_t consumers = 1;  ///< >= 1
    std::size_t capacity = 1;   ///< >= 1, passed to the queue's constructor by the caller
    std::uint64_t items = 0;    ///< N >= 1; the values 0..N-1 are put
    bool join = false;          ///< consumers task_done() every item; the run ends at join()
    /// A transfer in which no item moves for this long has stalled: the process ends with
    /// kAbandonedTransferStatus.
    std::chrono::milliseconds stall_limit{std::chrono::seconds(60)};
    std::string label;  ///< Names the transfer in messages, e.g. "tbb/plain/2x2/16".
};

/// @brief What a transfer measured, or why it failed.
struct TransferOutcome {
    double seconds = 0;  ///< From the opening of the start gate to the end (see the file comment).
    /// Empty when every item came out exactly once (and, in join mode, join() returned only
    /// after the last task_done()); otherwise what went wrong, in one sentence.
    std::string error;
};

/// @brief What the consumers of one transfer got, summed up: the input of the exactly-once
///        verdict.
struct DeliveryTally {
    std::uint64_t items_got = 0;
    std::uint64_t sum = 0;             ///< mod 2^64
    std::uint64_t sum_of_squares = 0;  ///< mod 2^64
    std::uint64_t out_of_range = 0;    ///< values >= N
    /// Join mode: items the consumers had counted (each before its task_done) when join()
    /// returned.
    std::optional<std::uint64_t> counted_when_join_returned;
};

/// @brief The exactly-once verdict on `tally` for a transfer of `items` values 0..items-1:
///        empty when it holds, otherwise the first violation in one sentence.
inline std::string delivery_error(const DeliveryTally& tally, std::uint64_t items) {
    std::uint64_t expected_sum = 0;
    std::uint64_t expected_squares = 0;
    for (std::uint64_t value = 0; value < items; ++value) {
        expected_sum += value;
        expected_squares += value * value;
    }
    if (tally.counted_when_join_returned && *tally.counted_when_join_returned < items) {
        return "join() returned while " +
               std::to_string(items - *tally.counted_when_join_returned) + " of " +
               std::to_string(items) + " items were not yet task_done()";
    }
    if (tally.items_got != items) {
        return "the consumers got " + std::to_string(tally.items_got) + " items, not " +
               std::to_string(items);
    }
    if (tally.out_of_range > 0) {
        return std::to_string(tally.out_of_range) + " values came out that were never put";
    }
    if (tally.sum != expected_sum || tally.sum_of_squares != expected_squares) {
        return "the values got are not 0.." + std::to_string(items - 1) +
               " exactly once (an item was lost, duplicated or corrupted)";
    }
    return {};
}

namespace transfer_detail {

using Clock = std::chrono::steady_clock;

// The share of `total` that part `index` of `parts` gets: as even as possible, the first
// `total % parts` parts one more.
inline std::uint64_t share(std::uint64_t total, std::size_t parts, std::size_t index) {
    return total / parts + (index < total % parts ? 1 : 0);
}

inline std::uint64_t first_of_share(std::uint64_t total, std::size_t parts, std::size_t index) {
    std::uint64_t first = 0;
    for (std::size_t earlier = 0; earlier < index; ++earlier) {
        first += share(total, parts, earlier);
    }
    return first;
}

// What one consumer got. Its own cache line: consumers never write a line another one writes.
struct alignas(64) ConsumerTally {
    std::atomic<std::uint64_t> taken{0};  // written by the consumer only; read by the watchdog
    std::uint64_t sum = 0;
    std::uint64_t sum_of_squares = 0;
    std::uint64_t out_of_range = 0;
};

// Opens once, to start the transfer or to call it off; every thread of the transfer waits at
// it.
class StartGate {
  public:
    // Returns whether the transfer starts (false: called off, return at once).
    bool wait() {
        std::unique_lock lock(mutex_);
        opened_.wait(lock, [this] { return open_; });
        return !called_off_;
    }
    void open(bool called_off = false) {
        {
            const std::lock_guard lock(mutex_);
            open_ = true;
            called_off_ = called_off;
        }
        opened_.notify_all();
    }

  private:
    std::mutex mutex_;
    std::condition_variable opened_;
    bool open_ = false;
    bool called_off_ = false;
};

// How the transfer ends: the end time, the first failure, how many threads have returned.
class Ending {
  public:
    void finish_at(Clock::time_point end) {
        const std::lock_guard lock(mutex_);
        end_ = end;
        changed_.notify_all();
    }
    void fail(std::string what) {
        const std::lock_guard lock(mutex_);
        if (failure_.empty()) {
            failure_ = std::move(what);
        }
        changed_.notify_all();
    }
    void thread_returned() {
        const std::lock_guard lock(mutex_);
        ++threads_returned_;
        changed_.notify_all();
    }

    std::mutex mutex_;
    std::condition_variable changed_;
    std::optional<Clock::time_point> end_;
    std::string failure_;
    std::size_t threads_returned_ = 0;
};

[[noreturn]] inline void abandon(const std::string& label, const std::string& why) {
    std::fprintf(stderr,
                 "pclab bench: %s: %s. Its threads are stuck inside the queue and cannot be "
                 "stopped; ending the process.\n",
                 label.c_str(), why.c_str());
    std::fflush(stderr);
    std::_Exit(kAbandonedTransferStatus);
}

inline std::string exception_text(std::exception_ptr thrown) {
    try {
        std::rethrow_exception(std::move(thrown));
    } catch (const std::exception& error) {
        return error.what();
    } catch (...) {
        return "an exception that is not a std::exception";
    }
}

}  // namespace transfer_detail

/// @brief Moves shape.items values through `queue` with shape.producers producer threads and
///        shape.consumers consumer threads (see the file comment for the exact pattern).
///
/// Requires: `queue` is empty, holds std::uint64_t and has no unfinished task; shape is valid
/// (see TransferShape; std::invalid_argument otherwise, also for join mode on a queue that is
/// not a JoinableQueue).
/// Returns: the measured time and, when exactly-once was violated or the queue threw, an error
/// (a queue that threw in every thread, such as a stub, ends the transfer with its message).
/// Does not return (ends the process with kAbandonedTransferStatus, after a message on stderr)
/// when no item moves for shape.stall_limit, or some thread has not returned shape.stall_limit
/// after the end or after another thread threw.
template <BlockingQueue Queue>
TransferOutcome transfer(Queue& queue, const TransferShape& shape) {
    static_assert(std::is_same_v<typename Queue::value_type, std::uint64_t>,
                  "the benchmark moves std::uint64_t values");
    using namespace transfer_detail;
    if (shape.producers == 0 || shape.consumers == 0 || shape.capacity == 0 || shape.items == 0 ||
        shape.stall_limit <= std::chrono::milliseconds::zero()) {
        throw std::invalid_argument(shape.label + ": threads, capacity, items and the stall " +
                                    "limit must all be positive");
    }
    if (shape.join && !JoinableQueue<Queue>) {
        throw std::invalid_argument(shape.label + ": join mode needs task_done() and join()");
    }
    const std::uint64_t items = shape.items;
    std::vector<ConsumerTally> tallies(shape.consumers);
    StartGate gate;
    Ending ending;
    std::atomic<std::size_t> consumers_left{shape.consumers};
    std::optional<std::uint64_t> counted_at_join;
    const auto counted = [&tallies] {
        std::uint64_t sum = 0;
        for (const ConsumerTally& tally : tallies) {
            sum += tally.taken.load(std::memory_order_relaxed);
        }
        return sum;
    };

    std::vector<std::thread> producers;
    std::vector<std::thread> consumers;
    std::thread joiner;
    // Every thread waits at the gate. If one cannot be created (the system is out of threads),
    // those created are called off and joined, and the error goes to the caller.
    const auto call_off = [&] {
        gate.open(/*called_off=*/true);
        for (std::thread& producer : producers) {
            producer.join();
        }
        for (std::thread& consumer : consumers) {
            consumer.join();
        }
    };
    try {
        for (std::size_t p = 0; p < shape.producers; ++p) {
            producers.emplace_back([&, p] {
                if (!gate.wait()) {
                    return;
                }
                try {
                    const std::uint64_t first = first_of_share(items, shape.producers, p);
                    const std::uint64_t end = first + share(items, shape.producers, p);
                    for (std::uint64_t value = first; value < end; ++value) {
                        queue.put(value);
                    }
                } catch (...) {
                    ending.fail("producer " + std::to_string(p) +
                                ": put() threw: " + exception_text(std::current_exception()));
                }
                ending.thread_returned();
            });
        }
        for (std::size_t c = 0; c < shape.consumers; ++c) {
            consumers.emplace_back([&, c] {
                ConsumerTally& tally = tallies[c];
                const std::uint64_t quota = share(items, shape.consumers, c);
                if (!gate.wait()) {
                    return;
                }
                try {
                    for (std::uint64_t got = 1; got <= quota; ++got) {
                        const std::uint64_t value = queue.get();
                        tally.sum += value;
                        tally.sum_of_squares += value * value;
                        tally.out_of_range += value >= items ? 1 : 0;
                        // Counted before task_done(): a join() that returns only after the last
                        // task_done() sees every count.
                        tally.taken.store(got, std::memory_order_relaxed);
                        if constexpr (JoinableQueue<Queue>) {
                            if (shape.join) {
                                queue.task_done();
                            }
                        }
                    }
                    if (!shape.join && consumers_left.fetch_sub(1) == 1) {
                        ending.finish_at(Clock::now());
                    }
                } catch (...) {
                    ending.fail("consumer " + std::to_string(c) + ": " +
                                exception_text(std::current_exception()));
                }
                ending.thread_returned();
            });
        }
        if (shape.join) {
            if constexpr (JoinableQueue<Queue>) {
                joiner = std::thread([&] {
                    try {
                        for (std::thread& producer : producers) {
                            producer.join();
                        }
                        queue.join();
                        const Clock::time_point end = Clock::now();
                        counted_at_join = counted();
                        ending.finish_at(end);
                    } catch (...) {
                        ending.fail("join() threw: " + exception_text(std::current_exception()));
                    }
                    ending.thread_returned();
                });
            }
        }
    } catch (...) {
        call_off();  // the joiner is only created last: nothing else to join
        throw;
    }
    const std::size_t threads = shape.producers + shape.consumers + (shape.join ? 1 : 0);

    const Clock::time_point start = Clock::now();
    gate.open();
    {
        // Wait until every thread has returned, watching for a stall: until the end, the
        // consumers' counts must keep moving; after the end or a failure, every thread must
        // return within the stall limit too (a producer still blocked after the consumers got
        // their shares means the queue held items nobody put).
        const auto tick =
            std::min<std::chrono::milliseconds>(shape.stall_limit / 4, std::chrono::seconds(1));
        std::unique_lock lock(ending.mutex_);
        std::uint64_t last_count = 0;
        Clock::time_point last_move = Clock::now();
        std::optional<Clock::time_point> settled_at;
        while (ending.threads_returned_ < threads) {
            ending.changed_.wait_for(lock, tick);
            const Clock::time_point now = Clock::now();
            if (ending.end_ || !ending.failure_.empty()) {
                settled_at = settled_at.value_or(now);
                if (now - *settled_at >= shape.stall_limit && ending.threads_returned_ < threads) {
                    abandon(shape.label, ending.failure_.empty()
                                             ? "every item was got, but a thread stayed blocked "
                                               "in the queue (it held items nobody put)"
                                             : ending.failure_);
                }
            } else if (const std::uint64_t count = counted(); count != last_count) {
                last_count = count;
                last_move = now;
            } else if (now - last_move >= shape.stall_limit) {
                const std::string waited = std::to_string(shape.stall_limit.count()) + " ms";
                abandon(shape.label,
                        count == items
                            ? "every consumer got its share, but the run has not ended " + waited +
                                  " later: join() does not return or a producer is still "
                                  "blocked in put() (the queue counts tasks or holds items "
                                  "nobody put)"
                            : "no item moved for " + waited + " (" + std::to_string(count) +
                                  " of " + std::to_string(items) +
                                  " items got): the queue lost an item or a wake-up, or "
                                  "deadlocked");
            }
        }
    }
    if (joiner.joinable()) {
        joiner.join();  // it joined the producers
    } else {
        for (std::thread& producer : producers) {
            producer.join();
        }
    }
    for (std::thread& consumer : consumers) {
        consumer.join();
    }

    TransferOutcome outcome;
    if (!ending.failure_.empty()) {
        outcome.error = ending.failure_;
        return outcome;
    }
    outcome.seconds = std::chrono::duration<double>(*ending.end_ - start).count();
    DeliveryTally total;
    for (const ConsumerTally& tally : tallies) {
        total.items_got += tally.taken.load(std::memory_order_relaxed);
        total.sum += tally.sum;
        total.sum_of_squares += tally.sum_of_squares;
        total.out_of_range += tally.out_of_range;
    }
    total.counted_when_join_returned = counted_at_join;
    outcome.error = delivery_error(total, items);
    return outcome;
}

}  // namespace pclab_bench
