// Shared by the explore tests that measure how many schedules a strategy needs to find a bug:
// run the exploration for several seeds and summarise the counts (min / median / max).
#pragma once

#include <gtest/gtest.h>

#include <algorithm>
#include <cstdint>
#include <iostream>
#include <string>
#include <string_view>
#include <vector>

#include "pclab/explore/explorer.hpp"

namespace pclab::explore::testing {

// How many schedules each of `seeds` seeds needed to fail (0: it did not fail within
// options.schedules). Prints one summary line, so a test run shows the rates it measured.
template <class Body>
std::vector<std::uint32_t> schedules_to_find(std::string_view label, const Body& body,
                                             ExploreOptions options, std::uint64_t seeds = 20) {
    std::vector<std::uint32_t> counts;
    for (std::uint64_t seed = 0; seed < seeds; ++seed) {
        options.seed = seed;
        const ExploreResult result = explore(body, options);
        counts.push_back(result.failed ? result.schedules_run : 0);
    }
    std::vector<std::uint32_t> sorted = counts;
    std::sort(sorted.begin(), sorted.end());
    const auto missed = std::count(counts.begin(), counts.end(), 0U);
    std::cout << "[rates] " << label << " (" << to_string(options.strategy) << ", " << seeds
              << " seeds, limit " << options.schedules << "): min " << sorted.front() << ", median "
              << sorted[sorted.size() / 2] << ", max " << sorted.back() << ", not found " << missed
              << "\n";
    return counts;
}

// Expects every count to be a find (non-zero).
inline void expect_all_found(const std::vector<std::uint32_t>& counts) {
    for (std::size_t seed = 0; seed < counts.size(); ++seed) {
        EXPECT_GT(counts[seed], 0U) << "seed " << seed << " did not find the bug";
    }
}

}  // namespace pclab::explore::testing
