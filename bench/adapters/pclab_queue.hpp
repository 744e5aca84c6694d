/// @file
/// @brief `PclabContractQueue<Queue>`: a queue written to the kit's `pclab::Queue<T>` contract
///        (labs 03–05: the kit's reference, lab 06's, a student's) as a `JoinableQueue`.
///
/// Such a queue already has blocking put and get and its own task_done and join, so the adapter
/// only fixes the capacity: the contract's `maxsize == 0` means unbounded, which a bounded-queue
/// benchmark must never ask for.
#pragma once

#include <cstddef>
#include <stdexcept>
#include <type_traits>
#include <utility>

#include "adapters/blocking_queue.hpp"

namespace pclab_bench {

/// @brief `Queue` (a `pclab::Queue<T>`-contract class) behind the benchmark's interface.
///
/// Requires: capacity >= 1 (throws std::invalid_argument otherwise). Everything else is the
/// contract's: put/get block, task_done/join are the queue's own. Not copyable or movable.
template <class Queue>
class PclabContractQueue {
  public:
    using value_type = std::remove_cvref_t<decltype(std::declval<Queue&>().get())>;

    /// @brief An empty queue of `maxsize == capacity`.
    explicit PclabContractQueue(std::size_t capacity) : queue_(bounded(capacity)) {}
    PclabContractQueue(const PclabContractQueue&) = delete;
    PclabContractQueue& operator=(const PclabContractQueue&) = delete;

    void put(value_type item) { queue_.put(std::move(item)); }  ///< Blocks while full.
    value_type get() { return queue_.get(); }                   ///< Blocks while empty.
    void task_done() { queue_.task_done(); }                    ///< The queue's own.
    void join() { queue_.join(); }                              ///< The queue's own.

  private:
    static std::size_t bounded(std::size_t capacity) {
        if (capacity == 0) {
            throw std::invalid_argument("a benchmarked queue must be bounded (capacity >= 1)");
        }
        return capacity;
    }

    Queue queue_;
};

}  // namespace pclab_bench
