/// @file
/// @brief `BoostSyncBoundedQueue<T>`: Boost.Thread's `boost::concurrent::sync_bounded_queue`
///        (Debian packages libboost-thread-dev, Boost 1.74) as a `BlockingQueue`.
///
/// A textbook monitor like the kit's reference — one boost::mutex, two boost::condition_variable
/// — over a ring buffer, that notifies only when it counted a waiter. Its header is
/// `<boost/thread/concurrent_queues/sync_bounded_queue.hpp>`; Boost 1.74 needs no configuration
/// macro for it (`BOOST_THREAD_VERSION` may stay at its default of 2: `push_back` and
/// `pull_front` exist in every version), and it links against libboost_thread.
/// `sync_bounded_queue(n)` holds exactly n items (its ring has n + 1 slots, one always empty).
#pragma once

#include <boost/thread/concurrent_queues/sync_bounded_queue.hpp>

#include <cstddef>
#include <utility>

#include "adapters/blocking_queue.hpp"

namespace pclab_bench {

/// @brief boost::concurrent::sync_bounded_queue<T> of exactly `capacity` items.
/// Requires: T default-constructible (the ring is an array of T). Thread-safe.
template <class T>
class BoostSyncBoundedQueue {
  public:
    using value_type = T;

    /// @brief An empty queue that holds exactly `capacity` items (>= 1).
    explicit BoostSyncBoundedQueue(std::size_t capacity) : queue_(capacity) {}

    void put(T item) { queue_.push_back(std::move(item)); }  ///< Blocks while full.
    T get() { return queue_.pull_front(); }                  ///< Blocks while empty.

  private:
    boost::concurrent::sync_bounded_queue<T> queue_;
};

}  // namespace pclab_bench
