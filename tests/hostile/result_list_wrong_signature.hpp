/// @file
/// @brief A lab 01 submission with a wrong signature (a fixture of
///        tests/hostile_submissions_test.cpp): append() takes `std::int64_t&`, so the tests'
///        calls with a constant or a temporary do not compile.
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

    void append(std::int64_t& value) {
        const std::lock_guard<pclab::mutex> lock(mutex_);
        values_.push_back(value);
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
