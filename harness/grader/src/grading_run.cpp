#include "grading_run.hpp"

#include <algorithm>
#include <numeric>

namespace pclab::grader {

bool LabResult::has_error() const {
    return !lab_error_category.empty() || !lab_error.empty();
}

std::string LabResult::error_category() const {
    // "assertion" is the category of an untagged failure: the least specific claim the grader
    // can make about a failure nobody classified.
    return lab_error_category.empty() ? "assertion" : lab_error_category;
}

bool LabResult::gate_open() const {
    return std::all_of(checks.begin(), checks.end(), [this](const CheckResult& check) {
        return check.gated_by_all || counts_as_passed(check);
    });
}

bool LabResult::held_by_gate(const CheckResult& check) const {
    return check.gated_by_all && check.passed && !has_error() && !gate_open();
}

std::vector<const CheckResult*> LabResult::failed_correctness_checks() const {
    std::vector<const CheckResult*> failed;
    for (const CheckResult& check : checks) {
        if (!check.gated_by_all && !counts_as_passed(check)) {
            failed.push_back(&check);
        }
    }
    return failed;
}

bool LabResult::counts_as_passed(const CheckResult& check) const {
    // A correctness check never reaches gate_open(), so the recursion ends after one level.
    return check.passed && !has_error() && (!check.gated_by_all || gate_open());
}

int LabResult::awarded(const CheckResult& check) const {
    return counts_as_passed(check) ? std::max(check.max_score, 0) : 0;
}

std::string LabResult::category_of(const CheckResult& check) const {
    if (counts_as_passed(check)) {
        return {};
    }
    if (held_by_gate(check)) {
        // What the student has to fix first is the correctness failure, so its category leads.
        return category_of(*failed_correctness_checks().front());
    }
    if (!check.category.empty()) {
        return check.category;
    }
    // A failure nobody classified is still a failure, and still needs a category.
    return has_error() ? error_category() : "assertion";
}

std::string LabResult::message_of(const CheckResult& check) const {
    if (held_by_gate(check)) {
        std::string failed;
        for (const CheckResult* other : failed_correctness_checks()) {
            failed += (failed.empty() ? "" : ", ") + other->name;
        }
        return "performance points need every correctness check to pass; failed: " + failed;
    }
    if (!check.message.empty() || counts_as_passed(check)) {
        return check.message;
    }
    if (!lab_error.empty()) {
        return lab_error;
    }
    return check.explains;
}

int LabResult::score() const {
    return std::accumulate(
        checks.begin(), checks.end(), 0,
        [this](int sum, const CheckResult& check) { return sum + awarded(check); });
}

int LabResult::max_score() const {
    return std::accumulate(checks.begin(), checks.end(), 0, [](int sum, const CheckResult& check) {
        return sum + std::max(check.max_score, 0);
    });
}

int GradingRun::score() const {
    return std::accumulate(labs.begin(), labs.end(), 0,
                           [](int sum, const LabResult& lab) { return sum + lab.score(); });
}

int GradingRun::max_score() const {
    return std::accumulate(labs.begin(), labs.end(), 0,
                           [](int sum, const LabResult& lab) { return sum + lab.max_score(); });
}

}  // namespace pclab::grader
