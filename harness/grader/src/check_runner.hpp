// One check of one lab, run once in one build tree, contained and classified.
//
// This is where the check-process protocol of docs/architecture.md is spoken from the
// grader's side: the arguments and environment the test program gets, the limits it runs
// under, and the GoogleTest JSON it must leave behind to count as having run at all.
#pragma once

#include <chrono>
#include <cstdint>
#include <string>
#include <vector>

#include "build_tree.hpp"
#include "grading_run.hpp"
#include "lab_catalog.hpp"
#include "run_classifier.hpp"

namespace pclab::grader {

/// Processes and threads one check may have at once when it runs as a user of its own
/// (ProcessLimits::own_user): a stress check needs a few dozen.
inline constexpr std::size_t kCheckTaskLimit = 512;
/// RLIMIT_NPROC otherwise: it counts every process of the grader's user, so it can only stop a
/// runaway bomb, not size a check.
inline constexpr std::size_t kGraderUserProcessLimit = 4096;

/// Memory a check may use before it is stopped as `memory-limit`. TSan's shadow memory
/// multiplies a program's footprint several times, so its trees get more room.
struct MemoryBudget {
    std::size_t plain_resident_bytes = std::size_t{2} << 30;
    std::size_t plain_address_space_bytes = std::size_t{8} << 30;
    std::size_t tsan_resident_bytes = std::size_t{6} << 30;
};

struct CheckRunRequest {
    const Lab* lab = nullptr;
    const CheckSpec* check = nullptr;
    const BuildTree* tree = nullptr;
    std::string impl_dir;  ///< "student", "solution", "unsafe-<name>"
    std::uint64_t seed = 0;
    /// File names (or path suffixes) to name in explanations: the implementation's files.
    std::vector<std::string> implementation_files;
    MemoryBudget memory;
    /// The check's declared timeout is multiplied by this (machine_calibration.hpp).
    double timeout_scale = 1.0;
    /// For explore checks: the command that replays a schedule, without `--replay ID`
    /// (e.g. `./pclab explore 02 --impl unsafe:if_instead_of_while`).
    std::string explore_replay_command;
};

struct CheckRun {
    std::string flavour;  ///< The tree's flavour: "plain", "tsan" or "explore".
    Verdict verdict;
    std::chrono::milliseconds wall{0};
    /// The `[explore] ...` lines the program printed (exploration programs only).
    std::vector<ExploreStatistic> explore_statistics;
    /// The check ran as a user of its own (see ProcessLimits::own_user).
    bool own_user = false;
};

/// Runs `request.check` once in `request.tree`. Never throws for anything the test program
/// does; the program is killed with its whole process group if it outlives its timeout.
CheckRun run_check(const CheckRunRequest& request);

}  // namespace pclab::grader
