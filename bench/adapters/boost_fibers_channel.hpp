/// @file
/// @brief `BoostFibersChannel<T>`: Boost.Fiber's `boost::fibers::buffered_channel` (Debian
///        package libboost-fiber-dev, Boost 1.74) between ordinary threads.
///
/// A buffered_channel synchronises fibers, and fibers of different threads too: each thread
/// that touches it gets its own fiber scheduler, a blocked push or pop suspends the thread's
/// main fiber, and a wake-up from another thread goes through that scheduler (a spinlock, then a
/// condition variable when the thread has nothing else to run). So it works from plain
/// std::threads, which is how the benchmark uses it.
///
/// Capacity: `buffered_channel(n)` requires n to be a power of two >= 2 and holds n - 1 items
/// (its ring keeps one slot empty). The adapter never holds more than asked: it builds the
/// channel of the largest power of two <= capacity + 1, which holds exactly 1 item at capacity
/// 1, 15 at capacity 16 and 1023 at capacity 1024 (`held_items()` says how many).
#pragma once

#include <boost/fiber/buffered_channel.hpp>

#include <bit>
#include <cstddef>
#include <stdexcept>
#include <utility>

#include "adapters/blocking_queue.hpp"

namespace pclab_bench {

/// @brief boost::fibers::buffered_channel<T> holding at most `capacity` items (see the file
///        comment for exactly how many). Requires: T default-constructible. Thread-safe.
template <class T>
class BoostFibersChannel {
  public:
    using value_type = T;

    /// @brief The most items a channel built for `capacity` holds: between capacity/2 and
    ///        capacity, and exactly capacity when capacity + 1 is a power of two.
    static constexpr std::size_t held_items(std::size_t capacity) {
        return channel_size(capacity) - 1;
    }

    /// @brief An empty channel holding held_items(capacity) items. Requires: capacity >= 1.
    explicit BoostFibersChannel(std::size_t capacity) : channel_(channel_size(capacity)) {}

    /// @brief Blocks while full.
    void put(T item) {
        if (channel_.push(std::move(item)) != boost::fibers::channel_op_status::success) {
            throw std::logic_error("buffered_channel::push: the channel is closed");
        }
    }

    /// @brief Blocks while empty.
    T get() {
        T item{};
        if (channel_.pop(item) != boost::fibers::channel_op_status::success) {
            throw std::logic_error("buffered_channel::pop: the channel is closed");
        }
        return item;
    }

  private:
    static constexpr std::size_t channel_size(std::size_t capacity) {
        return capacity == 0 ? 0 : std::bit_floor(capacity + 1);  // 0 makes the channel throw
    }

    boost::fibers::buffered_channel<T> channel_;
};

}  // namespace pclab_bench
