// The results of grading a class: one GradingRun per student who could be graded, the reason
// for each who could not, and the lab columns every rendering (gradebook, HTML, summary) shares.
#pragma once

#include <chrono>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "grading_run.hpp"

namespace pclab::grader {

/// The category of every lab of a student whose grading produced no report (the grader crashed,
/// timed out or wrote invalid JSON). Not a failure of the student's code: an instructor should
/// look at the student's grader.log. Not in kFailureCategories, which classify code.
inline constexpr std::string_view kGradingErrorCategory = "grading-error";
inline constexpr std::string_view kGradingErrorMeaning =
    "the grader produced no report for this student; see the student's grader.log";

/// One student of the class.
struct StudentResult {
    std::string id;              ///< class_roster.hpp: safe as a file name and an HTML id.
    std::string directory_name;  ///< The submission directory's name as found.
    bool graded = false;         ///< A valid report was read; `run` holds it.
    GradingRun run;
    std::string error;                  ///< When !graded: why, in one sentence.
    std::string log_tail;               ///< When !graded: the last lines the grader printed.
    std::chrono::milliseconds wall{0};  ///< How long the student's grading took.
};

/// One lab of the class's gradebook.
struct LabColumn {
    std::string id, slug, title;
    int max_score = 0;  ///< What a student who could not be graded is out of.
};

/// A class's grading, as `./pclab grade-batch` produced it or merged it from shards.
struct ClassResults {
    std::string graded_at;                ///< "YYYY-MM-DD HH:MM UTC", when the batch started.
    std::vector<std::uint64_t> seeds;     ///< The base seeds used (one, unless shards differed).
    std::vector<LabColumn> labs;          ///< In lab order.
    std::vector<StudentResult> students;  ///< Sorted by id; ids unique.
    /// "K/N" of each shard this holds, or empty for a batch that graded the whole class.
    std::vector<std::string> shards;

    int graded_count() const;  ///< Students with a report.
    int failed_count() const;  ///< Students whose grading failed.
};

/// A student's result in one lab, as every rendering shows it.
struct LabCell {
    int score = 0;
    int max_score = 0;
    /// The failed checks' categories (LabResult::category_of), unique and sorted; empty when
    /// full marks; {kGradingErrorCategory} when the student has no report for this lab.
    std::vector<std::string> categories;
    bool grading_error = false;      ///< No report for this lab.
    const LabResult* lab = nullptr;  ///< The report's lab, when there is one.
};

/// `student`'s cell in `column`: the report's lab with that id, or a grading error worth 0 of
/// `column.max_score`.
LabCell cell_of(const StudentResult& student, const LabColumn& column);

/// The student's total over `labs` (their cells' scores and max scores).
std::pair<int, int> total_of(const StudentResult& student, const std::vector<LabColumn>& labs);

/// The one-line meaning of a category: kFailureCategories' (failure_categories.hpp), or
/// kGradingErrorMeaning, or "" for a name that is neither.
std::string_view category_meaning(std::string_view category);

/// How many students lost points in `column` in each category, most common first (ties by
/// name); a student counts once per category however many checks failed with it.
std::vector<std::pair<std::string, int>> category_counts(const ClassResults& results,
                                                         const LabColumn& column);

/// "YYYY-MM-DD HH:MM UTC" of `when`.
std::string utc_minute_text(std::chrono::system_clock::time_point when);

}  // namespace pclab::grader
