/// @file
/// @brief pclab::BoundedBuffer with `if` where it needs `while` (lab 02, unsafe variant
/// `if_instead_of_while`).
///
/// What changed from the reference solution: the two condition waits sit under `if` instead of
/// `while`. Nothing else differs; every access is still under the mutex.
///
/// How it must fail: a wait returns without the condition holding in two legal ways. A
/// *spurious* wake-up (the standard allows one at any time), or a *stolen* one: a producer puts
/// an item and notifies consumer A, but consumer B takes the mutex before A wakes and takes the
/// item; A then goes on with an empty buffer. With `if`, the woken get() takes from an empty
/// slot (the item an earlier get() already returned: a duplicate; count_ wraps below 0) and the
/// woken put() writes into a full one (overwriting an item nobody took: a lost item; count_
/// climbs above capacity). Not a data race: ThreadSanitizer stays silent.
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

/// @brief UNSAFE: the reference BoundedBuffer with `if` around its condition waits. Do not copy
/// this.
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
        std::unique_lock<pclab::mutex> lock(mutex_);
        if (count_ == capacity_) {  // DEFECT: `if`: assumes a wake-up means "not full"
            not_full_.wait(lock);
        }
        // Here: we hold mutex_, and count_ < capacity_ only if nobody else filled the slot
        // between the notify and our wake-up (or the wake-up was a real one at all).
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
        if (count_ == 0) {  // DEFECT: `if`: assumes a wake-up means "not empty"
            not_empty_.wait(lock);
        }
        // Here: we hold mutex_, and count_ > 0 only if no other consumer took the item between
        // the notify and our wake-up (or the wake-up was a real one at all).
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
