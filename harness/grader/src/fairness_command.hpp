// `./pclab fairness`: correct code must never lose a point — measured over many consecutive
// grading runs of several independently written correct implementations, with the machine
// loaded the way a shared CI runner is, not assumed from one run on an idle machine.
#pragma once

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

namespace pclab::grader {

struct FairnessOptions {
    std::filesystem::path root;
    std::vector<std::string> labs;  ///< Ids or slugs; empty: every lab.
    int runs = 50;                  ///< Consecutive grading runs per implementation.
    std::uint64_t first_seed = 1;   ///< Run i uses seed first_seed + i.
    /// Busy processes kept running beside the grader for the whole measurement (each one
    /// spins on a core at normal priority); 0: an idle machine.
    int load = 1;
    /// Correct submissions graded beside the reference solution; empty: every directory under
    /// solutions/alternatives/. Unless `labs` names labs, each is graded on the labs whose
    /// student files it holds (the alternatives cover labs 01-05, not lab 06).
    std::vector<std::filesystem::path> submissions;
    std::optional<std::filesystem::path> output;  ///< Markdown page; stdout when absent.
};

/// Grades the reference solution and each correct submission `runs` times in a row (run i of
/// every implementation with seed first_seed + i; implementations interleaved, so a burst of
/// load hits all of them), with `load` spinning processes beside, and writes a Markdown page:
/// per implementation and lab, the runs with full marks, each lost point with its check,
/// category and seed, the median and slowest grading time, and the timeout scales the
/// calibration chose. Returns 0 when no correct implementation lost a point, 1 otherwise, or
/// another ExitStatus when grading could not run.
int measure_fairness(const FairnessOptions& options);

}  // namespace pclab::grader
