// Reading a JSON report back: `./pclab grade-batch` grades each student in a child process that
// writes `--format json`, and renders the class's gradebook, HTML and text reports from it.
#pragma once

#include <stdexcept>

#include <nlohmann/json.hpp>

#include "grading_run.hpp"

namespace pclab::grader {

/// A document that is not a grading report as `to_json` writes it. The message names the first
/// key that is missing or of the wrong type, e.g. `labs[0].checks[2].max_score: not an integer`.
class ReportFormatError : public std::runtime_error {
  public:
    using std::runtime_error::runtime_error;
};

/// The GradingRun that `report` (the output of `to_json`, report_formats.hpp) describes, such
/// that `to_json(grading_run_from_json(report))` states the same scores, statuses, categories,
/// messages, seeds and replay commands as `report`.
///
/// Requires the keys `to_json` always writes ("score", "max_score", "seed", "labs" and, per lab,
/// "id" and "checks", per check "name", "status", "max_score"); optional ones may be absent.
/// Keys it does not know are ignored (fields may be added to the format).
/// Throws ReportFormatError when a required key is missing or has the wrong type, or when the
/// report's stated score disagrees with the one its checks add up to (a report that was
/// edited or truncated by hand).
GradingRun grading_run_from_json(const nlohmann::json& report);

}  // namespace pclab::grader
