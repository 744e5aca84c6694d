// `./pclab grade-batch`: grade a class, one child grader per student, and write its gradebook,
// HTML report and summary; `--merge` combines the outputs of shards graded on several machines.
#pragma once

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "class_results.hpp"
#include "class_roster.hpp"

namespace pclab::grader {

/// How long one student's grading may take before the batch stops it and records a grading
/// error: far above a first grading of every lab from scratch (builds included) on a loaded
/// two-core machine, so only a hung grader reaches it.
inline constexpr std::chrono::hours kStudentGradingTimeout{2};

struct BatchOptions {
    std::filesystem::path root;         ///< The kit's root directory.
    std::filesystem::path submissions;  ///< One directory per student (class_roster.hpp).
    std::vector<std::string> labs;      ///< Ids or slugs; empty: every lab.
    int jobs = 1;                       ///< Students graded at once; >= 1.
    std::filesystem::path output_dir;
    /// The base seed every student is graded with; absent: drawn once for the whole batch, so
    /// that every student of a batch faces the same schedules of the same checks.
    std::optional<std::uint64_t> seed;
    std::optional<double> timeout_scale;  ///< Passed to every student's grading.
    std::optional<Shard> shard;           ///< Grade only this part of the class.
    /// The program run once per student with the `grade` arguments above; absent: this program
    /// (/proc/self/exe). Tests put a stand-in here that fails on purpose.
    std::optional<std::filesystem::path> grader_program;
};

/// Grades every student of `options.submissions` (of the shard, when one is given) by running
/// this program, `/proc/self/exe --root <root> grade [LABS] --submission <student dir> --format
/// json --output <output_dir>/students/<id>/report.json --seed S`, at most `jobs` at a time, each
/// in the submission's own build trees (build/submissions/<dir>-<hash>/, kept, so a re-grade builds
/// only what changed). Students are started in id order; progress goes to stderr as each ends.
///
/// Writes into `output_dir`: students/<id>/{report.json, report.txt, grader.log} (the log holds
/// the child's command, how it ended and its stderr), gradebook.csv (gradebook_csv.hpp),
/// class-report.html (class_report_html.hpp) and summary.json (class_summary_json.hpp).
///
/// A student whose grading exits non-zero, dies, times out (kStudentGradingTimeout) or leaves
/// no valid report is recorded as a grading error with the reason, and the batch goes on.
/// Returns kGraded when the batch ran and at least one student was graded (whatever the scores
/// and however many gradings failed: the summary says which); kUsageError when `submissions` is
/// not a directory or holds no student, `jobs` < 1, or a lab is unknown; kCouldNotGrade when the
/// outputs cannot be written or no student at all could be graded.
int grade_batch(const BatchOptions& options);

struct MergeOptions {
    std::vector<std::filesystem::path> inputs;  ///< Output directories of grade-batch runs.
    std::filesystem::path output_dir;
};

/// Combines the outputs of several grade-batch runs (the shards of one class) into one:
/// reads each input's summary.json and students/*/report.json, copies each student's directory
/// into `output_dir`/students/ and writes the class's gradebook.csv, class-report.html and
/// summary.json there. A student found in several inputs is taken from the first (and a warning
/// names it); missing shards of a K/N set are warned about. Returns kGraded, kUsageError when an
/// input is not a grade-batch output, or kCouldNotGrade when the outputs cannot be written.
int merge_class_outputs(const MergeOptions& options);

/// Writes gradebook.csv, class-report.html and summary.json of `results` into `dir` (which
/// exists). Throws std::runtime_error naming the file that could not be written.
void write_class_outputs(const ClassResults& results, const std::filesystem::path& dir);

}  // namespace pclab::grader
