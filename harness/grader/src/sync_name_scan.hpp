// The synchronisation-name rule: lab code must name the kit's primitives (`pclab::mutex`,
// `pclab::condition_variable`, `pclab::counting_semaphore`, `pclab::binary_semaphore`,
// `pclab::thread`, `pclab::this_thread::...`), never the std ones directly.
//
// Why a rule at all: in explore mode the pclab names become wrappers over a controlled scheduler
// that decides which thread runs next. A `std::mutex` or a `std::thread` in student code would
// run outside that scheduler, so the exploration could neither see nor control it, and its
// verdicts about that code would mean nothing. The grader therefore rejects such code up front,
// naming the file, line and column of each use and what to write instead.
//
// This is a lexical scan, not a compiler: it tokenises the text (splicing continued lines and
// skipping comments, string, raw-string and character literals) and looks for `std :: NAME`.
// What it cannot see through it flags at the source instead: `using namespace std;` (after which
// a bare `mutex` could be std's) is itself a finding. Macros that build a name out of pieces, or
// a namespace alias for std, are not detected; the rule is there to catch honest mistakes early
// with a clear message, not to defeat deliberate evasion.
#pragma once

#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

namespace pclab::grader {

/// One direct use of a std synchronisation name in a student file.
struct ForbiddenSyncName {
    /// The path as given by the caller (e.g. "labs/02-bounded-buffer/bounded_buffer.hpp").
    std::string file;
    /// 1-based line of the `std` that starts the name (for a using-directive: of `using`), in
    /// the file as written, before continued lines are joined.
    int line = 0;
    /// 1-based column of that token, counted in bytes (a tab counts as one), as clang reports it.
    int column = 0;
    /// What was written, in canonical spelling whatever the spacing or a leading `::`:
    /// "std::mutex", "std::this_thread::yield", "using namespace std".
    std::string name;
    /// What to write instead: a pclab name ("pclab::mutex"), or, when the labs offer no
    /// equivalent, a sentence saying so and what to build it from.
    std::string use_instead;

    friend bool operator==(const ForbiddenSyncName&, const ForbiddenSyncName&) = default;
};

/// Scans C++ source text. Comments, string literals (including raw strings R"x(...)x") and
/// character literals are ignored.
///
/// Forbidden, written `std::NAME` (optionally `::std::NAME`; whitespace and comments allowed
/// around `::`): mutex, timed_mutex, recursive_mutex, recursive_timed_mutex, shared_mutex,
/// shared_timed_mutex, condition_variable, condition_variable_any, thread, jthread,
/// counting_semaphore, binary_semaphore, latch, barrier, async, and this_thread::yield,
/// this_thread::sleep_for, this_thread::sleep_until. Also forbidden: the using-directives
/// `using namespace std;` and `using namespace std::this_thread;`, because the bare names they
/// make visible cannot be told apart from the student's own.
///
/// Allowed, because they do not create, block or schedule threads by themselves: the lock
/// holders (`std::unique_lock`, `std::lock_guard`, `std::scoped_lock` and their tags),
/// `std::cv_status`, `std::atomic`, `std::this_thread::get_id` and the type it returns,
/// `std::thread::id` (also spelt `std::jthread::id`). A longer identifier (`std::mutexes`), a name
/// not qualified by `std` (`pclab::thread`, `thread.join()`) and other `using namespace std::...`
/// directives (`std::chrono_literals`) are not findings either.
///
/// Never throws on malformed input: an unterminated comment or literal ends the scan, an
/// unterminated string or character literal ends at its line.
/// @param source the text of one file.
/// @param file copied into every finding's `file`.
/// @return the findings in source order.
std::vector<ForbiddenSyncName> scan_sync_names(std::string_view source, const std::string& file);

/// Reads and scans a file; throws std::runtime_error if it cannot be read.
/// @param path the file to read (as bytes; no encoding is assumed).
/// @param display_name what the findings call the file, e.g. its repo-relative path, so that the
///        student sees their own path rather than a staging directory.
std::vector<ForbiddenSyncName> scan_sync_names_in_file(const std::filesystem::path& path,
                                                       const std::string& display_name);

/// The student-facing explanation of a non-empty list: names each file:line:column, what was
/// written, what to use instead, and one sentence on why (the lab's names become
/// scheduler-controlled in explore mode; std ones would run outside the scheduler, so the
/// exploration checks could not see or control those threads). Lists at most 10 findings and
/// says how many more. Returns "" for an empty list.
std::string explain_forbidden_sync_names(const std::vector<ForbiddenSyncName>& found);

}  // namespace pclab::grader
