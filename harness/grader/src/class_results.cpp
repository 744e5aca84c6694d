#include "class_results.hpp"

#include <algorithm>
#include <ctime>
#include <map>
#include <set>

#include <pclab/failure_categories.hpp>

namespace pclab::grader {

int ClassResults::graded_count() const {
    return static_cast<int>(std::count_if(students.begin(), students.end(),
                                          [](const StudentResult& s) { return s.graded; }));
}

int ClassResults::failed_count() const {
    return static_cast<int>(students.size()) - graded_count();
}

LabCell cell_of(const StudentResult& student, const LabColumn& column) {
    LabCell cell;
    cell.max_score = column.max_score;
    if (student.graded) {
        for (const LabResult& lab : student.run.labs) {
            if (lab.id != column.id) {
                continue;
            }
            cell.lab = &lab;
            cell.score = lab.score();
            cell.max_score = lab.max_score();
            std::set<std::string> categories;
            for (const CheckResult& check : lab.checks) {
                if (!lab.counts_as_passed(check)) {
                    categories.insert(lab.category_of(check));
                }
            }
            // A lab that could not run and has no check left still lost something.
            if (categories.empty() && lab.has_error()) {
                categories.insert(lab.error_category());
            }
            cell.categories.assign(categories.begin(), categories.end());
            return cell;
        }
    }
    cell.grading_error = true;
    cell.categories = {std::string(kGradingErrorCategory)};
    return cell;
}

std::pair<int, int> total_of(const StudentResult& student, const std::vector<LabColumn>& labs) {
    std::pair<int, int> total{0, 0};
    for (const LabColumn& column : labs) {
        const LabCell cell = cell_of(student, column);
        total.first += cell.score;
        total.second += cell.max_score;
    }
    return total;
}

std::string_view category_meaning(std::string_view category) {
    for (const FailureCategory& known : kFailureCategories) {
        if (known.name == category) {
            return known.meaning;
        }
    }
    return category == kGradingErrorCategory ? kGradingErrorMeaning : std::string_view{};
}

std::vector<std::pair<std::string, int>> category_counts(const ClassResults& results,
                                                         const LabColumn& column) {
    std::map<std::string, int> counts;
    for (const StudentResult& student : results.students) {
        for (const std::string& category : cell_of(student, column).categories) {
            ++counts[category];
        }
    }
    std::vector<std::pair<std::string, int>> sorted(counts.begin(), counts.end());
    std::stable_sort(sorted.begin(), sorted.end(),
                     [](const auto& a, const auto& b) { return a.second > b.second; });
    return sorted;
}

std::string utc_minute_text(std::chrono::system_clock::time_point when) {
    const std::time_t seconds = std::chrono::system_clock::to_time_t(when);
    std::tm utc{};
    gmtime_r(&seconds, &utc);
    char buffer[32];
    std::strftime(buffer, sizeof buffer, "%Y-%m-%d %H:%M UTC", &utc);
    return buffer;
}

}  // namespace pclab::grader
