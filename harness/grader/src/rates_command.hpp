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
};

/// Grades every lab's solution and each unsafe variant `runs` times and writes a Markdown
/// table: for the solution, the runs that lost any point (false failures); for each variant,
/// the runs that failed a check in one of its declared categories. Returns an ExitStatus;
/// 1 when a solution lost a point or a variant was caught in fewer than 19 of 20 runs.
int measure_rates(const RatesOptions& options);

}  // namespace pclab::grader
