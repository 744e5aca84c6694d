// `./pclab grade`: build, run every check isolated, classify, score, report.
#pragma once

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

namespace pclab::grader {

/// Exit statuses of the grader; documented in README.md ("Exit codes").
enum ExitStatus : int {
    kGraded = 0,         ///< Grading ran, whatever the score.
    kUsageError = 2,     ///< Unknown lab, variant, check or format; unreadable submission.
    kCouldNotGrade = 3,  ///< The kit itself could not run (configure failed, tree missing).
};

/// The usage error of `--impl solution` (grade, run, explore) in a tree without solutions/.
inline constexpr const char* kNoSolutions =
    "--impl solution: the student release has no solutions (there is no solutions/ directory); "
    "grade your own files with --impl student, or watch a bug with --impl unsafe:NAME";

struct GradeOptions {
    std::filesystem::path root;     ///< The kit's root directory.
    std::vector<std::string> labs;  ///< Ids or slugs; empty: every lab.
    std::string impl = "student";   ///< student | solution | unsafe:NAME
    std::optional<std::filesystem::path> submission;
    std::string format = "text";                  ///< text | json
    std::optional<std::filesystem::path> output;  ///< Report file; stdout when absent.
    std::optional<std::uint64_t> seed;
    std::vector<std::string> checks;  ///< Only these check names; empty: all.
    /// Only these builds of each check ("plain", "tsan", "explore"); empty: all. A check with
    /// none of them is skipped.
    std::vector<std::string> builds;
    /// Run every build of a check even after its TSan build reported a data race (which
    /// settles the verdict): `./pclab rates` sets it to measure each technique on its own.
    bool every_build = false;
    bool build = true;  ///< false: use the trees as they are (kit tests).
    /// Multiplies every check's timeout; absent: measured (machine_calibration.hpp).
    std::optional<double> timeout_scale;
    bool colour = false;
};

struct GradingRun;

/// Runs a grading into `run` without writing a report (progress goes to stderr).
/// Returns kGraded when `run` holds a complete grading, another ExitStatus otherwise.
int run_grading(const GradeOptions& options, GradingRun& run);

/// Runs a grading and writes its report as `options` ask. Returns an ExitStatus.
int grade(const GradeOptions& options);

}  // namespace pclab::grader
