/// @file
/// @ingroup lab_contracts
/// @brief pclab::BoundedBuffer, a fixed-capacity FIFO for any number of producers and
///        consumers (lab 02, your file).
///
/// Lab 02 (the bounded buffer): implement this class. Everything you need is in the contract
/// below; the handout (README.md) explains the lab, shows the broken variants and says how it is
/// graded.
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

/// @brief A FIFO buffer of at most `capacity` items shared by any number of producers and
///        consumers: put() waits while it is full, get() waits while it is empty.
///
/// **Abstract state.** A FIFO sequence `items` of T, empty at construction, with
/// `0 <= size(items) <= capacity`; `capacity >= 1` is fixed at construction.
///
/// **Thread safety.** put() and get() may be called by any number of threads at once. Each call
/// takes effect at a single instant between its start and its return, as if the calls ran one at
/// a time: every item put is got exactly once (a consumer never takes an item twice, a producer
/// never overwrites an item not yet taken), items come out in the order their puts took effect,
/// and `items` never holds more than `capacity` items.
///
/// **Memory ordering.** Everything a producer did before `put(x)` happens-before everything the
/// consumer does after the `get()` that returns x.
///
/// Use `pclab::mutex`, `pclab::condition_variable` or `pclab::counting_semaphore` from
/// `pclab/sync.hpp`, never the `std::` types directly: the tests swap in versions that shake the
/// schedule (see the handout).
///
/// Not copyable or movable. Thread-safe. put() and get() block.
/// @tparam T the item type; it must be move-constructible (move-only types such as
///           `std::unique_ptr` are fine; no default constructor is needed).
/// @headerfile bounded_buffer.hpp "bounded_buffer.hpp"
template <class T>
class BoundedBuffer {
  public:
    /// @brief Creates an empty buffer that holds at most `capacity` items.
    ///
    /// Requires: `capacity >= 1`; otherwise throws
    /// `std::invalid_argument("BoundedBuffer: capacity must be at least 1")`.
    /// @param capacity the most items the buffer holds at once.
    explicit BoundedBuffer([[maybe_unused]] std::size_t capacity) {
        // YOUR CODE HERE: reject capacity 0 as the contract says; set up an empty buffer.
        throw NotImplemented("BoundedBuffer::BoundedBuffer");
    }

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
    void put([[maybe_unused]] T item) {
        // YOUR CODE HERE: put blocks while full, then adds item at the back.
        throw NotImplemented("BoundedBuffer::put");
    }

    /// @brief Removes and returns the front of `items`, first waiting while `items` is empty.
    ///
    /// Requires: nothing; any thread may call it at any time.
    /// Guarantees: returns the oldest item in `items` and removes it, so no other get() returns
    /// it. If moving the item out throws, `items` is unchanged.
    /// Thread-safe. Blocks (while the buffer is empty; sleeping, not spinning).
    /// @return the item, moved out of the buffer.
    T get() {
        // YOUR CODE HERE: get blocks while empty, then removes and returns the front item.
        throw NotImplemented("BoundedBuffer::get");
    }

    /// @brief Returns `capacity`.
    ///
    /// Thread-safe. Never blocks.
    std::size_t capacity() const {
        // YOUR CODE HERE: return the capacity given to the constructor.
        throw NotImplemented("BoundedBuffer::capacity");
    }

  private:
    // YOUR CODE HERE: the data members: where the items live, and what keeps every access to
    // them safe and lets put() and get() sleep until they can go on.
};

}  // namespace pclab
