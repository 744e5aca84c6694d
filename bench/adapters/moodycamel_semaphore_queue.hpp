/// @file
/// @brief `MoodycamelSemaphoreQueue<T>`: moodycamel's lock-free `BlockingConcurrentQueue`
///        (Debian package libconcurrentqueue-dev), bounded by a semaphore of free slots.
///
/// The queue itself is unbounded (an enqueue allocates when it must) and only its consumers
/// block (`wait_dequeue`). The bound is the classic one: a counting semaphore of free slots,
/// acquired before every enqueue and released after every dequeue, so at most `capacity` items
/// are in the queue. The semaphore is moodycamel's own `LightweightSemaphore` (the one the
/// blocking queue uses for its consumers: spins briefly, then sleeps on a POSIX semaphore), so
/// the bound costs what the library's own blocking costs.
///
/// Items of one producer leave in order; items of different producers may overtake each other
/// (one sub-queue per producer).
#pragma once

#include <concurrentqueue/blockingconcurrentqueue.h>
#include <concurrentqueue/lightweightsemaphore.h>

#include <cstddef>
#include <new>
#include <utility>

#include "adapters/blocking_queue.hpp"

namespace pclab_bench {

/// @brief moodycamel::BlockingConcurrentQueue<T> holding at most `capacity` items.
/// Requires: T default-constructible. Thread-safe.
template <class T>
class MoodycamelSemaphoreQueue {
  public:
    using value_type = T;

    /// @brief An empty queue that holds at most `capacity` items.
    explicit MoodycamelSemaphoreQueue(std::size_t capacity)
        : free_slots_(static_cast<moodycamel::LightweightSemaphore::ssize_t>(capacity)) {}

    /// @brief Waits for a free slot, then enqueues. Throws std::bad_alloc (slot returned) if
    ///        the queue could not allocate.
    void put(T item) {
        free_slots_.wait();
        if (!items_.enqueue(std::move(item))) {
            free_slots_.signal();
            throw std::bad_alloc();
        }
    }

    /// @brief Waits for an item, dequeues it, frees its slot.
    T get() {
        T item{};
        items_.wait_dequeue(item);
        free_slots_.signal();
        return item;
    }

  private:
    moodycamel::BlockingConcurrentQueue<T> items_;
    moodycamel::LightweightSemaphore free_slots_;  // capacity - items in the queue, >= 0
};

}  // namespace pclab_bench
