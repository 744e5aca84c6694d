// The lab 01 demo: run the seed activity's pipeline with your ResultList and look at what it
// recorded. OSTEP-style flags; see README.md.
//
//   ./pclab run 01 -- -c 4 -n 100            the seed program: 4 consumers, squares of 0..99
//   ./pclab run 01 -- -c 8 -n 100000 --repeat 10
//   ./pclab run 01 -- -c 2 -n 10 -v          trace every append
//   ./pclab run 01 --impl unsafe:unsynchronised_vector -- -c 4 -n 100000
//
// Exit status: 0 if every run recorded exactly the squares, 1 if any did not, 2 if the
// ResultList threw (say, not implemented yet).
#include <CLI/CLI.hpp>

#include <algorithm>
#include <cstdint>
#include <exception>
#include <iostream>
#include <map>
#include <mutex>
#include <numeric>
#include <sstream>
#include <string>
#include <vector>

#include "../pipeline.hpp"
#include "result_list.hpp"

namespace {

struct Flags {
    int consumers = 4;         // "several consumers", as in the seed program
    std::int64_t items = 100;  // the seed program's range(100)
    std::uint64_t seed = 0;
    unsigned busy_work = 100;  // up to ~0.5 µs of "processing" per item: varies timing
    int repeat = 1;
    bool verbose = false;
};

constexpr std::size_t kMaxListed = 10;  // numbers listed per kind before "... and N more"

// "17² = 289, 40² = 1600, ... and 3 more"
std::string list_numbers(const std::vector<std::int64_t>& numbers) {
    std::ostringstream out;
    for (std::size_t i = 0; i < numbers.size() && i < kMaxListed; ++i) {
        out << (i == 0 ? "" : ", ") << numbers[i] << "² = " << numbers[i] * numbers[i];
    }
    if (numbers.size() > kMaxListed) {
        out << ", ... and " << numbers.size() - kMaxListed << " more";
    }
    return out.str();
}

// Prints what one run recorded against what it should have; returns whether it was exact.
bool report_run(int run, const Flags& flags, const std::vector<std::int64_t>& recorded) {
    std::map<std::int64_t, std::int64_t> times_recorded;  // value -> count
    for (const std::int64_t value : recorded) {
        ++times_recorded[value];
    }
    std::vector<std::int64_t> missing;     // numbers whose square is absent
    std::vector<std::int64_t> duplicated;  // numbers whose square is there more than once
    std::int64_t expected_sum = 0;
    for (std::int64_t number = 0; number < flags.items; ++number) {
        const std::int64_t square = number * number;
        expected_sum += square;
        const auto found = times_recorded.find(square);
        const std::int64_t count = found == times_recorded.end() ? 0 : found->second;
        if (count == 0) {
            missing.push_back(number);
        } else if (count > 1) {
            duplicated.push_back(number);
        }
        if (found != times_recorded.end()) {
            times_recorded.erase(found);
        }
    }
    // Here: times_recorded holds only values that are no square of 0..items-1.
    const std::int64_t sum = std::accumulate(recorded.begin(), recorded.end(), std::int64_t{0});
    const bool exact = recorded.size() == static_cast<std::size_t>(flags.items) &&
                       missing.empty() && duplicated.empty() && times_recorded.empty();

    std::cout << "run " << run << ": " << flags.consumers << " consumers, " << flags.items
              << " items, seed " << flags.seed + static_cast<std::uint64_t>(run) << "\n";
    std::cout << "  recorded   " << recorded.size() << " results (expected " << flags.items
              << ")\n";
    std::cout << "  sum        " << sum << " (expected " << expected_sum << ")\n";
    std::cout << "  missing    " << missing.size()
              << (missing.empty() ? "" : ": " + list_numbers(missing)) << "\n";
    std::cout << "  duplicated " << duplicated.size()
              << (duplicated.empty() ? "" : ": " + list_numbers(duplicated)) << "\n";
    std::cout << "  invented   " << times_recorded.size();
    if (!times_recorded.empty()) {
        std::cout << ":";
        std::size_t listed = 0;
        for (const auto& [value, count] : times_recorded) {
            if (listed++ == kMaxListed) {
                std::cout << " ...";
                break;
            }
            std::cout << " " << value;
        }
    }
    std::cout << "\n  "
              << (exact ? "OK: exactly the squares of 0.." : "WRONG: not the squares of 0..")
              << flags.items - 1 << "\n"
              << std::flush;  // if a later run crashes, this report is already out
    return exact;
}

}  // namespace

int main(int argc, char** argv) {
    Flags flags;
    CLI::App app{
        "Lab 01 demo: one producer puts 0..N-1, consumers append the squares to one "
        "shared ResultList; prints what was recorded."};
    app.add_option("-c,--consumers", flags.consumers, "number of consumer threads")
        ->check(CLI::Range(1, 256));
    app.add_option("-n,--items", flags.items, "numbers the producer puts (0..N-1)")
        ->check(CLI::Range(std::int64_t{0}, std::int64_t{100'000'000}));
    app.add_option("-s,--seed", flags.seed, "seed of the consumers' busy work (run k uses seed+k)");
    app.add_option("-w,--work", flags.busy_work,
                   "max units of busy work per item before appending (0: none)");
    app.add_option("--repeat", flags.repeat, "how many runs")->check(CLI::Range(1, 1'000'000));
    app.add_flag("-v,--verbose", flags.verbose,
                 "trace every append (printing serialises the consumers: bugs hide)");
    CLI11_PARSE(app, argc, argv);

    std::mutex trace_mutex;  // demo side: keeps trace lines whole
    int wrong_runs = 0;
    for (int run = 0; run < flags.repeat; ++run) {
        pclab::PipelineOptions options;
        options.seed = flags.seed + static_cast<std::uint64_t>(run);
        options.max_busy_work = flags.busy_work;
        if (flags.verbose) {
            options.on_record = [&](int consumer, std::int64_t number, std::int64_t square) {
                const std::lock_guard<std::mutex> lock(trace_mutex);
                std::cout << "  consumer " << consumer << " recorded " << number << "² = " << square
                          << "\n";
            };
        }
        pclab::ResultList results;
        try {
            pclab::run_pipeline(results, flags.items, flags.consumers, options);
        } catch (const std::exception& error) {
            std::cout << "run " << run << ": a thread threw: " << error.what() << "\n";
            return 2;
        }
        wrong_runs += report_run(run, flags, results.snapshot()) ? 0 : 1;
    }
    if (flags.repeat > 1) {
        std::cout << flags.repeat << " runs: " << flags.repeat - wrong_runs << " exact, "
                  << wrong_runs << " wrong\n";
    }
    return wrong_runs == 0 ? 0 : 1;
}
