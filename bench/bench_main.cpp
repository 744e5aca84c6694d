// pclab-queue-bench: every registered queue through every configuration, with Google
// Benchmark's command line plus the workload's own flags:
//   --pclab_items=N          items per transfer (default 100000)
//   --pclab_stall_seconds=S  a transfer in which no item moves for S seconds ends the program
//                            with status 4 (default 60)
// The JSON output's "context" carries what the report needs besides the runs:
// "pclab_items", "pclab_build_type" and "pclab_implementations" (a JSON array of
// {"id", "title", "rank"}, ordered by rank). Exit status: 0 after the run (a benchmark that
// failed exactly-once is marked in the output, not in the status), 2 for a bad flag, 4 for a
// transfer that could not end (see transfer.hpp).
#include <benchmark/benchmark.h>

#include <algorithm>
#include <charconv>
#include <cstdint>
#include <iostream>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>
#include <system_error>
#include <vector>

#include "queue_benchmark.hpp"

namespace pclab_bench {

std::vector<Implementation>& registered_implementations() {
    static std::vector<Implementation> implementations;
    return implementations;
}

WorkloadSettings& workload_settings() {
    static WorkloadSettings settings;
    return settings;
}

}  // namespace pclab_bench

namespace {

// The value of `--<name>=<value>` in `argument` as a positive integer; false when `argument` is
// not that flag. A malformed value is reported and turned into `bad`.
bool take_flag(std::string_view argument, std::string_view name, std::uint64_t& value, bool& bad) {
    const std::string prefix = "--" + std::string(name) + "=";
    if (!argument.starts_with(prefix)) {
        return false;
    }
    const std::string_view text = argument.substr(prefix.size());
    const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
    if (error != std::errc() || end != text.data() + text.size() || value == 0) {
        std::cerr << "pclab-queue-bench: --" << name << " takes a positive integer, not '" << text
                  << "'\n";
        bad = true;
    }
    return true;
}

std::string implementations_json() {
    std::vector<pclab_bench::Implementation> sorted = pclab_bench::registered_implementations();
    std::stable_sort(sorted.begin(), sorted.end(),
                     [](const auto& left, const auto& right) { return left.rank < right.rank; });
    nlohmann::json list = nlohmann::json::array();
    for (const pclab_bench::Implementation& implementation : sorted) {
        list.push_back({{"id", implementation.id},
                        {"title", implementation.title},
                        {"rank", implementation.rank}});
    }
    return list.dump();
}

}  // namespace

int main(int argc, char** argv) {
    std::vector<char*> passed_on = {argv[0]};
    bool bad = false;
    pclab_bench::WorkloadSettings& settings = pclab_bench::workload_settings();
    for (int index = 1; index < argc; ++index) {
        std::uint64_t stall_seconds = 0;
        if (take_flag(argv[index], "pclab_items", settings.items, bad)) {
            continue;
        }
        if (take_flag(argv[index], "pclab_stall_seconds", stall_seconds, bad)) {
            settings.stall_limit = std::chrono::seconds(stall_seconds);
            continue;
        }
        passed_on.push_back(argv[index]);
    }
    if (bad) {
        return 2;
    }
    int passed_count = static_cast<int>(passed_on.size());
    passed_on.push_back(nullptr);
    benchmark::Initialize(&passed_count, passed_on.data());
    if (benchmark::ReportUnrecognizedArguments(passed_count, passed_on.data())) {
        return 2;
    }
    benchmark::AddCustomContext("pclab_items", std::to_string(settings.items));
    benchmark::AddCustomContext("pclab_build_type", PCLAB_BENCH_BUILD_TYPE);
    benchmark::AddCustomContext("pclab_implementations", implementations_json());
    benchmark::RunSpecifiedBenchmarks();
    benchmark::Shutdown();
    return 0;
}
