// Which reports `./pclab grade` writes, and where: one report to stdout or to --output FILE, or
// every asked-for format into --output-dir DIR under fixed file names.
#pragma once

#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "grading_run.hpp"

namespace pclab::grader {

/// The formats of `--format`; the file names are those they get in an output directory.
enum class ReportFormat {
    text,        ///< report.txt: report_formats.hpp to_text (never coloured in a file)
    json,        ///< report.json: report_formats.hpp to_json
    junit,       ///< junit.xml: junit_report.hpp
    gradescope,  ///< results.json: gradescope_report.hpp
    github,      ///< github-summary.md and github-annotations.txt: github_report.hpp
};

/// Parses a `--format` value: format names separated by commas ("text", "json,junit"), each
/// at most once. Throws std::invalid_argument with a message for the user when a name is
/// unknown, repeated or empty.
std::vector<ReportFormat> parse_report_formats(std::string_view list);

/// Where the reports go. At most one of the two is set; neither means stdout.
struct ReportDestination {
    std::optional<std::filesystem::path> output;      ///< --output FILE
    std::optional<std::filesystem::path> output_dir;  ///< --output-dir DIR
};

/// Why `formats` cannot be written to `destination` (a message for the user), or "" when they
/// can: without --output-dir exactly one format, and not github (which writes two files);
/// --output and --output-dir not together.
std::string report_destination_problem(const std::vector<ReportFormat>& formats,
                                       const ReportDestination& destination);

/// One rendered file: its name in an output directory, and its contents.
struct RenderedReport {
    std::string file_name;
    std::string contents;
};

/// The file(s) `format` renders for `run`. `colour` applies to text only.
std::vector<RenderedReport> render_report(const GradingRun& run, ReportFormat format, bool colour);

/// Renders and writes every format of `formats` to `destination` (which must pass
/// report_destination_problem), creating an output directory if needed. With github among the
/// formats, also appends the summary to the file named by $GITHUB_STEP_SUMMARY when that is set,
/// and prints the annotations to stdout when $GITHUB_ACTIONS is "true" (Actions reads workflow
/// commands from a step's output). `colour` applies to a text report on stdout only.
/// Returns false, after saying why on stderr, when a file could not be written.
bool write_reports(const GradingRun& run, const std::vector<ReportFormat>& formats,
                   const ReportDestination& destination, bool colour);

}  // namespace pclab::grader
