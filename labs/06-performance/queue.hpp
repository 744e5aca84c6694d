/// @file
/// @ingroup lab_contracts
/// @brief pclab::Queue, a FIFO queue between threads with an optional size limit, task
///        accounting and shutdown (lab 06: the same queue, made fast; your file).
///
/// Lab 06 (performance): start by replacing this file with your lab 05 queue.hpp — the whole
/// contract below, already correct — and then make it fast without breaking it. Every check of
/// labs 03-05 runs again on this file, and the performance check's points count only when all
/// of them pass. The contract does not change: the same members, the same guarantees; only how
/// threads wait may. Until you bring your queue, every member throws pclab::NotImplemented.
/// The handout (README.md) shows the measurements, explains where the textbook queue's time
/// goes and how the lab is graded.
#pragma once

#include <chrono>
#include <cstddef>
#include <stdexcept>

#include "pclab/errors.hpp"
#include "pclab/sync.hpp"

namespace pclab {

/// @brief A first-in-first-out queue that any number of producer and consumer threads share,
///        optionally bounded so that a fast producer waits for a slow consumer.
///
/// **Abstract state.** A FIFO sequence `items` with `0 <= size(items) <= maxsize` when
/// `maxsize > 0` (unbounded when `maxsize == 0`); the constant `maxsize`; a counter
/// `unfinished_tasks` (puts not yet matched by a task_done); a flag `is_shutdown` that turns
/// true at most once and never back.
///
/// **Thread safety.** Every member may be called by any number of threads at once. Each call
/// takes effect at a single instant, as if the calls ran one at a time. Every wait re-checks its
/// condition in a loop (spurious and stolen wake-ups are harmless) and measures time on
/// `std::chrono::steady_clock` against one deadline fixed when the call starts. A timeout is a
/// `std::chrono::nanoseconds`; any `std::chrono::duration` that converts to it implicitly
/// (seconds, milliseconds, ...) is accepted.
///
/// **Memory ordering.** Everything a producer did before `put(x)` happens-before everything the
/// consumer does after the `get()` that returns x. Everything a consumer did before
/// `task_done()` happens-before everything a joiner does after a `join()` that returns.
///
/// **Items.** `T` need only be move-constructible: `Queue<std::unique_ptr<X>>` works, and `T`
/// need not be default-constructible. Items leave in the order of the successful puts.
///
/// Not copyable or movable.
/// @headerfile queue.hpp "queue.hpp"
template <class T>
class Queue {
  public:
    /// @brief Creates an empty, open queue.
    /// @param maxsize the most items it holds at once; 0 (the default) means unbounded.
    explicit Queue([[maybe_unused]] std::size_t maxsize = 0) {
        // YOUR CODE HERE: your lab 05 queue.hpp, then make it fast.
    }

    Queue(const Queue&) = delete;             ///< Not copyable.
    Queue& operator=(const Queue&) = delete;  ///< Not copyable.

    /// @brief Appends `item` at the back of `items`, waiting as long as needed for room.
    ///
    /// Checks, in this order: `is_shutdown` → throws `pclab::ShutDown`; bounded and full →
    /// waits until there is room (a shutdown during the wait throws `pclab::ShutDown` and the
    /// item is not enqueued). Then appends, adds 1 to `unfinished_tasks`, wakes one waiting
    /// getter.
    /// Guarantees: a put that throws leaves the queue exactly as it was.
    /// Thread-safe. Blocks (while full).
    void put([[maybe_unused]] T item) {
        // YOUR CODE HERE: your lab 05 queue.hpp, then make it fast.
        throw NotImplemented("Queue::put");
    }

    /// @brief Like put(T), but waits for room at most `timeout`.
    ///
    /// Checks, in this order: `is_shutdown` → `pclab::ShutDown`; `timeout < 0` →
    /// `std::invalid_argument`; bounded and full → with `timeout == 0` throws `pclab::Full` at
    /// once, otherwise waits until there is room or the deadline (call time + `timeout`) has
    /// passed, then throws `pclab::Full`.
    /// Thread-safe. Blocks for at most `timeout` (then throws).
    void put([[maybe_unused]] T item, [[maybe_unused]] std::chrono::nanoseconds timeout) {
        // YOUR CODE HERE: your lab 05 queue.hpp, then make it fast.
        throw NotImplemented("Queue::put");
    }

    /// @brief Like put(T), but never waits: throws `pclab::Full` if the queue is full now.
    ///
    /// Checks, in this order: `is_shutdown` → `pclab::ShutDown`; bounded and full →
    /// `pclab::Full`.
    /// Thread-safe. Never blocks (beyond taking the lock).
    void put_nowait([[maybe_unused]] T item) {
        // YOUR CODE HERE: your lab 05 queue.hpp, then make it fast.
        throw NotImplemented("Queue::put_nowait");
    }

    /// @brief Removes and returns the oldest item, waiting as long as needed for one.
    ///
    /// Checks, in this order: `is_shutdown` and empty → `pclab::ShutDown`; empty → waits until
    /// an item arrives (a shutdown during the wait throws `pclab::ShutDown` if the queue is still
    /// empty). Then removes the oldest item, wakes one waiting putter, returns the item.
    /// `unfinished_tasks` does not change.
    /// Thread-safe. Blocks (while empty).
    T get() {
        // YOUR CODE HERE: your lab 05 queue.hpp, then make it fast.
        throw NotImplemented("Queue::get");
    }

    /// @brief Like get(), but waits for an item at most `timeout`.
    ///
    /// Checks, in this order: `is_shutdown` and empty → `pclab::ShutDown`; `timeout < 0` →
    /// `std::invalid_argument` (even when an item is available); empty → with `timeout == 0`
    /// throws `pclab::Empty` at once, otherwise waits until an item arrives or the deadline
    /// (call time + `timeout`) has passed, then throws `pclab::Empty`.
    /// Thread-safe. Blocks for at most `timeout` (then throws).
    T get([[maybe_unused]] std::chrono::nanoseconds timeout) {
        // YOUR CODE HERE: your lab 05 queue.hpp, then make it fast.
        throw NotImplemented("Queue::get");
    }

    /// @brief Like get(), but never waits: throws `pclab::Empty` if the queue is empty now.
    ///
    /// Checks, in this order: `is_shutdown` and empty → `pclab::ShutDown`; empty →
    /// `pclab::Empty`.
    /// Thread-safe. Never blocks (beyond taking the lock).
    T get_nowait() {
        // YOUR CODE HERE: your lab 05 queue.hpp, then make it fast.
        throw NotImplemented("Queue::get_nowait");
    }

    /// @brief Marks one earlier put as fully processed: `unfinished_tasks -= 1` (lab 04).
    ///
    /// It counts puts, not gets: put then task_done without a get is legal.
    /// Requires: `unfinished_tasks > 0`; otherwise throws
    /// `std::logic_error("task_done() called too many times")` and changes nothing.
    /// Guarantees: when the count reaches 0, every thread blocked in join() wakes. Works the same
    /// after shutdown.
    /// Thread-safe. Never blocks (beyond taking the lock).
    void task_done() {
        // YOUR CODE HERE: your lab 05 queue.hpp, then make it fast.
        throw NotImplemented("Queue::task_done");
    }

    /// @brief Blocks until `unfinished_tasks == 0` (lab 04).
    ///
    /// Returns at once when it is already 0. Any number of threads may join at once; all return
    /// once the count reaches 0. Never throws; has no timeout. An item taken by get() but not yet
    /// task_done() keeps every joiner blocked: join waits for the last task_done(), not for the
    /// queue to be empty. A soft shutdown does not release joiners.
    /// Memory ordering: everything a consumer did before task_done() happens-before everything
    /// the joiner does after join() returns.
    /// Thread-safe. Blocks.
    void join() {
        // YOUR CODE HERE: your lab 05 queue.hpp, then make it fast.
        throw NotImplemented("Queue::join");
    }

    /// @brief Sets `is_shutdown` for good and wakes every blocked putter and getter (lab 05).
    ///
    /// With `immediate == true` it also discards every queued item, lowering `unfinished_tasks`
    /// by one per discarded item (never below 0), and wakes the joiners. Any sequence of calls
    /// is allowed; a later immediate one drains.
    /// After it: every put throws `pclab::ShutDown`; getters drain the remaining items, then
    /// throw `pclab::ShutDown`.
    /// Thread-safe. Never blocks (beyond taking the lock).
    void shutdown([[maybe_unused]] bool immediate = false) {
        // YOUR CODE HERE: your lab 05 queue.hpp, then make it fast.
        throw NotImplemented("Queue::shutdown");
    }

    /// @brief Whether shutdown() has been called (lab 05).
    ///
    /// Thread-safe. Never blocks (beyond taking the lock).
    bool is_shutdown() const {
        // YOUR CODE HERE: your lab 05 queue.hpp, then make it fast.
        throw NotImplemented("Queue::is_shutdown");
    }

    /// @brief `size(items)` at one instant between call and return (may be stale at once).
    ///
    /// Thread-safe. Never blocks (beyond taking the lock).
    std::size_t qsize() const {
        // YOUR CODE HERE: your lab 05 queue.hpp, then make it fast.
        throw NotImplemented("Queue::qsize");
    }

    /// @brief `qsize() == 0`, taken at one instant.
    ///
    /// Thread-safe. Never blocks (beyond taking the lock).
    bool empty() const {
        // YOUR CODE HERE: your lab 05 queue.hpp, then make it fast.
        throw NotImplemented("Queue::empty");
    }

    /// @brief `maxsize > 0 && qsize() >= maxsize`, taken at one instant. An unbounded queue is
    ///        never full.
    ///
    /// Thread-safe. Never blocks (beyond taking the lock).
    bool full() const {
        // YOUR CODE HERE: your lab 05 queue.hpp, then make it fast.
        throw NotImplemented("Queue::full");
    }

    /// @brief The constructor's argument (0: unbounded).
    ///
    /// Thread-safe. Never blocks.
    std::size_t maxsize() const {
        // YOUR CODE HERE: your lab 05 queue.hpp, then make it fast.
        throw NotImplemented("Queue::maxsize");
    }

    /// @brief The current `unfinished_tasks` (lab 04).
    ///
    /// Thread-safe. Never blocks (beyond taking the lock).
    std::size_t unfinished_tasks() const {
        // YOUR CODE HERE: your lab 05 queue.hpp, then make it fast.
        throw NotImplemented("Queue::unfinished_tasks");
    }

  private:
    // YOUR CODE HERE: your lab 05 queue's data members, plus whatever makes it fast: counts of
    // the threads asleep on each condition variable, hints that a spinning thread can watch.
};

}  // namespace pclab
