/// @file
/// @brief pclab::BoundedBuffer that checks and acts in two critical sections (lab 02, unsafe
/// variant `check_then_act`).
///
/// What changed from the reference solution: put() and get() wait for their condition in one
/// critical section, release the mutex, and take it again to put or take the item. Each
/// critical section on its own is correct; nothing is ever touched without the lock.
///
/// How it must fail: between the two critical sections the condition can stop holding. Two
/// consumers both see one item, both leave the first section, and both take "the" item: the
/// second takes from an empty slot (a duplicate; count_ wraps below 0). Two producers both see
/// one free slot and both put: the second overwrites an item nobody took (a lost item; the
/// buffer holds more than its capacity). Not a data race: ThreadSanitizer stays silent.
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

/// @brief UNSAFE: the reference BoundedBuffer with each check and its action in separate critical
/// sections. Do not copy this.
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
        {
            std::unique_lock<pclab::mutex> check(mutex_);
            while (count_ == capacity_) {
                not_full_.wait(check);
            }
        }  // DEFECT: the lock is released between the check and the act
        std::unique_lock<pclab::mutex> lock(mutex_);
        // Here: we hold mutex_, but count_ < capacity_ was true only a moment ago; another
        // producer may have filled the slot since.
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
        {
            std::unique_lock<pclab::mutex> check(mutex_);
            while (count_ == 0) {
                not_empty_.wait(check);
            }
        }  // DEFECT: the lock is released between the check and the act
        std::unique_lock<pclab::mutex> lock(mutex_);
        // Here: we hold mutex_, but count_ > 0 was true only a moment ago; another consumer may
        // have taken the item since.
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
