/// @file
/// @brief pclab::ResultList (lab 01), alternative design "semaphores": a pclab::binary_semaphore
///        with count 1 used as the lock around a std::vector.
///
/// Why it is correct: the semaphore starts at 1, and every member acquires it before touching
/// `values_` and releases it after, so at most one call is ever inside (the count is 0 exactly
/// while someone is). The calls are thereby ordered, and each takes effect at one instant
/// inside its turn. A release followed by the acquire that takes the same count is a
/// release/acquire pair, so everything done before an append's release happens-before the turn
/// of any later snapshot, which is the memory ordering the contract promises. A scope guard
/// releases the semaphore on every way out, including a push_back that throws std::bad_alloc
/// (which leaves the vector as it was). Unlike a mutex, a semaphore has no owner; the guard
/// makes sure the thread that acquired it is the one that releases it.
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

#include "pclab/errors.hpp"
#include "pclab/sync.hpp"

namespace pclab {

/// @brief A list of results that any number of threads append to at the same time.
///
/// **Abstract state.** A sequence `values` of 64-bit integers, empty at construction. append()
/// adds one value at the end; nothing ever removes or changes a value.
///
/// **Thread safety.** Every member may be called by any number of threads at once, in any mix.
/// Each call takes effect at a single instant between its start and its return, as if the calls
/// ran one at a time in some order: `values` always holds exactly the values of the appends that
/// have taken effect, once each, in the order they took effect.
///
/// **Memory ordering.** Everything a thread did before `append(v)` happens-before everything a
/// thread does after a `snapshot()` that contains `v` returns.
///
/// Not copyable or movable. Thread-safe. Never blocks for long.
class ResultList {
  public:
    /// @brief Creates an empty list.
    ResultList() = default;

    ResultList(const ResultList&) = delete;             ///< Not copyable.
    ResultList& operator=(const ResultList&) = delete;  ///< Not copyable.

    /// @brief Appends `value` at the end of `values`.
    ///
    /// Requires: nothing; any thread may call it at any time.
    /// Guarantees: `value` is in every snapshot taken after this call returns, exactly once for
    /// this call; size() grows by exactly one. Throws only `std::bad_alloc`, and then `values` is
    /// unchanged.
    /// Thread-safe. Never blocks for long.
    void append(std::int64_t value) {
        const Turn turn(gate_);
        values_.push_back(value);
    }

    /// @brief Returns a copy of `values`, in order.
    ///
    /// Guarantees: the copy is `values` at one instant: for each thread, a prefix of its appends,
    /// in the order it made them. Later appends do not change the copy, and changing the copy does
    /// not change the list.
    /// Thread-safe. Never blocks for long (it copies while no append runs).
    std::vector<std::int64_t> snapshot() const {
        const Turn turn(gate_);
        std::vector<std::int64_t> copy(values_);  // made inside the turn, before the release
        return copy;
    }

    /// @brief Returns the number of values in `values`.
    ///
    /// Guarantees: the size at one instant between call and return; a later call on any thread
    /// that starts after this one returned never returns less.
    /// Thread-safe. Never blocks for long.
    std::size_t size() const {
        // Inside a turn as well: reading the vector's size while push_back writes it would be a
        // data race, and the acquire orders this read after every append already released.
        const Turn turn(gate_);
        return values_.size();
    }

  private:
    // One thread's turn at the list: takes the semaphore's single count on entry and gives it
    // back on every exit, exceptions included.
    class Turn {
      public:
        explicit Turn(pclab::binary_semaphore& gate) : gate_(gate) { gate_.acquire(); }
        ~Turn() { gate_.release(); }
        Turn(const Turn&) = delete;
        Turn& operator=(const Turn&) = delete;

      private:
        pclab::binary_semaphore& gate_;
    };

    mutable pclab::binary_semaphore gate_{1};  // 1: the list is free; 0: a call is inside
    std::vector<std::int64_t> values_;         // only touched during a Turn
};

}  // namespace pclab
