/// @file
/// @brief The configurations every implementation runs, and the name of each benchmark.
///
/// Mode `plain` (put/get) and `join` (task_done after every item, the run ends at join()) ×
/// producers/consumers 1/1, 2/2, 4/4 × capacity 1, 16, 1024. A benchmark is named
/// `<id>/<mode>/<producers>x<consumers>/<capacity>` (Google Benchmark appends
/// `/manual_time`), e.g. `tbb/join/2x2/16`; `./pclab bench` parses these names, and the Python
/// pattern (python_queue_pattern.py) names its runs the same way.
#pragma once

#include <array>
#include <cstddef>
#include <string>
#include <utility>

#include "transfer.hpp"

namespace pclab_bench {

/// @brief Producer/consumer thread counts of every configuration.
inline constexpr std::array<std::pair<std::size_t, std::size_t>, 3> kThreadPairs{
    {{1, 1}, {2, 2}, {4, 4}}};
/// @brief Queue capacities of every configuration.
inline constexpr std::array<std::size_t, 3> kCapacities{1, 16, 1024};

/// @brief `<id>/<mode>/<producers>x<consumers>/<capacity>` for `shape` (items and stall limit
///        are not part of the name).
inline std::string benchmark_name(const std::string& id, const TransferShape& shape) {
    return id + (shape.join ? "/join/" : "/plain/") + std::to_string(shape.producers) + "x" +
           std::to_string(shape.consumers) + "/" + std::to_string(shape.capacity);
}

}  // namespace pclab_bench
