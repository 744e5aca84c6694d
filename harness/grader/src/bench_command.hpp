// `./pclab bench`: the queue throughput benchmark — the kit's reference queue (the baseline),
// the textbook semaphore buffer and the peers from Debian packages (oneTBB, moodycamel, Boost),
// optionally a student's queue, and the seed activity's Python pattern, all measured in one run
// and reported as ratios to the baseline (docs/performance.md).
#pragma once

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>

namespace pclab::grader {

struct BenchOptions {
    std::filesystem::path root;
    /// "solution": the kit's queues and the peers; "student": also the student's queue.hpp of
    /// the working tree.
    std::string impl = "solution";
    /// A student's directory: its queue.hpp (flat, or in the kit's layout) is benchmarked as
    /// "student".
    std::optional<std::filesystem::path> submission;
    /// Whose queue.hpp is the student's: this lab's (id or slug). Empty: the highest-numbered
    /// lab that declares a queue.hpp (for a submission in the kit's layout: that has one).
    std::string lab;
    /// Where the results go; default <root>/build/release/bench.
    std::optional<std::filesystem::path> output_dir;
    std::uint64_t items = 100000;  ///< items per transfer (one benchmark iteration)
    int repetitions = 5;           ///< repetitions of every configuration (median, spread)
    double min_time = 0.5;         ///< Google Benchmark's minimum time per repetition, seconds
    std::string filter;            ///< a regular expression over the benchmark names; "" = all
    /// The command line as the user typed it (after `./pclab`), recorded with the results.
    std::string command_line;
};

/// Builds pclab-queue-bench in the release tree (configured with the student's queue when one
/// is asked for), runs it (Google Benchmark: `--benchmark_repetitions`, random interleaving of
/// the repetitions, JSON to <output>/google-benchmark.json), runs bench/python_queue_pattern.py
/// when python3 is on the PATH (<output>/python.json), then prints the table and writes
/// <output>/bench-results.json, bench-results.md and bench-throughput.svg.
///
/// Returns 0 when every implementation delivered every item exactly once; 1 when one did not
/// (lost, duplicated or corrupted items, an early join, a stall or an exception such as
/// pclab::NotImplemented: the table and the message say which); kUsageError for bad options
/// (an invalid filter or one that matches nothing, an unknown --impl or lab, a submission
/// without queue.hpp); kCouldNotGrade when the benchmark does not build or its output cannot be
/// read.
int run_bench(const BenchOptions& options);

}  // namespace pclab::grader
