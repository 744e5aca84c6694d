/// @file
/// @brief pclab::ResultList without its lock (lab 01, unsafe variant `unsynchronised_vector`).
///
/// What changed from the reference solution: the mutex and every lock_guard are gone; append(),
/// snapshot() and size() touch the std::vector directly. Nothing else differs.
///
/// How it must fail: two consumers appending at once race on the vector's size and buffer
/// (ThreadSanitizer reports a data race on the first overlap). Without TSan the race shows as
/// lost results (both threads write the same slot and bump the size once), as garbage or
/// duplicated values, or as a crash when one thread reallocates the buffer while another writes
/// into, or copies from, the old one.
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

#include "pclab/errors.hpp"
#include "pclab/sync.hpp"

namespace pclab {

/// @brief UNSAFE: the reference ResultList with its lock removed. Do not copy this.
///
/// It keeps the reference's interface so the same tests run against it; it breaks the
/// reference's thread-safety contract (see the file comment for how).
class ResultList {
  public:
    /// @brief Creates an empty list.
    ResultList() = default;

    ResultList(const ResultList&) = delete;             ///< Not copyable.
    ResultList& operator=(const ResultList&) = delete;  ///< Not copyable.

    /// @brief Appends `value`. Not thread-safe (the defect).
    void append(std::int64_t value) { values_.push_back(value); }

    /// @brief Returns a copy of the values. Not thread-safe (the defect).
    std::vector<std::int64_t> snapshot() const { return values_; }

    /// @brief Returns the number of values. Not thread-safe (the defect).
    std::size_t size() const { return values_.size(); }

  private:
    std::vector<std::int64_t> values_;  // guarded by nothing: the defect
};

}  // namespace pclab
