/// @file
/// @brief A lab 01 submission that does not compile: a call without its ')' (a fixture of
///        tests/hostile_submissions_test.cpp, which looks for the line marked below in the
///        compiler's first error).
#pragma once

#include <cstddef>
#include <cstdint>
#include <mutex>
#include <vector>

#include "pclab/errors.hpp"
#include "pclab/sync.hpp"

namespace pclab {

class ResultList {
  public:
    ResultList() = default;
    ResultList(const ResultList&) = delete;
    ResultList& operator=(const ResultList&) = delete;

    void append(std::int64_t value) {
        const std::lock_guard<pclab::mutex> lock(mutex_);
        values_.push_back(value;  // SYNTAX ERROR: the ')' is missing
    }

    std::vector<std::int64_t> snapshot() const {
        const std::lock_guard<pclab::mutex> lock(mutex_);
        return values_;
    }

    std::size_t size() const {
        const std::lock_guard<pclab::mutex> lock(mutex_);
        return values_.size();
    }

  private:
    mutable pclab::mutex mutex_;
    std::vector<std::int64_t> values_;
};

}  // namespace pclab
