// The results of one `./pclab grade` run: what the orchestrator fills in and the reports print.
//
// Scoring has one rule, implemented once in `LabResult::awarded`: a check earns its full points
// when it passed and its lab could run — and, for a performance check (`gated_by_all`), when
// every correctness check of its lab passed too — and nothing otherwise. Every sum (lab, run)
// and every report goes through it, so a failed check can never carry points, whatever its
// `score` field says, and speed never earns points for code that is wrong.
#pragma once

#include <chrono>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "code_location.hpp"

namespace pclab::grader {

/// The outcome of one check of one lab (all of its builds together).
/// One `[explore] ...` line of an exploration check: how one strategy fared on one scenario.
struct ExploreStatistic {
    std::string scenario;
    std::string strategy;         ///< "random" or "pct"
    std::uint32_t schedules = 0;  ///< schedules run: up to the first failure, or all
    bool failed = false;
    double seconds = 0;  ///< wall time of the exploration
};

struct CheckResult {
    std::string name;
    std::string explains;             ///< From lab.json: what passing means.
    std::vector<std::string> builds;  ///< The builds the check ran in ("plain", "tsan").
    int max_score = 0;                ///< The check's points.
    /// An instructor's hidden check (hidden-checks/): graded, but not shown to students before
    /// grades are published.
    bool hidden = false;
    /// The points as the orchestrator recorded them. Informational only: sums and reports use
    /// `LabResult::awarded`, which is all-or-nothing.
    int score = 0;
    bool passed = false;
    /// A performance check (lab.json `gated_by_all`): it counts as passed only when every
    /// correctness check (every check without the flag) of its lab counts as passed.
    bool gated_by_all = false;
    std::string category;  ///< Empty when passed; otherwise one of the category strings.
    std::string message;   ///< Plain explanation for the student; may span lines.
    std::optional<std::uint64_t> seed;  ///< The seed that reproduces the failure, if known.
    /// One shell line that re-runs just this check, e.g.
    /// "./pclab grade 01 --impl solution --check exact-results --seed 42". May be empty.
    std::string replay_command;
    std::optional<CodeLocation> where;  ///< The student-code line to look at, if known.
    std::chrono::milliseconds duration{0};
    /// Build flavour → category, for each build the check failed in (a check may fail in
    /// several; `category` is the one reported). Lets `./pclab rates` say which technique
    /// caught a bug.
    std::map<std::string, std::string> failed_builds;
    /// The exploration statistics its explore build printed, in order.
    std::vector<ExploreStatistic> explore_statistics;
};

/// The outcome of one lab.
struct LabResult {
    std::string id, slug, title;
    std::string impl;  ///< "student", "solution", "unsafe:<name>" or a submission label.
    std::vector<CheckResult> checks;
    /// A category (e.g. "compile-error") when the whole lab could not run; empty otherwise.
    std::string lab_error_category;
    std::string lab_error;  ///< The explanation, e.g. the compiler's first error.

    /// True when the whole lab could not run (`lab_error_category` or `lab_error` set).
    bool has_error() const;
    /// The category of the lab's error: `lab_error_category`, or "assertion" when only the
    /// message was filled in. Meaningful only when `has_error()`.
    std::string error_category() const;
    /// Whether every correctness check (every check without `gated_by_all`) counts as passed:
    /// the gate of the performance checks. The checks are those of this run, so grading one
    /// check with `--check` judges it alone. True for a lab without correctness checks.
    bool gate_open() const;
    /// Whether `check` passed its own tests but is held back by the gate: a performance check
    /// of a lab whose correctness failed somewhere.
    bool held_by_gate(const CheckResult& check) const;
    /// The correctness checks (those not gated_by_all) that lost their points, in report order:
    /// what holds a gated check back, and what the student must fix first.
    std::vector<const CheckResult*> failed_correctness_checks() const;
    /// Whether `check` counts as passed: it passed, the lab has no error and, for a
    /// performance check, gate_open().
    bool counts_as_passed(const CheckResult& check) const;
    /// The one scoring rule: `check.max_score` (never negative) when `counts_as_passed(check)`,
    /// else 0.
    int awarded(const CheckResult& check) const;
    /// The category to report for `check`: empty when it counts as passed; when held by the
    /// gate, the category of the first failed correctness check; else its own category, else
    /// the lab's error category, else "assertion" (an unclassified failure).
    std::string category_of(const CheckResult& check) const;
    /// The message to report for `check`: its own; when held by the gate, "performance points
    /// need every correctness check to pass; failed: " and their names; for a failure without a
    /// message, the lab's error, else its `explains` (so a lost point always comes with a
    /// reason).
    std::string message_of(const CheckResult& check) const;

    int score() const;      ///< Sum of `awarded` over the checks.
    int max_score() const;  ///< Sum of the checks' `max_score`.
};

/// One grading run over one or more labs.
struct GradingRun {
    std::uint64_t seed = 0;  ///< The base seed every check received (PCLAB_SEED).
    std::string impl;        ///< The implementation asked for on the command line.
    std::vector<LabResult> labs;
    std::chrono::milliseconds duration{0};
    /// What every check's timeout was multiplied by (machine_calibration.hpp).
    double timeout_scale = 1.0;

    int score() const;      ///< Sum of the labs' scores.
    int max_score() const;  ///< Sum of the labs' max scores.
};

}  // namespace pclab::grader
