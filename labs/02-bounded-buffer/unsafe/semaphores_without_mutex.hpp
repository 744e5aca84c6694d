/// @file
/// @brief pclab::BoundedBuffer on counting semaphores, without the mutex (lab 02, unsafe
///        variant `semaphores_without_mutex`).
///
/// This variant is built on ThreadMentor's classic design rather than on the reference's
/// condition variables: a semaphore `empty_slots_` counts free slots (starts at capacity), a
/// semaphore `full_slots_` counts items (starts at 0), put() acquires a free slot and releases
/// an item, get() acquires an item and releases a free slot. The correct version also takes one
/// mutex around the slot access and the index update in put() and in get():
///
/// @code
/// void put(T item) {
///     empty_slots_.acquire();
///     {
///         const std::lock_guard<pclab::mutex> lock(mutex_);
///         slots_[next_in_].emplace(std::move(item));
///         next_in_ = (next_in_ + 1) % capacity_;
///     }
///     full_slots_.release();
/// }
/// @endcode
///
/// What changed from that correct version: the mutex and both lock_guards are gone. Nothing
/// else differs.
///
/// How it must fail: the semaphores count correctly, so no put() ever finds the buffer full
/// and no get() finds it empty *as a whole*; but they admit several producers (or consumers) at
/// once, and nothing keeps those apart. Two consumers both read next_out_ before either
/// advances it and take the same slot (a duplicate, and one item never taken: lost); two
/// producers write the same slot (the first item is overwritten: lost). Every such overlap is
/// a data race on next_in_/next_out_ and the slot, which ThreadSanitizer reports. With one
/// producer and one consumer it happens to work: each index then has a single writer, and
/// the semaphores order each slot's put before its get.
#pragma once

#include <cstddef>
#include <optional>
#include <stdexcept>
#include <utility>
#include <vector>

#include "pclab/errors.hpp"
#include "pclab/sync.hpp"

namespace pclab {

/// @brief UNSAFE: a semaphore-based BoundedBuffer without mutual exclusion. Do not copy this.
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
        : capacity_(require_positive(capacity)),
          empty_slots_(static_cast<std::ptrdiff_t>(capacity)),
          slots_(capacity) {}

    BoundedBuffer(const BoundedBuffer&) = delete;             ///< Not copyable.
    BoundedBuffer& operator=(const BoundedBuffer&) = delete;  ///< Not copyable.

    /// @brief Appends `item`, first waiting for a free slot. Not safe for two producers at once
    ///        (the defect).
    /// @param item the item, moved into the buffer.
    void put(T item) {
        empty_slots_.acquire();
        // Here: a slot is free, but another producer may be writing "the" free slot right now.
        slots_[next_in_].emplace(std::move(item));  // DEFECT: no mutex
        next_in_ = (next_in_ + 1) % capacity_;      // DEFECT: racing read-modify-write
        full_slots_.release();
    }

    /// @brief Removes and returns the oldest item, first waiting for one. Not safe for two
    ///        consumers at once (the defect).
    /// @return the item, moved out of the buffer.
    T get() {
        full_slots_.acquire();
        // Here: an item is waiting, but another consumer may be taking "the" item right now.
        T item = std::move(*slots_[next_out_]);  // DEFECT: no mutex
        slots_[next_out_].reset();
        next_out_ = (next_out_ + 1) % capacity_;  // DEFECT: racing read-modify-write
        empty_slots_.release();
        return item;
    }

    /// @brief Returns `capacity`.
    ///
    /// Thread-safe. Never blocks.
    std::size_t capacity() const { return capacity_; }

  private:
    static std::size_t require_positive(std::size_t capacity) {
        if (capacity == 0) {
            throw std::invalid_argument("BoundedBuffer: capacity must be at least 1");
        }
        return capacity;
    }

    const std::size_t capacity_;
    pclab::counting_semaphore<> empty_slots_;    // free slots; starts at capacity_
    pclab::counting_semaphore<> full_slots_{0};  // items; starts at 0
    std::vector<std::optional<T>> slots_;        // guarded by nothing: the defect
    std::size_t next_in_ = 0;                    // guarded by nothing
    std::size_t next_out_ = 0;                   // guarded by nothing
};

}  // namespace pclab
