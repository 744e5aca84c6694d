// The results of one `./pclab bench` run: every repetition of every implementation at every
// configuration, read from pclab-queue-bench's Google Benchmark JSON and the Python pattern's
// JSON, and summarised the one way every rendering uses — the median over repetitions, the
// spread (min..max and the coefficient of variation), and the ratio of each median to the
// baseline's median at the same configuration, measured in the same run.
#pragma once

#include <compare>
#include <map>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

namespace pclab::grader {

/// One configuration of the benchmark (bench/configurations.hpp).
struct BenchConfig {
    std::string mode;  ///< "plain" or "join"
    int producers = 0;
    int consumers = 0;
    int capacity = 0;

    /// plain before join, then by producers, consumers, capacity.
    std::strong_ordering operator<=>(const BenchConfig& other) const;
    bool operator==(const BenchConfig& other) const = default;
};

/// An implementation as the benchmark programs describe it.
struct BenchImplementation {
    std::string id;     ///< e.g. "solution", "tbb", "python"
    std::string title;  ///< e.g. "tbb::concurrent_bounded_queue (oneTBB 2021.8)"
    int rank = 0;       ///< column order: ascending
};

/// One implementation at one configuration.
struct BenchCell {
    std::vector<double> samples;  ///< items/s, one per successful repetition
    std::string error;            ///< the first failure reported for it; empty when none
    // Filled by summarise(), from `samples` (all 0 when there is none):
    double median = 0;
    double min = 0;
    double max = 0;
    double cv = 0;  ///< sample standard deviation / mean (0 with one sample)
    /// median / the baseline's median at the same configuration; absent when either has no
    /// sample (the baseline was filtered out, or failed).
    std::optional<double> ratio;
};

/// A benchmark output that is not what pclab-queue-bench or python_queue_pattern.py write.
class BenchFormatError : public std::runtime_error {
  public:
    using runtime_error::runtime_error;
};

/// Everything measured in one run, keyed by implementation id and configuration.
/// The kit's reference queue (labs 03-05), the baseline of every ratio when it was measured.
inline constexpr std::string_view kKitReferenceId = "solution";
/// The baseline instead when the benchmark program has no kit reference (the student release
/// has no solutions/): the textbook semaphore buffer, a peer every build has.
inline constexpr std::string_view kReleaseBaselineId = "textbook-sem";

struct BenchResults {
    std::string baseline{kKitReferenceId};             ///< ratios are to this implementation
    std::vector<BenchImplementation> implementations;  ///< by rank (then id); each id once
    std::vector<BenchConfig> configs;                  ///< every configuration seen, sorted
    std::map<std::pair<std::string, BenchConfig>, BenchCell> cells;

    /// The cell of `id` at `config`, or nullptr when that was not measured.
    const BenchCell* cell(const std::string& id, const BenchConfig& config) const;
    /// The implementation called `id`, or nullptr.
    const BenchImplementation* implementation(std::string_view id) const;
};

/// `<id>/<mode>/<P>x<C>/<capacity>` with an optional `/manual_time` (Google Benchmark's
/// suffix), e.g. "tbb/join/2x2/16/manual_time"; nullopt for any other shape.
std::optional<std::pair<std::string, BenchConfig>> parse_bench_name(std::string_view name);

/// Adds the runs of pclab-queue-bench's `--benchmark_out_format=json` output: every entry with
/// `run_type` "iteration" (aggregates are recomputed by summarise()), its `items_per_second`
/// as one sample, or its `error_message` when `error_occurred`; the implementations from the
/// context's `pclab_implementations`, and the baseline: kReleaseBaselineId when they do not
/// include kKitReferenceId. Throws BenchFormatError naming what is missing.
void add_google_benchmark_runs(BenchResults& results, const nlohmann::json& output);

/// Adds the runs of python_queue_pattern.py's JSON (its docstring has the format).
/// Throws BenchFormatError naming what is missing.
void add_python_runs(BenchResults& results, const nlohmann::json& output);

/// Computes every cell's median, min, max, cv and ratio (see BenchCell), sorts `configs` and
/// `implementations`, adds an implementation for every measured id nobody described (rank
/// 1000, its id as title) and removes every described implementation with no cell.
void summarise(BenchResults& results);

/// The median of `values` (the mean of the middle two for an even count); 0 when empty.
double median_of(std::vector<double> values);

}  // namespace pclab::grader
