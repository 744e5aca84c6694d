// `./pclab grade`: build, run every check isolated, classify, score, report.
#pragma once

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "score_threshold.hpp"

namespace pclab::grader {

/// Exit statuses of the grader; documented in README.md ("Exit codes").
enum ExitStatus : int {
    kGraded = 0,          ///< Grading ran, whatever the score (and reached --fail-under).
    kBelowThreshold = 1,  ///< Grading ran; the score is below --fail-under.
    kUsageError = 2,      ///< Unknown lab, variant, check or format; unreadable submission.
    kCouldNotGrade = 3,   ///< The kit itself could not run (configure failed, tree missing).
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
    /// Report formats, comma-separated: text, json, junit, gradescope, github
    /// (report_output.hpp). Several need `output_dir`.
    std::string format = "text";
    std::optional<std::filesystem::path> output;      ///< Report file; stdout when absent.
    std::optional<std::filesystem::path> output_dir;  ///< One file per format, fixed names.
    /// Exit with kBelowThreshold when the score is below this.
    std::optional<ScoreThreshold> fail_under;
    /// Replay commands leave out --submission: the student replays in their own copy of the
    /// kit, where their files are the student files (Gradescope, whose submission path means
    /// nothing on the student's machine).
    bool replay_in_kit = false;
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

/// Checks the report options (formats, --output/--output-dir), runs a grading and writes its
/// reports as `options` ask. Returns an ExitStatus: kBelowThreshold when the grading ran but
/// its score is below `fail_under`.
int grade(const GradeOptions& options);

}  // namespace pclab::grader
