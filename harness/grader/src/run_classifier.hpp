#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "code_location.hpp"
#include "isolated_process.hpp"

namespace pclab::grader {

/// Why a check run failed. The string forms are stable (docs/architecture.md): reports, lab.json
/// `expected_categories` and the testkit's `[pclab:<category>] ` tags use them.
enum class Category {
    data_race,
    lost_item,
    duplicate_item,
    wrong_result,
    order_violated,
    capacity_exceeded,
    early_join,
    busy_wait,
    deadlock,
    crash,
    memory_limit,
    process_limit,
    tampering,
    compile_error,
    missing_file,
    std_sync_name,
    forbidden_include,
    not_implemented,
    assertion,
};

/// The stable name of `category`, as listed in pclab/failure_categories.hpp.
std::string_view to_string(Category category);

/// The inverse of to_string; nullopt for any other text (case-sensitive, no spaces).
std::optional<Category> category_from_string(std::string_view text);

/// What the classifier needs to know about how the run was set up.
struct ClassifyContext {
    bool tsan_build = false;
    /// File names or repo-relative paths of the student's files, to point data races there.
    std::vector<std::string> student_files;
    /// The run's wall-clock budget, quoted in the deadlock message.
    std::chrono::milliseconds timeout{0};
    /// The run's resident-memory limit, quoted in the memory-limit message; nullopt if none.
    std::optional<std::size_t> resident_limit_bytes;
    /// False when the grader gave the run a report key and the report has no matching digest
    /// (pclab/report_digest.hpp): it was forged or changed by the code under test.
    bool report_sealed = true;
    /// The run's process-and-thread limit, quoted in the process-limit message; 0 if none.
    std::size_t task_limit = 0;
};

/// The classification of one run.
struct Verdict {
    bool passed = false;
    /// Set exactly when !passed.
    std::optional<Category> category;
    /// Plain feedback for the student, a few lines, no stack dumps. Empty when passed.
    std::string message;
    /// The first "[pclab:seed] <n>" the run printed (stderr first, then stdout).
    std::optional<std::uint64_t> seed;
    /// The place in the student's code the message is about, when known (data races).
    std::optional<CodeLocation> where;
};

/// Classifies one check run from its outcome and its GoogleTest JSON report.
///
/// `gtest_json` is the parsed --gtest_output=json file, or nullopt when the process wrote none
/// or it was not valid JSON. Any shape of JSON is accepted; fields that are missing or of the
/// wrong type count as absent.
///
/// The first matching rule decides:
///  1. the process failed to start                         -> crash
///  2. it ran out of time                                  -> deadlock (+ watchdog thread lines)
///  3. it exceeded the memory limit                        -> memory-limit
///     it left >= 8 processes behind, could not create a thread ("Resource temporarily
///     unavailable") or reached half its task limit in threads  -> process-limit
///  4. ThreadSanitizer reported (even with exit status 0)  -> data-race; lock-order-inversion
///     -> deadlock; any other report -> crash
///  5. the testkit watchdog fired ([pclab:deadlock])      -> deadlock
///     it exited with a report that is not sealed          -> tampering
///  6. the JSON lists failures -> the first failure's category: its `[pclab:<category>] ` tag,
///     "not implemented: X" -> not-implemented, std::bad_alloc -> memory-limit, another
///     exception -> crash, anything else -> assertion
///  7. killed by a signal -> crash naming the signal or the uncaught exception
///     (NotImplemented -> not-implemented, bad_alloc -> memory-limit)
///  8. no JSON -> crash (a process that ends itself early never passes)
///  9. no test ran, or a test did not complete             -> assertion
/// 10. passed exactly when it exited 0 and the JSON has >= 1 test and no failures; a passing
///     JSON with a non-zero exit status is a crash.
///
/// Never throws for any outcome or JSON. Thread-safe (no shared state).
Verdict classify_run(const ProcessOutcome& outcome, const std::optional<nlohmann::json>& gtest_json,
                     const ClassifyContext& context);

}  // namespace pclab::grader
