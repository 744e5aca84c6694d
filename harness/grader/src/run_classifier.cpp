#include "run_classifier.hpp"

#include <signal.h>

#include <algorithm>
#include <array>
#include <charconv>
#include <map>
#include <utility>

#include <pclab/failure_categories.hpp>

#include "tsan_report.hpp"

namespace pclab::grader {
namespace {

constexpr std::array<std::pair<Category, std::string_view>, kFailureCategories.size()>
    category_names = {{
        {Category::data_race, "data-race"},
        {Category::lost_item, "lost-item"},
        {Category::duplicate_item, "duplicate-item"},
        {Category::wrong_result, "wrong-result"},
        {Category::order_violated, "order-violated"},
        {Category::capacity_exceeded, "capacity-exceeded"},
        {Category::early_join, "early-join"},
        {Category::busy_wait, "busy-wait"},
        {Category::deadlock, "deadlock"},
        {Category::crash, "crash"},
        {Category::memory_limit, "memory-limit"},
        {Category::process_limit, "process-limit"},
        {Category::tampering, "tampering"},
        {Category::compile_error, "compile-error"},
        {Category::missing_file, "missing-file"},
        {Category::std_sync_name, "std-sync-name"},
        {Category::forbidden_include, "forbidden-include"},
        {Category::not_implemented, "not-implemented"},
        {Category::assertion, "assertion"},
    }};

// The enum and the shared list (pclab/failure_categories.hpp) name the same categories.
constexpr bool names_match_shared_list() {
    for (std::size_t i = 0; i < category_names.size(); ++i) {
        if (category_names[i].second != kFailureCategories[i].name) {
            return false;
        }
    }
    return true;
}
static_assert(names_match_shared_list(), "run_classifier and failure_categories.hpp disagree");

// The testkit's markers (docs/architecture.md, "The check-process protocol").
constexpr std::string_view seed_marker = "[pclab:seed] ";
constexpr std::string_view watchdog_marker = "[pclab:deadlock]";
constexpr std::string_view tag_opening = "[pclab:";
// The exit status the grader's TSAN_OPTIONS give a run that ThreadSanitizer halted.
constexpr int tsan_exit_status = 66;
// A message shows this many failing tests; the rest are counted.
constexpr std::size_t failures_shown = 3;
// Per failure: enough for a GoogleTest expectation, short of a dump of a whole container.
constexpr std::size_t failure_lines_kept = 8;
constexpr std::size_t failure_chars_kept = 600;
// An exploration failure carries an interleaving trace (pclab::explore::format_trace), whose
// table starts with this header; a trace is a few dozen rows of a few hundred characters.
constexpr std::string_view explore_trace_marker = "\nstep | main";
constexpr std::size_t trace_lines_kept = 120;
constexpr std::size_t trace_chars_kept = 40000;

std::string_view trim(std::string_view text) {
    while (!text.empty() && (text.front() == ' ' || text.front() == '\t' || text.front() == '\r' ||
                             text.front() == '\n')) {
        text.remove_prefix(1);
    }
    while (!text.empty() && (text.back() == ' ' || text.back() == '\t' || text.back() == '\r' ||
                             text.back() == '\n')) {
        text.remove_suffix(1);
    }
    return text;
}

std::vector<std::string_view> split_lines(std::string_view text) {
    std::vector<std::string_view> lines;
    while (!text.empty()) {
        const auto newline = text.find('\n');
        lines.push_back(text.substr(0, newline));
        if (newline == std::string_view::npos) {
            break;
        }
        text.remove_prefix(newline + 1);
    }
    return lines;
}

bool contains(std::string_view text, std::string_view part) {
    return text.find(part) != std::string_view::npos;
}

/// Indents every line after the first, so a multi-line text reads as one item of a list.
std::string indent_continuation(std::string_view text) {
    std::string result;
    for (const char c : text) {
        result += c;
        if (c == '\n') {
            result += "  ";
        }
    }
    return result;
}

std::string shortened(std::string_view text) {
    const auto lines = split_lines(trim(text));
    // An exploration failure's interleaving trace is its explanation: kept whole.
    const bool trace = contains(text, explore_trace_marker);
    const std::size_t lines_kept = trace ? trace_lines_kept : failure_lines_kept;
    const std::size_t chars_kept = trace ? trace_chars_kept : failure_chars_kept;
    std::string result;
    for (std::size_t i = 0; i < lines.size() && i < lines_kept; ++i) {
        result += (i == 0 ? "" : "\n") + std::string(lines[i]);
    }
    bool cut = lines.size() > lines_kept;
    if (result.size() > chars_kept) {
        result.resize(chars_kept);
        cut = true;
    }
    return cut ? result + " ..." : result;
}

std::string seconds_text(std::chrono::milliseconds duration) {
    const auto ms = duration.count();
    if (ms % 1000 == 0) {
        return std::to_string(ms / 1000) + " s";
    }
    return std::to_string(ms / 1000) + "." + std::to_string((ms % 1000) / 100) + " s";
}

std::optional<std::uint64_t> find_seed(std::string_view text) {
    for (const auto line : split_lines(text)) {
        const auto at = line.find(seed_marker);
        if (at == std::string_view::npos) {
            continue;
        }
        const auto digits = trim(line.substr(at + seed_marker.size()));
        std::uint64_t seed = 0;
        const auto [end, error] =
            std::from_chars(digits.data(), digits.data() + digits.size(), seed);
        if (error == std::errc() && end != digits.data()) {
            return seed;
        }
    }
    return std::nullopt;
}

/// The watchdog's block: its "[pclab:deadlock] ..." line without the tag, then the indented
/// thread lines after it, trimmed.
struct WatchdogBlock {
    std::string headline;
    std::vector<std::string> threads;
};

std::optional<WatchdogBlock> find_watchdog(std::string_view text) {
    const auto lines = split_lines(text);
    for (std::size_t i = 0; i < lines.size(); ++i) {
        const auto at = lines[i].find(watchdog_marker);
        // An exploration's deadlock verdict ("[pclab:deadlock] scenario ...") is a GoogleTest
        // failure carrying its trace, not the watchdog's report: it is classified as such.
        if (at == std::string_view::npos ||
            trim(lines[i].substr(at + watchdog_marker.size())).starts_with("scenario ")) {
            continue;
        }
        WatchdogBlock block;
        block.headline = std::string(trim(lines[i].substr(at + watchdog_marker.size())));
        for (std::size_t j = i + 1; j < lines.size(); ++j) {
            const auto line = lines[j];
            if (line.empty() || (line.front() != ' ' && line.front() != '\t') ||
                trim(line).empty()) {
                break;
            }
            block.threads.emplace_back(trim(line));
        }
        return block;
    }
    return std::nullopt;
}

std::string thread_lines(const WatchdogBlock& block) {
    std::string text;
    for (const auto& thread : block.threads) {
        text += "\n  " + thread;
    }
    return text;
}

/// Text after `[pclab:<category>] ` at the start of the message or of one of its lines.
std::optional<std::pair<Category, std::string>> find_tag(std::string_view message) {
    const auto lines = split_lines(message);
    for (std::size_t i = 0; i < lines.size(); ++i) {
        const auto line = lines[i];
        if (line.substr(0, tag_opening.size()) != tag_opening) {
            continue;
        }
        const auto close = line.find("] ");
        if (close == std::string_view::npos) {
            continue;
        }
        const auto category =
            category_from_string(line.substr(tag_opening.size(), close - tag_opening.size()));
        if (!category) {
            continue;
        }
        std::string text(line.substr(close + 2));
        for (std::size_t j = i + 1; j < lines.size(); ++j) {
            text += "\n" + std::string(lines[j]);
        }
        return std::pair{*category, std::string(trim(text))};
    }
    return std::nullopt;
}

/// "X" from "not implemented: X", up to the end of the line or a closing quote.
std::optional<std::string> not_implemented_member(std::string_view text) {
    constexpr std::string_view marker = "not implemented: ";
    const auto at = text.find(marker);
    if (at == std::string_view::npos) {
        return std::nullopt;
    }
    auto member = text.substr(at + marker.size());
    member = member.substr(0, member.find_first_of("\"\n"));
    return std::string(trim(member));
}

std::string not_implemented_message(const std::string& member) {
    return member + " is not implemented yet.";
}

/// One failing test's failure, classified on its own.
struct ClassifiedFailure {
    Category category;
    std::string test;
    std::string text;
};

ClassifiedFailure classify_failure(std::string test, std::string_view message) {
    if (auto tag = find_tag(message)) {
        return {tag->first, std::move(test), shortened(tag->second)};
    }
    if (auto member = not_implemented_member(message)) {
        return {Category::not_implemented, std::move(test), not_implemented_message(*member)};
    }
    if (contains(message, "std::bad_alloc")) {
        return {Category::memory_limit, std::move(test),
                "a memory allocation failed (std::bad_alloc): the program ran out of memory."};
    }
    constexpr std::string_view exception_opening = "C++ exception with description \"";
    if (const auto at = message.find(exception_opening); at != std::string_view::npos) {
        auto description = message.substr(at + exception_opening.size());
        description = description.substr(0, description.rfind("\" thrown"));
        return {Category::crash, std::move(test),
                "an exception escaped the test: \"" + std::string(description) + "\"."};
    }
    if (contains(message, "Unknown C++ exception thrown")) {
        return {Category::crash, std::move(test),
                "an exception of an unknown type escaped the test."};
    }
    // GoogleTest puts "file:line" (or "unknown file") on the first line; the expectation follows.
    const auto lines = split_lines(message);
    std::string_view body = message;
    if (lines.size() > 1) {
        body = message.substr(lines[0].size() + 1);
    }
    return {Category::assertion, std::move(test), shortened(body)};
}

// ---- GoogleTest JSON, read defensively ----------------------------------------------------

const nlohmann::json* member(const nlohmann::json& object, const char* name) {
    if (!object.is_object()) {
        return nullptr;
    }
    const auto found = object.find(name);
    return found == object.end() ? nullptr : &*found;
}

std::string string_member(const nlohmann::json& object, const char* name) {
    const auto* value = member(object, name);
    return value != nullptr && value->is_string() ? value->get<std::string>() : std::string();
}

std::optional<std::int64_t> integer_member(const nlohmann::json& object, const char* name) {
    const auto* value = member(object, name);
    if (value != nullptr && value->is_number_integer()) {
        return value->get<std::int64_t>();
    }
    return std::nullopt;
}

struct TestRecord {
    std::string name;  // "Suite.Test"
    std::string status, result;
    std::vector<std::string> failures;
};

std::vector<TestRecord> tests_in(const nlohmann::json& report) {
    std::vector<TestRecord> tests;
    const auto* suites = member(report, "testsuites");
    if (suites == nullptr || !suites->is_array()) {
        return tests;
    }
    for (const auto& suite : *suites) {
        const auto* members = member(suite, "testsuite");
        if (members == nullptr || !members->is_array()) {
            continue;
        }
        for (const auto& test : *members) {
            TestRecord record;
            record.name = string_member(suite, "name") + "." + string_member(test, "name");
            record.status = string_member(test, "status");
            record.result = string_member(test, "result");
            if (const auto* failures = member(test, "failures"); failures && failures->is_array()) {
                for (const auto& failure : *failures) {
                    record.failures.push_back(string_member(failure, "failure"));
                }
            }
            tests.push_back(std::move(record));
        }
    }
    return tests;
}

Verdict failed(Category category, std::string message) {
    Verdict verdict;
    verdict.category = category;
    verdict.message = std::move(message);
    return verdict;
}

Verdict from_failures(const std::vector<TestRecord>& tests) {
    std::vector<ClassifiedFailure> failures;
    std::size_t failing_tests = 0;
    for (const auto& test : tests) {
        if (!test.failures.empty()) {
            ++failing_tests;
            failures.push_back(classify_failure(test.name, test.failures.front()));
        }
    }
    // Here: failures is not empty. The first failing test decides the category.
    const Category category = failures.front().category;
    std::string message;
    std::size_t shown = 0;
    for (const auto& failure : failures) {
        if (failure.category != category || shown == failures_shown) {
            continue;
        }
        message +=
            (shown == 0 ? "" : "\n") + failure.test + ": " + indent_continuation(failure.text);
        ++shown;
    }
    if (failing_tests > shown) {
        message += "\n(" + std::to_string(failing_tests - shown) + " more failing test" +
                   (failing_tests - shown == 1 ? "" : "s") + " not shown)";
    }
    return failed(category, std::move(message));
}

/// "terminate called after throwing an instance of 'X'" and its "what():  Y" line.
struct UncaughtException {
    std::string type, what;
};

std::optional<UncaughtException> find_uncaught_exception(std::string_view text) {
    constexpr std::string_view opening = "terminate called after throwing an instance of '";
    const auto at = text.find(opening);
    if (at == std::string_view::npos) {
        return std::nullopt;
    }
    auto rest = text.substr(at + opening.size());
    UncaughtException exception;
    exception.type = std::string(rest.substr(0, rest.find('\'')));
    const auto lines = split_lines(rest);
    if (lines.size() > 1) {
        const auto what_line = trim(lines[1]);
        constexpr std::string_view what_prefix = "what():";
        if (what_line.substr(0, what_prefix.size()) == what_prefix) {
            exception.what = std::string(trim(what_line.substr(what_prefix.size())));
        }
    }
    return exception;
}

// Processes left running, a failed thread creation, or threads near the limit: the evidence of
// a fork or thread bomb that the task limit stopped. nullopt when there is none.
std::optional<std::string> find_task_bomb(const ProcessOutcome& outcome,
                                          const std::optional<nlohmann::json>& gtest_json,
                                          const ClassifyContext& context) {
    constexpr std::size_t processes_of_a_bomb = 8;  // a check starts none
    const std::string limit =
        context.task_limit > 0
            ? " (at most " + std::to_string(context.task_limit) + " processes and threads)"
            : "";
    if (outcome.processes_left >= processes_of_a_bomb) {
        return "The test started " + std::to_string(outcome.processes_left) +
               " processes that were still running when it ended: a fork bomb, stopped by the "
               "limit on processes" +
               limit + ". They were all killed. A check never needs fork().";
    }
    constexpr std::string_view no_more_threads = "Resource temporarily unavailable";
    const bool thread_refused = contains(outcome.stderr_text, no_more_threads) ||
                                (gtest_json && contains(gtest_json->dump(), no_more_threads));
    const bool near_limit =
        context.task_limit > 0 && outcome.peak_threads * 2 >= context.task_limit;
    if (thread_refused || near_limit) {
        return "The test could not start another thread" +
               (outcome.peak_threads > 0
                    ? " (it was seen with " + std::to_string(outcome.peak_threads) + " threads)"
                    : std::string()) +
               ": a thread bomb, stopped by the limit on processes and threads" + limit +
               ". Start a fixed number of threads and join each one.";
    }
    return std::nullopt;
}

Verdict from_signal(int signal, std::string_view stderr_text) {
    if (auto exception = find_uncaught_exception(stderr_text)) {
        if (auto member = not_implemented_member(exception->what);
            member || contains(exception->type, "NotImplemented")) {
            return failed(Category::not_implemented,
                          not_implemented_message(member.value_or(exception->what)));
        }
        if (contains(exception->type, "bad_alloc")) {
            return failed(Category::memory_limit,
                          "A memory allocation failed (std::bad_alloc) and nothing caught it: the "
                          "program ran out of memory.");
        }
        std::string message = "An exception of type " + exception->type;
        if (!exception->what.empty()) {
            message += " (\"" + exception->what + "\")";
        }
        return failed(Category::crash,
                      message + " escaped a thread and ended the test process (std::terminate).");
    }
    if (contains(stderr_text, "terminate called without an active exception")) {
        return failed(Category::crash,
                      "std::terminate ended the test process: usually a std::thread was destroyed "
                      "while still joinable. Join every thread before it goes out of scope.");
    }
    return failed(Category::crash,
                  "The test process was killed by " + signal_name(signal) + " before it finished.");
}

}  // namespace

std::string_view to_string(Category category) {
    for (const auto& [value, name] : category_names) {
        if (value == category) {
            return name;
        }
    }
    return "assertion";
}

std::optional<Category> category_from_string(std::string_view text) {
    for (const auto& [value, name] : category_names) {
        if (name == text) {
            return value;
        }
    }
    return std::nullopt;
}

namespace {

Verdict classify_without_seed(const ProcessOutcome& outcome,
                              const std::optional<nlohmann::json>& gtest_json,
                              const ClassifyContext& context) {
    const std::string_view errors = outcome.stderr_text;
    auto watchdog = find_watchdog(errors);
    if (!watchdog) {
        watchdog = find_watchdog(outcome.stdout_text);
    }

    // 1-3: the process never ran, or the grader stopped it.
    switch (outcome.end) {
        case ProcessEnd::failed_to_start:
            return failed(Category::crash,
                          "The test program could not be started: " + outcome.start_error + ".");
        case ProcessEnd::timed_out: {
            const auto budget = context.timeout.count() > 0 ? context.timeout : outcome.wall;
            std::string message =
                "No progress within " + seconds_text(budget) + "; the test process was stopped.";
            if (watchdog && !watchdog->threads.empty()) {
                message += " Where the threads were waiting:" + thread_lines(*watchdog);
            }
            return failed(Category::deadlock, message);
        }
        case ProcessEnd::memory_exceeded: {
            std::string limit = "its memory limit";
            if (context.resident_limit_bytes) {
                limit = std::to_string(*context.resident_limit_bytes >> 20) + " MiB";
            }
            return failed(Category::memory_limit,
                          "The test process used more than " + limit +
                              " of memory and was stopped; a queue that never blocks its "
                              "producer grows without bound.");
        }
        case ProcessEnd::exited:
        case ProcessEnd::signalled:
            break;
    }

    // 3b: a fork or thread bomb, stopped by the task limit.
    if (auto bomb = find_task_bomb(outcome, gtest_json, context)) {
        return failed(Category::process_limit, std::move(*bomb));
    }

    // 4: ThreadSanitizer's verdict stands whatever the tests said.
    if (const auto reports = parse_tsan_reports(errors); !reports.empty()) {
        const auto& report = reports.front();
        auto explanation = explain(report, context.student_files);
        Category category = Category::crash;
        if (report.kind == "data race" || report.kind.starts_with("data race ")) {
            category = Category::data_race;
        } else if (report.kind.starts_with("lock-order-inversion")) {
            category = Category::deadlock;
        }
        Verdict verdict = failed(category, std::move(explanation.text));
        verdict.where = std::move(explanation.where);
        return verdict;
    }

    // 5: the testkit's watchdog saw no progress and ended the run itself.
    if (watchdog) {
        return failed(Category::deadlock,
                      "The watchdog stopped the test: " + watchdog->headline + "." +
                          (watchdog->threads.empty()
                               ? ""
                               : " Where the threads were waiting:" + thread_lines(*watchdog)));
    }

    // 5b: a report the test program did not seal was written, or rewritten, by the code under
    // test; whatever it says does not count.
    if (outcome.end == ProcessEnd::exited && gtest_json && !context.report_sealed) {
        return failed(Category::tampering,
                      "The test report was not the one the test program wrote: the code under "
                      "test wrote or changed it (or ended the program before the report was "
                      "sealed). The check counts as failed whatever the report says.");
    }

    const auto tests = gtest_json ? tests_in(*gtest_json) : std::vector<TestRecord>{};
    const bool has_failures = std::any_of(tests.begin(), tests.end(),
                                          [](const auto& test) { return !test.failures.empty(); });
    // 6: GoogleTest's own account of what failed.
    if (has_failures) {
        return from_failures(tests);
    }
    if (gtest_json && integer_member(*gtest_json, "failures").value_or(0) > 0) {
        return failed(Category::assertion, "Some tests failed, but GoogleTest gave no message.");
    }

    // 7: killed by a signal (an uncaught exception aborts).
    if (outcome.end == ProcessEnd::signalled) {
        return from_signal(outcome.signal, errors);
    }

    // 8: no report at all.
    if (!gtest_json) {
        // "==PID==ERROR: ThreadSanitizer: SEGV on unknown address ...": TSan caught the signal
        // itself, printed where, and exited with its own status.
        if (const auto caught = errors.find("ERROR: ThreadSanitizer: ");
            caught != std::string_view::npos) {
            const auto kind =
                errors.substr(caught + 24, errors.find(' ', caught + 24) - caught - 24);
            const std::map<std::string_view, int> signals = {{"SEGV", SIGSEGV},
                                                             {"BUS", SIGBUS},
                                                             {"FPE", SIGFPE},
                                                             {"ILL", SIGILL},
                                                             {"ABRT", SIGABRT}};
            const auto signal = signals.find(kind);
            return failed(
                Category::crash,
                "The test process was killed by " +
                    (signal != signals.end() ? signal_name(signal->second) : std::string(kind)) +
                    " before it finished (ThreadSanitizer caught it: " +
                    std::string(trim(errors.substr(caught, errors.find('\n', caught) - caught))) +
                    ").");
        }
        if (context.tsan_build && outcome.exit_code == tsan_exit_status) {
            return failed(Category::crash,
                          "ThreadSanitizer stopped the test (exit status 66), but its report could "
                          "not be read; the output was probably cut off. Run the check locally to "
                          "see it.");
        }
        if (const auto fatal = errors.find("FATAL: ThreadSanitizer");
            fatal != std::string_view::npos) {
            const auto line = errors.substr(fatal, errors.find('\n', fatal) - fatal);
            return failed(Category::crash, "ThreadSanitizer could not run the test program (" +
                                               std::string(trim(line)) +
                                               "). This is a problem of the machine, not of your "
                                               "code.");
        }
        if (outcome.exit_code == 0) {
            return failed(Category::crash,
                          "The test process exited early (status 0) before reporting its results: "
                          "a program that ends itself is never counted as passing.");
        }
        return failed(Category::crash, "The test process exited with status " +
                                           std::to_string(outcome.exit_code) +
                                           " before its tests finished.");
    }

    // 9: every selected test must have run to completion.
    if (tests.empty()) {
        return failed(Category::assertion,
                      "No test ran: the check's test filter matched no test in the test program.");
    }
    for (const auto& test : tests) {
        if (test.status != "RUN" || test.result != "COMPLETED") {
            return failed(Category::assertion,
                          "No test ran to completion: " + test.name + " did not run (" +
                              (test.result.empty() ? test.status : test.result) + ").");
        }
    }

    // 10: every test passed; the exit status must agree.
    if (outcome.exit_code != 0) {
        return failed(Category::crash,
                      "All tests passed, but the test process then exited with "
                      "status " +
                          std::to_string(outcome.exit_code) +
                          " (for example while shutting down).");
    }
    Verdict verdict;
    verdict.passed = true;
    return verdict;
}

}  // namespace

Verdict classify_run(const ProcessOutcome& outcome, const std::optional<nlohmann::json>& gtest_json,
                     const ClassifyContext& context) {
    Verdict verdict = classify_without_seed(outcome, gtest_json, context);
    verdict.seed = find_seed(outcome.stderr_text);
    if (!verdict.seed) {
        verdict.seed = find_seed(outcome.stdout_text);
    }
    return verdict;
}

}  // namespace pclab::grader
