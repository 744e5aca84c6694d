/// @file
/// @brief `TextbookSemaphoreBuffer<T>`: the bounded buffer of the textbooks — a ring of
///        `capacity` slots, a semaphore of empty slots, a semaphore of full slots and one mutex
///        around the ring's indices.
///
/// A producer takes an empty slot (waiting while there is none), writes it under the mutex and
/// gives a full slot; a consumer does the mirror image. The semaphores do all the waiting; the
/// mutex is held only to move an index. The semaphores are POSIX `sem_t`
/// (`adapters/posix_semaphore.hpp` says why not `std::counting_semaphore`).
#pragma once

#include <cstddef>
#include <mutex>
#include <stdexcept>
#include <utility>
#include <vector>

#include "adapters/blocking_queue.hpp"
#include "adapters/posix_semaphore.hpp"

namespace pclab_bench {

/// @brief A ring of exactly `capacity` items guarded by two counting semaphores and a mutex.
/// Requires: T default-constructible and move-assignable. Thread-safe. Not copyable or movable.
template <class T>
class TextbookSemaphoreBuffer {
  public:
    using value_type = T;

    /// @brief An empty buffer of `capacity` slots. Throws std::invalid_argument for 0.
    explicit TextbookSemaphoreBuffer(std::size_t capacity)
        : slots_(at_least_one(capacity)), empty_slots_(capacity), full_slots_(0) {}
    TextbookSemaphoreBuffer(const TextbookSemaphoreBuffer&) = delete;
    TextbookSemaphoreBuffer& operator=(const TextbookSemaphoreBuffer&) = delete;

    /// @brief Blocks while every slot is full.
    void put(T item) {
        empty_slots_.acquire();
        {
            const std::lock_guard lock(mutex_);
            slots_[next_in_] = std::move(item);
            next_in_ = (next_in_ + 1) % slots_.size();
        }
        full_slots_.release();
    }

    /// @brief Blocks while every slot is empty.
    T get() {
        full_slots_.acquire();
        T item;
        {
            const std::lock_guard lock(mutex_);
            item = std::move(slots_[next_out_]);
            next_out_ = (next_out_ + 1) % slots_.size();
        }
        empty_slots_.release();
        return item;
    }

  private:
    static std::size_t at_least_one(std::size_t capacity) {
        if (capacity == 0) {
            throw std::invalid_argument("a semaphore buffer needs at least one slot");
        }
        return capacity;
    }

    std::vector<T> slots_;
    PosixSemaphore empty_slots_;  // slots a producer may fill
    PosixSemaphore full_slots_;   // slots a consumer may empty
    std::mutex mutex_;            // guards next_in_, next_out_ and the slots they point at
    std::size_t next_in_ = 0;
    std::size_t next_out_ = 0;
};

}  // namespace pclab_bench
