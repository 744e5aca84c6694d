// What every report says about one check, in plain text: the text report prints it with colour
// and indentation, the Gradescope, JUnit and GitHub reports print it as it is. One wording, so a
// student reads the same explanation wherever the grade shows up.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "grading_run.hpp"

namespace pclab::grader {

/// The parts of one check's explanation. Every part is free of terminal control sequences.
struct CheckExplanation {
    /// `LabResult::category_of`: empty exactly when the check counts as passed.
    std::string category;
    /// `LabResult::message_of`, one entry per line, trailing blank lines dropped; at least one
    /// entry (possibly empty). For a passed check: its `explains`.
    std::vector<std::string> lines;
    /// "look at FILE:LINE" (":LINE" only when known), or empty when the check has no location.
    std::string location;
    /// "seed N · replay: COMMAND", either half alone when only it is known, or empty.
    std::string reproduce;
};

/// The explanation of `check`, a check of `lab`.
CheckExplanation explain_check(const LabResult& lab, const CheckResult& check);

/// The explanation as one block of plain text, every line ending in '\n':
///   failed: "<category>: <first line>", the other lines, the location, the reproduce line;
///   passed: "passed: <explains>".
std::string plain_explanation(const LabResult& lab, const CheckResult& check);

/// `text` split into lines after without_terminal_controls(), trailing blank lines and spaces
/// dropped; at least one (empty) line.
std::vector<std::string> report_lines(std::string_view text);

/// `text` without ANSI CSI sequences and without control characters other than newline and
/// tab (ESC, carriage return, bell, DEL, ...): compilers and sanitizers may colour what they
/// print, and a report asked to be plain must stay plain.
std::string without_terminal_controls(std::string_view text);

}  // namespace pclab::grader
