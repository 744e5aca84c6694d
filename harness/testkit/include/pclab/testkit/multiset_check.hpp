/// @file
/// @ingroup testkit
/// @brief same_multiset: do the values found equal the values expected, counting repeats?
///
/// For results that carry no producer/consumer tags (a list of squares, a results queue), where
/// ExactlyOnceLedger does not apply: order is ignored, multiplicity is not.
#pragma once

#include <gtest/gtest.h>

#include <cstddef>
#include <cstdint>
#include <functional>
#include <string>
#include <vector>

namespace pclab::testkit {

/// @brief Describes a value in a failure message, e.g. `289 (17²)`.
using ValueDescriber = std::function<std::string(std::int64_t)>;

/// @brief Compares `found` with `expected` as multisets.
///
/// Fails, each kind on lines starting with its tag (missing values first), when
/// - a value was found fewer times than expected:
///   `[pclab:lost-item] 289 (17²) is missing: expected once, found 0 times`;
/// - a value that was expected was found more often:
///   `[pclab:duplicate-item] 289 (17²) was found twice, expected once`;
/// - a value was found that was never expected:
///   `[pclab:wrong-result] 290 was found 1 time, but never expected`.
/// At most `max_listed` values of each kind are listed, then a count of the rest.
///
/// @param expected the values that should be there, in any order.
/// @param found the values that are there, in any order.
/// @param describe how to name a value (default: its decimal form).
/// @param max_listed how many values of each kind to list.
::testing::AssertionResult same_multiset(const std::vector<std::int64_t>& expected,
                                         const std::vector<std::int64_t>& found,
                                         const ValueDescriber& describe = {},
                                         std::size_t max_listed = 5);

}  // namespace pclab::testkit
