// The two renderings of a GradingRun: JSON for CI and tools, text for a student at a terminal.
//
// Both render the same facts and use LabResult's scoring rule, so the JSON's numbers and the
// text's numbers always agree with GradingRun::score().
#pragma once

#include <string>

#include <nlohmann/json.hpp>

#include "grading_run.hpp"

namespace pclab::grader {

/// The machine-readable report. Keys and their meanings are stable; fields may be added.
///
/// ```
/// {"score", "max_score", "seed", "impl", "duration_ms",
///  "labs": [{"id", "slug", "title", "impl", "score", "max_score",
///            "error"?: {"category", "message"},          // only when the lab could not run
///            "checks": [{"name", "status": "passed" | "failed",
///                        "category": null | "<category>",  // null exactly when passed
///                        "score", "max_score", "message", "explains",
///                        "seed"?, "replay"?,                // when known
///                        "location"?: {"file", "line"},     // when known
///                        "builds", "duration_ms",
///                        "hidden"}]}]}                      // true for hidden-checks/ checks
/// ```
/// `seed` is an unsigned 64-bit integer (readers in languages with 53-bit numbers should parse
/// it as a big integer). Status, category, score and message follow LabResult::counts_as_passed,
/// category_of, awarded and message_of.
nlohmann::json to_json(const GradingRun& run);

/// The student-facing report: a header with the seed and implementation, one block per lab with
/// aligned per-check rows (✔/✘, name — "(hidden)" after a hidden check's —, points, category),
/// a "Lost points" section giving every failed
/// check's full message (continuation lines indented), location, seed and replay command, and
/// the total. ANSI colour (green/red/bold) only when `colour` is true; no escape sequences at
/// all otherwise. Ends with a newline.
std::string to_text(const GradingRun& run, bool colour);

}  // namespace pclab::grader
