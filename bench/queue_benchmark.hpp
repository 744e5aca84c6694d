/// @file
/// @brief `register_queue_benchmarks()`: one implementation's benchmarks — every configuration
///        of the benchmark — registered with Google Benchmark under names the report parses.
///
/// The configurations and names are those of `configurations.hpp`. One benchmark iteration is
/// one whole `transfer()` of `workload_settings().items` items through a fresh queue and fresh
/// threads; its time is the transfer's own (manual time: thread creation is not in it).
#pragma once

#include <benchmark/benchmark.h>

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <exception>
#include <string>
#include <vector>

#include "adapters/blocking_queue.hpp"
#include "configurations.hpp"
#include "transfer.hpp"

namespace pclab_bench {

/// @brief An implementation as the report names it.
struct Implementation {
    std::string id;     ///< Short, no '/': the first part of every benchmark name.
    std::string title;  ///< What it is, for legends and tables.
    int rank = 0;       ///< Column order in the report: the kit's queues, then peers.
};

/// @brief Every implementation registered so far (by the static initialisers of the benchmark
///        program's translation units). Defined in bench_main.cpp.
std::vector<Implementation>& registered_implementations();

/// @brief What every transfer of this run moves and how long it may stall.
struct WorkloadSettings {
    std::uint64_t items = 100000;
    std::chrono::milliseconds stall_limit{std::chrono::seconds(60)};
};

/// @brief The settings of this run; main() sets them from its command line before any
///        benchmark runs. Defined in bench_main.cpp.
WorkloadSettings& workload_settings();

/// @brief Runs `state`'s iterations: each one a transfer of `shape` through a fresh `Queue`.
/// An exactly-once violation or a queue that throws (constructing it, or in every thread) ends
/// the benchmark with SkipWithError (the JSON output then has `error_occurred` and the
/// message); a stalled transfer ends the program (transfer.hpp).
template <BlockingQueue Queue>
void run_transfers(benchmark::State& state, TransferShape shape) {
    shape.items = workload_settings().items;
    shape.stall_limit = workload_settings().stall_limit;
    for (auto _ : state) {
        std::string error;
        try {
            Queue queue(shape.capacity);
            const TransferOutcome outcome = transfer(queue, shape);
            error = outcome.error;
            if (error.empty()) {
                state.SetIterationTime(outcome.seconds);
            }
        } catch (const std::exception& thrown) {
            error = thrown.what();
        } catch (...) {
            error = "the queue threw an exception that is not a std::exception";
        }
        if (!error.empty()) {
            state.SkipWithError(error.c_str());
            break;
        }
    }
    state.SetItemsProcessed(state.iterations() * static_cast<std::int64_t>(shape.items));
}

/// @brief Registers every configuration of one implementation: `PlainQueue` for mode plain,
///        `JoinQueue` for mode join. Returns true (for use in a static initialiser).
/// Requires: `id` unique among the implementations of the program and free of '/'.
template <BlockingQueue PlainQueue, JoinableQueue JoinQueue>
bool register_queue_benchmarks(const std::string& id, const std::string& title, int rank) {
    registered_implementations().push_back({id, title, rank});
    for (const bool join : {false, true}) {
        for (const auto& [producers, consumers] : kThreadPairs) {
            for (const std::size_t capacity : kCapacities) {
                TransferShape shape;
                shape.producers = producers;
                shape.consumers = consumers;
                shape.capacity = capacity;
                shape.join = join;
                shape.label = benchmark_name(id, shape);
                benchmark::internal::Benchmark* benchmark =
                    join ? benchmark::RegisterBenchmark(shape.label.c_str(),
                                                        run_transfers<JoinQueue>, shape)
                         : benchmark::RegisterBenchmark(shape.label.c_str(),
                                                        run_transfers<PlainQueue>, shape);
                benchmark->UseManualTime()->Unit(benchmark::kMillisecond);
            }
        }
    }
    return true;
}

}  // namespace pclab_bench
