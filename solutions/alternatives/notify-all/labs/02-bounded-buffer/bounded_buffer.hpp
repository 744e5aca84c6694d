/// @file
/// @brief pclab::BoundedBuffer (lab 02), alternative design "notify-all": one mutex, ONE
///        condition variable shared by producers and consumers, notify_all on every change.
///
/// Why it is correct:
/// - Mutual exclusion: the deque of items is read and written only while `mutex_` is held, so
///   no two calls ever touch it at once (no slot is taken twice or overwritten).
/// - Condition synchronisation: each waiter re-checks its own condition in a `while` loop with
///   the mutex held and acts (push or pop) in the same critical section as the check that let
///   it go on, so a stolen or spurious wake-up only costs one more trip round the loop.
/// - No lost wake-up: producers and consumers sleep on the same condition variable, so a
///   notify_one could wake a thread of the wrong kind while the right one sleeps on. Every
///   change is therefore announced with notify_all: everyone who might now proceed wakes and
///   re-checks. Notifying while the mutex is still held keeps the condition variable alive
///   until the notify is over, even if a woken thread goes on to destroy the buffer.
/// The price is extra wake-ups (a put also wakes sleeping producers, which re-check and sleep
/// again); correctness does not depend on who is woken, only that nobody who could go on is
/// left asleep.
#pragma once

#include <cstddef>
#include <deque>
#include <mutex>
#include <stdexcept>
#include <utility>

#include "pclab/errors.hpp"
#include "pclab/sync.hpp"

namespace pclab {

/// @brief A FIFO buffer of at most `capacity` items shared by any number of producers and
///        consumers: put() waits while it is full, get() waits while it is empty.
///
/// **Abstract state.** A FIFO sequence `items` of T, empty at construction, with
/// `0 <= size(items) <= capacity`; `capacity >= 1` is fixed at construction.
///
/// **Thread safety.** put() and get() may be called by any number of threads at once. Each call
/// takes effect at a single instant between its start and its return, as if the calls ran one at
/// a time: every item put is got exactly once (a consumer never takes an item twice, a producer
/// never overwrites an item not yet taken), items come out in the order their puts took effect,
/// and `items` never holds more than `capacity` items.
///
/// **Memory ordering.** Everything a producer did before `put(x)` happens-before everything the
/// consumer does after the `get()` that returns x.
///
/// Not copyable or movable. Thread-safe. put() and get() block.
/// @tparam T the item type; it must be move-constructible (move-only types such as
///           `std::unique_ptr` are fine; no default constructor is needed).
template <class T>
class BoundedBuffer {
  public:
    /// @brief Creates an empty buffer that holds at most `capacity` items.
    ///
    /// Requires: `capacity >= 1`; otherwise throws
    /// `std::invalid_argument("BoundedBuffer: capacity must be at least 1")`.
    /// @param capacity the most items the buffer holds at once.
    explicit BoundedBuffer(std::size_t capacity) : capacity_(capacity) {
        if (capacity_ == 0) {
            throw std::invalid_argument("BoundedBuffer: capacity must be at least 1");
        }
    }

    BoundedBuffer(const BoundedBuffer&) = delete;             ///< Not copyable.
    BoundedBuffer& operator=(const BoundedBuffer&) = delete;  ///< Not copyable.

    /// @brief Appends `item` at the back of `items`, first waiting while `items` is full.
    ///
    /// Requires: nothing; any thread may call it at any time.
    /// Guarantees: when it returns, `item` is in `items` exactly once, behind every item whose
    /// put took effect earlier; no item already in `items` was replaced. If moving `item` into
    /// the buffer throws, `items` is unchanged.
    /// Thread-safe. Blocks (while the buffer is full; sleeping, not spinning).
    /// @param item the item, moved into the buffer.
    void put(T item) {
        std::unique_lock<pclab::mutex> held(mutex_);
        while (items_.size() >= capacity_) {
            changed_.wait(held);  // any wake-up is only a reason to look again
        }
        // Checked and acted on in one critical section: the room seen above is still there.
        items_.push_back(std::move(item));  // strong guarantee: a throw leaves items_ as it was
        changed_.notify_all();              // consumers (and anyone else) re-check
    }

    /// @brief Removes and returns the front of `items`, first waiting while `items` is empty.
    ///
    /// Requires: nothing; any thread may call it at any time.
    /// Guarantees: returns the oldest item in `items` and removes it, so no other get() returns
    /// it. If moving the item out throws, `items` is unchanged.
    /// Thread-safe. Blocks (while the buffer is empty; sleeping, not spinning).
    /// @return the item, moved out of the buffer.
    T get() {
        std::unique_lock<pclab::mutex> held(mutex_);
        while (items_.empty()) {
            changed_.wait(held);  // a wake-up may have been meant for, or stolen by, another
        }
        T oldest = std::move(items_.front());  // a throw here leaves the front in place
        items_.pop_front();
        changed_.notify_all();  // producers (and anyone else) re-check
        return oldest;
    }

    /// @brief Returns `capacity`.
    ///
    /// Thread-safe. Never blocks.
    std::size_t capacity() const {
        return capacity_;  // immutable after construction: no lock needed
    }

  private:
    const std::size_t capacity_;
    pclab::mutex mutex_;
    pclab::condition_variable changed_;  // "the buffer changed": producers and consumers alike
    std::deque<T> items_;                // front: oldest; only touched while mutex_ is held
};

}  // namespace pclab
