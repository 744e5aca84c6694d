// `./pclab rates`: how often the grader catches each unsafe variant, and how often it fails a
// correct solution — measured over many grading runs, not asserted from one.
#pragma once

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

namespace pclab::grader {

struct RatesOptions {
    std::filesystem::path root;
    std::vector<std::string> labs;                ///< Ids or slugs; empty: every lab.
    int runs = 20;                                ///< Grading runs per implementation.
    std::uint64_t first_seed = 1;                 ///< Run i uses seed first_seed + i.
    std::optional<std::filesystem::path> output;  ///< Markdown table; stdout when absent.
    std::vector<std::string> builds;              ///< Only these check builds; empty: all.
    std::string explore_strategy = "random,pct";  ///< PCLAB_EXPLORE_STRATEGY of every run.
};

/// Grades every lab's solution and each unsafe variant `runs` times and writes a Markdown
/// table (the kit's detection table): for the solution, the runs that lost any point (false
/// failures); for each variant, the runs that failed a check in one of its declared categories,
/// in all and per technique — TSan stress (a tsan build failed as declared), plain stress, and
/// exploration, with the median schedules to the first failure and the median time of that
/// exploration. Returns an ExitStatus; 1 when a solution lost a point or a variant was caught
/// in fewer than 19 of 20 runs.
int measure_rates(const RatesOptions& options);

}  // namespace pclab::grader
