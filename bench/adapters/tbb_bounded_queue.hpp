/// @file
/// @brief `TbbBoundedQueue<T>`: oneTBB's `tbb::concurrent_bounded_queue` (Debian package
///        libtbb-dev) as a `BlockingQueue`.
///
/// `push` blocks while the queue holds `capacity` items (`set_capacity`), `pop` while it is
/// empty. Blocked threads spin for a while, then sleep in TBB's own monitor (a futex): fast while
/// every thread has a core, much slower once threads outnumber cores and a spinner keeps the one
/// that would make progress off its core.
#pragma once

#include <tbb/concurrent_queue.h>

#include <cstddef>
#include <utility>

#include "adapters/blocking_queue.hpp"

namespace pclab_bench {

/// @brief tbb::concurrent_bounded_queue<T> of exactly `capacity` items.
/// Requires: T default-constructible (pop writes into an existing object). Thread-safe.
template <class T>
class TbbBoundedQueue {
  public:
    using value_type = T;

    /// @brief An empty queue that holds exactly `capacity` items.
    explicit TbbBoundedQueue(std::size_t capacity) {
        queue_.set_capacity(
            static_cast<typename tbb::concurrent_bounded_queue<T>::size_type>(capacity));
    }

    void put(T item) { queue_.push(std::move(item)); }  ///< Blocks while full.

    /// @brief Blocks while empty.
    T get() {
        T item{};
        queue_.pop(item);
        return item;
    }

  private:
    tbb::concurrent_bounded_queue<T> queue_;
};

}  // namespace pclab_bench
