// The recorded benchmark run under tests/data/bench (a real `./pclab bench` run with 2000 items
// and 2 repetitions, in which a student queue duplicated an item), as the bench tests read it.
#pragma once

#include <nlohmann/json.hpp>
#include <string>

#include "bench_results.hpp"
#include "recorded_data.hpp"

namespace pclab::grader {

/// tests/data/bench/`name` (google-benchmark.json or python.json), parsed. A missing file
/// throws, failing the test.
inline nlohmann::json recorded_bench_output(const std::string& name) {
    return nlohmann::json::parse(testing::read_recorded("bench/" + name));
}

/// The recorded run summarised: solution, the duplicating student queue and tbb at plain 1x1
/// capacity 1 and 16, and Python at the same configurations.
inline BenchResults recorded_bench_results() {
    BenchResults results;
    add_google_benchmark_runs(results, recorded_bench_output("google-benchmark.json"));
    add_python_runs(results, recorded_bench_output("python.json"));
    summarise(results);
    return results;
}

}  // namespace pclab::grader
