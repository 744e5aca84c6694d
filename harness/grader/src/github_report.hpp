// GitHub Actions: a Markdown job summary and one workflow command per failed check, which
// Actions shows as an error annotation on the student's line.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "grading_run.hpp"

namespace pclab::grader {

/// The job summary (github-summary.md, and appended to $GITHUB_STEP_SUMMARY): the total, a table
/// of the labs with their scores, and for every failed check its category and
/// plain_explanation() (explanation, location, seed and replay command) in a code block.
std::string github_summary(const GradingRun& run);

/// One `::error` workflow command per failed check, each on its own line:
/// `::error file=PATH,line=N,title=NN slug: CHECK (category)::EXPLANATION` where PATH is
/// repository_path() of the check's location; without a path, `file` and `line` are left out
/// (and `line` also when the line is unknown). Empty when every check passed.
std::string github_annotations(const GradingRun& run);

/// The repository-relative path of a check's location, as a student's clone of the kit has it
/// (labs/NN-slug/FILE), or nullopt when the location is not a file of the labs (a standard
/// header, a harness file known only by its base name). Accepted forms: "labs/..." as the
/// grader records student files, and any path with "/labs/<NN-slug>/" in it (the kit's own
/// tree, a submission's staging tree); the part from "labs/" on is kept.
std::optional<std::string> repository_path(const LabResult& lab, const CodeLocation& where);

/// The message of a workflow command: `%`, `\r` and `\n` escaped as GitHub requires.
std::string github_escaped_data(std::string_view text);

/// A property value of a workflow command: like github_escaped_data, and `:` and `,` too.
std::string github_escaped_property(std::string_view text);

}  // namespace pclab::grader
