/// @file
/// @brief pclab::BoundedBuffer (lab 02), alternative design "semaphores": the classic bounded
///        buffer with two counting semaphores (free slots, filled slots) and, for the slot
///        indices, one binary semaphore per side (producers' turn, consumers' turn).
///
/// Why it is correct:
/// - Capacity and blocking: `free_slots_` starts at `capacity` and `filled_slots_` at 0. A put
///   acquires a free slot before writing and releases a filled one after; a get does the
///   reverse. So puts returned minus gets started never exceeds `capacity` (each put that
///   returned holds a free-slot count that only a get gives back), put sleeps while no slot is
///   free and get while none is filled, inside the semaphore's blocking acquire (no spinning).
/// - Mutual exclusion: the semaphores only say *how many* slots may be used, not *which*; two
///   producers admitted together would otherwise write the same slot (the lab's
///   semaphores_without_mutex variant). `producer_turn_` serialises producers over `next_in_`
///   and the slot it names, `consumer_turn_` consumers over `next_out_` and its slot. The two
///   sides may run at once because they never touch the same slot at the same time: a
///   consumer reaches slot i only after acquiring a filled-slot count, and the filled-slot
///   releases that came before that acquire (with the producers' turn chain) happen after
///   every producer write up to slot i; symmetrically a producer reaches a slot again only
///   after the consumer that emptied it has released its free-slot count. Semaphore
///   release/acquire pairs are release/acquire synchronisation, so these orders are also
///   happens-before (a put's item is visible to the get that returns it).
/// - FIFO: slots are filled in ring order under the producers' turn and emptied in the same
///   ring order under the consumers' turn.
/// - Exceptions: if moving an item in (or out) throws, the slot and index are untouched and the
///   slot count acquired for it is released again, so the buffer is as it was.
#pragma once

#include <cstddef>
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
/// Not copyable or movable. Thread-safe. put() and get() block.
/// @tparam T the item type; it must be move-constructible (move-only types such as
///           `std::unique_ptr` are fine; no default constructor is needed).
template <class T>
class BoundedBuffer {
  public:
    /// @brief Creates an empty buffer that holds at most `capacity` items.
    ///
    /// Requires: `capacity >= 1`; otherwise throws
    /// `std::invalid_argument("BoundedBuffer: capacity must be at least 1")`. A semaphore counts
    /// free slots, so a capacity beyond `pclab::counting_semaphore<>::max()` (2^31 - 1 with
    /// libstdc++) is refused too, with `std::invalid_argument`.
    /// @param capacity the most items the buffer holds at once.
    explicit BoundedBuffer(std::size_t capacity)
        : capacity_(checked(capacity)),
          slots_(capacity_),
          free_slots_(static_cast<std::ptrdiff_t>(capacity_)) {}

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
        free_slots_.acquire();  // a slot is now reserved for this put
        producer_turn_.acquire();
        try {
            slots_[next_in_].emplace(std::move(item));
        } catch (...) {
            producer_turn_.release();
            free_slots_.release();  // give the reservation back: nothing changed
            throw;
        }
        next_in_ = (next_in_ + 1) % capacity_;
        producer_turn_.release();
        filled_slots_.release();  // the item may be taken now
    }

    /// @brief Removes and returns the front of `items`, first waiting while `items` is empty.
    ///
    /// Requires: nothing; any thread may call it at any time.
    /// Guarantees: returns the oldest item in `items` and removes it, so no other get() returns
    /// it. If moving the item out throws, `items` is unchanged.
    /// Thread-safe. Blocks (while the buffer is empty; sleeping, not spinning).
    /// @return the item, moved out of the buffer.
    T get() {
        filled_slots_.acquire();  // an item is now reserved for this get
        consumer_turn_.acquire();
        std::optional<T>& slot = slots_[next_out_];
        T item = [&]() -> T {
            try {
                return std::move(*slot);
            } catch (...) {
                consumer_turn_.release();
                filled_slots_.release();  // give the reservation back: nothing changed
                throw;
            }
        }();
        slot.reset();
        next_out_ = (next_out_ + 1) % capacity_;
        consumer_turn_.release();
        free_slots_.release();  // the slot may be filled again now
        return item;
    }

    /// @brief Returns `capacity`.
    ///
    /// Thread-safe. Never blocks.
    std::size_t capacity() const {
        return capacity_;  // immutable after construction
    }

  private:
    static std::size_t checked(std::size_t capacity) {
        if (capacity == 0) {
            throw std::invalid_argument("BoundedBuffer: capacity must be at least 1");
        }
        if (capacity > static_cast<std::size_t>(pclab::counting_semaphore<>::max())) {
            throw std::invalid_argument("BoundedBuffer: capacity exceeds what a semaphore counts");
        }
        return capacity;
    }

    const std::size_t capacity_;
    std::vector<std::optional<T>> slots_;          // a ring of capacity_ slots; never resized
    std::size_t next_in_ = 0;                      // next slot to fill; only under producer_turn_
    std::size_t next_out_ = 0;                     // next slot to empty; only under consumer_turn_
    pclab::counting_semaphore<> free_slots_;       // slots neither filled nor reserved
    pclab::counting_semaphore<> filled_slots_{0};  // items neither taken nor reserved
    pclab::binary_semaphore producer_turn_{1};     // 1: no producer is at next_in_
    pclab::binary_semaphore consumer_turn_{1};     // 1: no consumer is at next_out_
};

}  // namespace pclab
