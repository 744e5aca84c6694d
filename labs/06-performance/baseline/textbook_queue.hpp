/// @file
/// @ingroup lab_contracts
/// @brief pclab::baseline::TextbookQueue: the bounded queue as lab 03 taught it — one mutex,
///        two condition variables, one notify per put and per get — the yardstick lab 06's
///        performance check measures your queue against. Read-only: not a student file.
///
/// This is the design you wrote in lab 03, cut down to the two calls the measurement makes
/// (blocking put and get): every put and every get takes the one lock, waits on a condition
/// variable while it cannot proceed, and notifies the other side once. Nothing here is new to
/// you (lab 04's unsafe variants ship the same put and get). It is correct and simple, and on a
/// machine with a free core it is slow for one reason the lab 06 handout explains: nearly every
/// item puts a thread to sleep and wakes it again, and a wake-up on another core costs tens of
/// microseconds, far more than moving the item.
///
/// Why it lives in the lab and not in the solutions: the performance check compares against it
/// in the same process, so the student release (which ships no solutions) must carry it. Why it
/// uses the `pclab::` names: compiled in the same test program as your queue, it runs on the
/// same synchronisation layer, so the comparison is between designs, not between libraries.
#pragma once

#include <cstddef>
#include <deque>
#include <mutex>
#include <utility>

#include "pclab/sync.hpp"

namespace pclab::baseline {

/// @brief A bounded FIFO queue with blocking put() and get() only: the textbook design.
///
/// Abstract state: a FIFO sequence of at most `maxsize` items (unbounded when 0).
/// Thread-safe: any number of producers and consumers. Not copyable or movable.
/// @tparam T the item type; move-constructible.
template <class T>
class TextbookQueue {
  public:
    /// @brief Creates an empty queue.
    /// @param maxsize the most items it holds at once; 0 means unbounded.
    explicit TextbookQueue(std::size_t maxsize) : maxsize_(maxsize) {}

    TextbookQueue(const TextbookQueue&) = delete;             ///< Not copyable.
    TextbookQueue& operator=(const TextbookQueue&) = delete;  ///< Not copyable.

    /// @brief Appends `item`, waiting while the queue is full; then wakes one getter.
    ///
    /// Thread-safe. Blocks (while full).
    /// @param item the item to append.
    void put(T item) {
        std::unique_lock<pclab::mutex> lock(mutex_);
        not_full_.wait(lock, [this] { return maxsize_ == 0 || items_.size() < maxsize_; });
        items_.push_back(std::move(item));
        not_empty_.notify_one();
    }

    /// @brief Removes and returns the oldest item, waiting while the queue is empty; then wakes
    ///        one putter.
    ///
    /// Thread-safe. Blocks (while empty).
    T get() {
        std::unique_lock<pclab::mutex> lock(mutex_);
        not_empty_.wait(lock, [this] { return !items_.empty(); });
        T item = std::move(items_.front());
        items_.pop_front();
        not_full_.notify_one();
        return item;
    }

  private:
    const std::size_t maxsize_;
    pclab::mutex mutex_;                   // guards items_
    std::deque<T> items_;                  // front: oldest
    pclab::condition_variable not_empty_;  // getters wait here for an item
    pclab::condition_variable not_full_;   // putters wait here for room
};

}  // namespace pclab::baseline
