// class-report.html: a class's grading as one page an instructor opens in a browser.
#pragma once

#include <string>
#include <string_view>

#include "class_results.hpp"

namespace pclab::grader {

/// `text` safe as HTML element content and as a quoted attribute value: `&`, `<`, `>`, `"` and
/// `'` become character references, carriage returns go, and other control characters than tab
/// and line feed (a terminal's escape sequences in a compiler message) become U+FFFD. Student
/// code that prints `<script>` or `</pre>` shows those characters and never adds markup.
std::string html_escaped(std::string_view text);

/// The page, self-contained: inline CSS, no script, no external resource (it links to the
/// students' report files next to it, students/<id>/..., which a reader may open or not).
/// - a header: when, with which seed(s) and labs, how many students, and which gradings failed;
/// - a table of students × labs: score/max per cell, coloured full / partial / zero / grading
///   error, the lost categories under the score, a total column; each cell links to the
///   student's section; a footer row counts full marks per lab;
/// - per lab, the failure categories by number of students, with each category's meaning
///   (category_meaning) and who they are;
/// - per student a `<details id="student-<id>">` section: per lab the lost checks with
///   category, explanation, location, seed and replay command; for a failed grading the reason
///   and the grader's last lines.
/// Every text that came from a report, a submission or a directory name is html_escaped.
std::string class_report_html(const ClassResults& results);

}  // namespace pclab::grader
