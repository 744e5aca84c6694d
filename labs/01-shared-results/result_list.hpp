/// @file
/// @ingroup lab_contracts
/// @brief pclab::ResultList, the list of results every consumer appends to (lab 01, your file).
///
/// Lab 01 (shared results): make this class safe for many threads at once. Everything you need
/// is in the contract below; the handout (README.md) explains the lab and how it is graded.
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
/// @headerfile result_list.hpp "result_list.hpp"
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
    void append([[maybe_unused]] std::int64_t value) {
        // YOUR CODE HERE: add value at the end of the list, safely while other threads call any
        // member.
        throw NotImplemented("ResultList::append");
    }

    /// @brief Returns a copy of `values`, in order.
    ///
    /// Guarantees: the copy is `values` at one instant: for each thread, a prefix of its appends,
    /// in the order it made them. Later appends do not change the copy, and changing the copy does
    /// not change the list.
    /// Thread-safe. Never blocks for long (it copies while no append runs).
    std::vector<std::int64_t> snapshot() const {
        // YOUR CODE HERE: return a copy of all values appended so far, taken at one instant.
        throw NotImplemented("ResultList::snapshot");
    }

    /// @brief Returns the number of values in `values`.
    ///
    /// Guarantees: the size at one instant between call and return; a later call on any thread
    /// that starts after this one returned never returns less.
    /// Thread-safe. Never blocks for long.
    std::size_t size() const {
        // YOUR CODE HERE: return how many values have been appended, counted at one instant.
        throw NotImplemented("ResultList::size");
    }

  private:
    // YOUR CODE HERE: the data members that hold `values` and keep every access to it safe.
};

}  // namespace pclab
