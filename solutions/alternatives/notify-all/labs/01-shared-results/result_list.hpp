/// @file
/// @brief pclab::ResultList (lab 01), alternative design "notify-all": one pclab::mutex over a
///        std::deque of values.
///
/// Why it is correct: every member touches `values_` only while holding `mutex_`, so the calls
/// are totally ordered by the mutex and each takes effect at one instant inside its critical
/// section; a snapshot is copied before the lock is let go, so it is `values` at that instant.
/// The mutex's unlock/lock pairs give the happens-before the contract promises from an append
/// to every later snapshot that contains its value.
///
/// Why a deque and not a vector: push_back at the end of a deque never moves the elements
/// already stored (no reallocation of the whole sequence), and it offers the strong guarantee,
/// so an append that throws std::bad_alloc leaves the list as it was. Nothing in this lab ever
/// waits for a state, so the design's "one condition variable, notify_all" rule has nothing to
/// do here: a plain lock is the whole story.
#pragma once

#include <cstddef>
#include <cstdint>
#include <deque>
#include <mutex>
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
        const std::scoped_lock held(mutex_);
        values_.push_back(value);  // strong guarantee: on bad_alloc the deque is unchanged
    }

    /// @brief Returns a copy of `values`, in order.
    ///
    /// Guarantees: the copy is `values` at one instant: for each thread, a prefix of its appends,
    /// in the order it made them. Later appends do not change the copy, and changing the copy does
    /// not change the list.
    /// Thread-safe. Never blocks for long (it copies while no append runs).
    std::vector<std::int64_t> snapshot() const {
        const std::scoped_lock held(mutex_);
        // The instant of the snapshot is this whole critical section: no append can interleave.
        return std::vector<std::int64_t>(values_.begin(), values_.end());
    }

    /// @brief Returns the number of values in `values`.
    ///
    /// Guarantees: the size at one instant between call and return; a later call on any thread
    /// that starts after this one returned never returns less.
    /// Thread-safe. Never blocks for long.
    std::size_t size() const {
        // Locked too: an unlocked read of the deque's bookkeeping while push_back updates it is
        // a data race; the lock also orders this read after every append that finished before.
        const std::scoped_lock held(mutex_);
        return values_.size();
    }

  private:
    mutable pclab::mutex mutex_;       // mutable: the const readers take it as well
    std::deque<std::int64_t> values_;  // only touched while mutex_ is held
};

}  // namespace pclab
