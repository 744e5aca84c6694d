// The renderings of a `./pclab bench` run: the terminal table, the Markdown page section for
// docs/performance.md, and bench-results.json. All three show the same summary (BenchResults
// after summarise()): per configuration and implementation, the median items/s, its ratio to
// the baseline measured in the same run, and the spread.
#pragma once

#include <cstdint>
#include <string>

#include <nlohmann/json.hpp>

#include "bench_results.hpp"

namespace pclab::grader {

/// Where, when and how a benchmark run was made: printed with every rendering, because a
/// throughput figure means nothing without its machine and its load.
struct BenchRecord {
    std::string command;       ///< the command line that reproduces the run
    std::string date;          ///< UTC, "2026-11-30 00:46 UTC"
    std::string architecture;  ///< uname's machine, "x86_64"
    std::string cpu_model;     ///< /proc/cpuinfo's first "model name"; may be empty
    unsigned hardware_threads = 0;
    std::string load_before;  ///< /proc/loadavg's 1, 5, 15 minute averages before the run
    std::string load_after;   ///< ... and after it
    std::uint64_t items = 0;  ///< items per transfer
    int repetitions = 0;
    double min_time_seconds = 0;
    std::string python_note;  ///< why there is no Python row, when there is none; else empty
};

/// The caution every rendering carries: the machine is shared and noisy, compare ratios.
std::string bench_noise_warning(const BenchRecord& record);

/// `1234567` → "1.23M", `95230` → "95.2k", `812.4` → "812".
std::string format_rate(double items_per_second);

/// `0.843` → "×0.84", `12.43` → "×12.4", `123.4` → "×123".
std::string format_ratio(double ratio);

/// One cell as the tables show it: "95.2k ×1.00 ±4%" (rate, ratio when known, cv), "FAILED"
/// when the implementation failed there, "—" when it was not measured.
std::string format_cell(const BenchCell* cell);

/// The terminal rendering: the record, then per mode a table with a row per (P/C, capacity)
/// and a column per implementation (cells as format_cell), the failures with their messages,
/// the implementations' titles and the noise warning. Ends with a newline.
std::string bench_text(const BenchResults& results, const BenchRecord& record);

/// The Markdown section for docs/performance.md ("Measurements"): the record and exact command,
/// the noise warning, one table per mode, failures, the implementations. Ends with a newline.
std::string bench_markdown(const BenchResults& results, const BenchRecord& record);

/// bench-results.json:
/// ```
/// {"command", "date", "machine": {"architecture", "cpu_model", "hardware_threads",
///   "load_average_before", "load_average_after"}, "items", "repetitions", "min_time_seconds",
///  "baseline", "noise_warning", "implementations": [{"id", "title", "rank"}],
///  "summary": [{"implementation", "mode", "producers", "consumers", "capacity",
///               "median_items_per_second", "min_items_per_second", "max_items_per_second",
///               "cv", "samples": [items/s...], "ratio_to_baseline": number | null,
///               "error": string | null}],
///  "raw": {"google_benchmark": <pclab-queue-bench's JSON>, "python": <the pattern's> | null}}
/// ```
nlohmann::json bench_json(const BenchResults& results, const BenchRecord& record,
                          const nlohmann::json& raw_benchmark, const nlohmann::json& raw_python);

}  // namespace pclab::grader
