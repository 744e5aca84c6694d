// Gradescope's results.json: what a Gradescope autograder hands back for one submission
// (https://gradescope-autograders.readthedocs.io/en/latest/specs/, "Output format").
#pragma once

#include <nlohmann/json.hpp>

#include "grading_run.hpp"

namespace pclab::grader {

/// The grading as Gradescope reads it:
///
/// ```
/// {"score", "max_score", "execution_time" (whole seconds), "output" (the run's summary: the
///  seed, each lab's score over its visible checks, why a lab could not run, how to replay),
///  "output_format": "text",
///  "test_output_format": "text",
///  "tests": [{"name": "01 shared-results: exact-results", "score", "max_score",
///             "status": "passed" | "failed", "output" (plain_explanation(): category,
///             message, location, seed and replay command when failed),
///             "visibility": "visible" | "after_published" (hidden checks)}]}
/// ```
/// Scores follow LabResult::awarded, so `score` equals GradingRun::score(). A lab that could not
/// run gives every one of its checks its error as output. `max_score` at the top is not a field
/// of Gradescope's specification; it is there for people and tools reading the file. The per-lab
/// lines of the summary count visible checks only, so the summary says nothing about hidden checks
/// before grades are published.
nlohmann::json to_gradescope(const GradingRun& run);

}  // namespace pclab::grader
