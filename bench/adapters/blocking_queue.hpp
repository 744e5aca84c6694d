/// @file
/// @brief The one small interface every queue of the benchmark presents: `BlockingQueue` (put
///        and get, both blocking) and `JoinableQueue` (plus task_done and join).
///
/// Each adapter header under bench/adapters/ wraps one implementation family in this interface,
/// so the workload (`transfer.hpp`) is written once and runs the same way over every queue.
///
/// Why the namespace is `pclab_bench` and not `pclab::bench`: the benchmark compiles each queue
/// written to the kit's `pclab::Queue` contract in a translation unit of its own, with the name
/// `pclab` renamed by the preprocessor (bench/CMakeLists.txt says why); code shared by all those
/// units must keep one name in all of them.
#pragma once

#include <concepts>
#include <cstddef>
#include <utility>

namespace pclab_bench {

/// @brief A bounded queue between threads whose put and get block.
///
/// What the caller must do: construct it with a capacity >= 1; call `put` and `get` from any
/// number of threads.
/// What an implementation guarantees:
/// - `Q(std::size_t capacity)`: an empty queue holding at most `capacity` items (an adapter may
///   hold fewer when its library cannot hold exactly `capacity`; its header says so).
/// - `put(item)`: waits while the queue is full, then adds the item.
/// - `get()`: waits while the queue is empty, then removes an item and returns it.
/// - Every item put is returned by exactly one get; what a producer did before `put(x)`
///   happens-before what the consumer does after the `get()` that returns x. Items of one
///   producer leave in the order they went in; items of different producers need not (a
///   multi-producer queue such as moodycamel's keeps one sub-queue per producer).
template <class Q>
concept BlockingQueue = std::constructible_from<Q, std::size_t> &&
    requires(Q& queue, typename Q::value_type item) {
    queue.put(std::move(item));
    { queue.get() } -> std::same_as<typename Q::value_type>;
};

/// @brief A `BlockingQueue` with Python's task accounting.
///
/// - `task_done()`: one earlier put is fully processed (unfinished tasks -= 1).
/// - `join()`: waits until every put has been matched by a task_done. Everything the consumers
///   did before their task_done() calls happens-before join() returns.
template <class Q>
concept JoinableQueue = BlockingQueue<Q> && requires(Q& queue) {
    queue.task_done();
    queue.join();
};

}  // namespace pclab_bench
