/// @file
/// @brief pclab::BoundedBuffer without any synchronisation (lab 02, unsafe variant
/// `no_synchronisation`).
///
/// What changed from the reference solution: the mutex and both condition variables are gone.
/// put() and get() read and write the ring and its counters directly, and "wait" by spinning
/// with `pclab::this_thread::yield()` until the counter they read says they may go on.
///
/// How it must fail: every access to slots_, next_in_, next_out_ and count_ is a data race
/// (ThreadSanitizer reports the first overlap). Without TSan the race shows as the seed
/// activity says it must not: two consumers read the same next_out_ and take the same item (a
/// duplicate), two producers write the same slot (the first item is overwritten: lost), and
/// `++count_`/`--count_` from two threads lose updates, so the counter stops matching the ring.
/// The spinning also burns a whole core while "blocked".
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

/// @brief UNSAFE: the reference BoundedBuffer with its mutex and condition variables removed. Do
/// not copy this.
///
/// It keeps the reference's interface so the same tests run against it; it breaks the
/// reference's thread-safety contract (see the file comment for how).
/// @tparam T the item type.
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
        while (count_ == capacity_) {  // DEFECT: reads count_ with no lock (and spins)
            pclab::this_thread::yield();
        }
        // Here: count_ < capacity_ was true at some moment; anything may have changed since.
        slots_[next_in_].emplace(std::move(item));
        next_in_ = (next_in_ + 1) % capacity_;
        ++count_;  // DEFECT: a read-modify-write racing with other threads' ++ and --
    }

    /// @brief Removes and returns the front of `items`, first waiting while `items` is empty.
    ///
    /// Requires: nothing; any thread may call it at any time.
    /// Guarantees: returns the oldest item in `items` and removes it, so no other get() returns
    /// it. If moving the item out throws, `items` is unchanged.
    /// Thread-safe. Blocks (while the buffer is empty; sleeping, not spinning).
    /// @return the item, moved out of the buffer.
    T get() {
        while (count_ == 0) {  // DEFECT: reads count_ with no lock (and spins)
            pclab::this_thread::yield();
        }
        // Here: count_ > 0 was true at some moment; anything may have changed since.
        T item = std::move(*slots_[next_out_]);
        slots_[next_out_].reset();
        next_out_ = (next_out_ + 1) % capacity_;
        --count_;  // DEFECT: a read-modify-write racing with other threads' ++ and --
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
    // A ring: items occupy count_ slots starting at next_out_; next_in_ is the first free slot.
    std::vector<std::optional<T>> slots_;  // guarded by nothing: the defect
    std::size_t next_in_ = 0;              // guarded by nothing
    std::size_t next_out_ = 0;             // guarded by nothing
    std::size_t count_ = 0;                // guarded by nothing
};

}  // namespace pclab
