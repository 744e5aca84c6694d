// The class's gradebook as CSV: one row per student and lab, for a spreadsheet or an LMS import.
#pragma once

#include <string>
#include <string_view>

#include "class_results.hpp"

namespace pclab::grader {

/// `text` as one RFC 4180 field: unchanged unless it holds a comma, a double quote, a carriage
/// return or a line feed; then in double quotes, each double quote written twice.
std::string csv_field(std::string_view text);

/// The gradebook: the header `student,lab,score,max_score,categories`, then for each student (in
/// `results` order) one row per lab column (in column order). `lab` is the lab's id ("01"),
/// `categories` the cell's categories (class_results.hpp: LabCell) joined with ';', empty for
/// full marks; a student whose grading failed scores 0 of the column's max with
/// `grading-error`. There is no total row: summing a student's rows gives the total, and a
/// spreadsheet summing the score column never counts a point twice. Lines end with CRLF, as
/// RFC 4180 asks.
std::string gradebook_csv(const ClassResults& results);

}  // namespace pclab::grader
