/// @file
/// @brief pclab::BoundedBuffer, a fixed-capacity FIFO for any number of producers and
///        consumers (lab 02, reference solution).
///
/// One mutex guards a ring of `capacity` slots; two condition variables say "a slot is free"
/// and "an item is waiting". Every wait sits in a `while` loop that re-checks its condition with
/// the mutex held, and each check is followed by its action in the same critical section. The
/// unsafe variants in `labs/02-bounded-buffer/unsafe/` each undo one of these decisions.
#pragma once

#include <cstddef>
#include <mutex>
#include <optional>
#include <stdexcept>
#include <utility>
#include <vector>

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
    explicit BoundedBuffer(std::size_t capacity)
        : capacity_(require_positive(capacity)), slots_(capacity) {}

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
        std::unique_lock<pclab::mutex> lock(mutex_);
        while (count_ == capacity_) {  // `while`: a wake-up is a hint, not a promise
            not_full_.wait(lock);
        }
        // Here: we hold mutex_ and count_ < capacity_, so slot next_in_ is free.
        slots_[next_in_].emplace(std::move(item));
        next_in_ = (next_in_ + 1) % capacity_;
        ++count_;
        lock.unlock();
        // One item arrived, so at most one waiting consumer can use it: wake one.
        not_empty_.notify_one();
    }

    /// @brief Removes and returns the front of `items`, first waiting while `items` is empty.
    ///
    /// Requires: nothing; any thread may call it at any time.
    /// Guarantees: returns the oldest item in `items` and removes it, so no other get() returns
    /// it. If moving the item out throws, `items` is unchanged.
    /// Thread-safe. Blocks (while the buffer is empty; sleeping, not spinning).
    /// @return the item, moved out of the buffer.
    T get() {
        std::unique_lock<pclab::mutex> lock(mutex_);
        while (count_ == 0) {  // `while`: another consumer may have taken the item first
            not_empty_.wait(lock);
        }
        // Here: we hold mutex_ and count_ > 0, so slot next_out_ holds the oldest item.
        T item = std::move(*slots_[next_out_]);
        slots_[next_out_].reset();
        next_out_ = (next_out_ + 1) % capacity_;
        --count_;
        lock.unlock();
        // One slot came free, so at most one waiting producer can use it: wake one.
        not_full_.notify_one();
        return item;
    }

    /// @brief Returns `capacity`.
    ///
    /// Thread-safe. Never blocks.
    std::size_t capacity() const {
        return capacity_;  // set once in the constructor, so no lock is needed to read it
    }

  private:
    static std::size_t require_positive(std::size_t capacity) {
        if (capacity == 0) {
            throw std::invalid_argument("BoundedBuffer: capacity must be at least 1");
        }
        return capacity;
    }

    const std::size_t capacity_;
    pclab::mutex mutex_;
    pclab::condition_variable not_full_;   // signalled when a slot comes free
    pclab::condition_variable not_empty_;  // signalled when an item arrives
    // A ring: items occupy count_ slots starting at next_out_; next_in_ is the first free slot.
    std::vector<std::optional<T>> slots_;  // guarded by mutex_; size capacity_, never resized
    std::size_t next_in_ = 0;              // guarded by mutex_
    std::size_t next_out_ = 0;             // guarded by mutex_
    std::size_t count_ = 0;                // guarded by mutex_
};

}  // namespace pclab
