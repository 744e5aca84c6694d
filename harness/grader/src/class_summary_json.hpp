// summary.json: a class's grading for tools, and what `grade-batch --merge` reads back from the
// output directory of each shard.
#pragma once

#include <filesystem>
#include <stdexcept>

#include <nlohmann/json.hpp>

#include "class_results.hpp"

namespace pclab::grader {

/// The summary. Keys are stable; fields may be added.
///
/// ```
/// {"format": "pclab-class-summary", "version": 1,
///  "graded_at": "YYYY-MM-DD HH:MM UTC", "seeds": [u64...], "shards": ["K/N"...],
///  "complete": bool,                  // every student was graded (no grading-error)
///  "students_total", "students_graded", "students_failed",
///  "failed_students": [id...],        // whose grading failed: see their grader.log
///  "labs": [{"id", "slug", "title", "max_score"}],
///  "students": [{"student": id, "directory": name as found,
///                "status": "graded" | "error",
///                "error"?: why, "log_tail"?: the grader's last lines,   // status "error"
///                "score", "max_score", "duration_ms",
///                "report": "students/<id>/report.json",                 // relative to the summary
///                "labs": [{"id", "score", "max_score", "categories": [...]}]}]}
/// ```
/// Per-lab numbers and categories are those of `cell_of` (class_results.hpp), so the summary,
/// the gradebook and the HTML report always agree.
nlohmann::json to_summary_json(const ClassResults& results);

/// The summary.json of an output directory that cannot be read back.
class SummaryFormatError : public std::runtime_error {
  public:
    using std::runtime_error::runtime_error;
};

/// Reads the output directory `dir` of a `grade-batch` run back: `dir`/summary.json, and for
/// every graded student the report it names (students/<id>/report.json). A graded student whose
/// report is missing or invalid comes back as a grading error that says so; the rest of the
/// class is unaffected.
/// Throws SummaryFormatError when summary.json is missing, not JSON, or not a class summary.
ClassResults read_class_output(const std::filesystem::path& dir);

}  // namespace pclab::grader
