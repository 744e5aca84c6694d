#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "code_location.hpp"

namespace pclab::grader {

/// One line of a ThreadSanitizer stack: `#N function file:line[:column] (module+0xoffset)`.
struct TsanFrame {
    std::string function;  ///< as printed; empty for "<null>"
    std::string file;      ///< as printed; empty for "<null>"
    int line = 0;          ///< 0 when the frame has no line
};

/// One access (or, in a lock-order report, one mutex acquisition) with its stack.
struct TsanAccess {
    /// Data races: "read", "write", "atomic read", "atomic write", ... (lower case).
    /// Lock-order inversions: "lock M1 while holding M0" or, for the earlier acquisition,
    /// "lock M0". Empty for a report's own stack (e.g. "unlock of an unlocked mutex").
    std::string operation;
    int size = 0;           ///< bytes accessed; 0 when not stated
    std::string thread;     ///< "T2" or "main thread"; empty when not stated
    bool previous = false;  ///< the "Previous ..." access, the one that happened first
    std::vector<TsanFrame> stack;
};

/// A thread the report mentions, with where it was created.
struct TsanThread {
    std::string name;  ///< "T2"
    std::vector<TsanFrame> created_at;
};

/// One "WARNING: ThreadSanitizer: ..." block.
struct TsanReport {
    /// The warning without "(pid=N)": "data race", "heap-use-after-free",
    /// "lock-order-inversion (potential deadlock)", "thread leak", ...
    std::string kind;
    std::vector<TsanAccess> accesses;  ///< in report order
    /// The "Location is ..." text without addresses: "global 'counter' of size 4",
    /// "heap block of size 56". Empty when the report has none.
    std::string location;
    std::vector<TsanThread> threads;
    /// The "SUMMARY: ThreadSanitizer: " line without its prefix.
    std::string summary;
};

/// Every report in `text` (a process's stderr; other output may be interleaved between
/// reports), in order. A report runs from its WARNING line to the next "==================" line,
/// the next WARNING, or the end of the text (output cut off by the cap). Never throws on
/// malformed input: lines it does not understand are skipped.
std::vector<TsanReport> parse_tsan_reports(std::string_view text);

/// A report rewritten as feedback a student can act on.
struct TsanExplanation {
    /// A few sentences: what went wrong, where (file:line in the student's files when the stacks
    /// reach them), which threads, and what to do about it.
    std::string text;
    /// The first access's place in a student file; failing that, the first useful frame.
    std::optional<CodeLocation> where;
};

/// Explains `report`. `student_files` are file names or repo-relative paths of the student's
/// files ("result_list.hpp", "labs/01-shared-results/result_list.hpp"). For each access the
/// explanation names the first frame in a student file, or else the first frame outside the
/// system and sanitizer sources. Student files are shown as given in `student_files`, other
/// files by their base name.
TsanExplanation explain(const TsanReport& report, const std::vector<std::string>& student_files);

}  // namespace pclab::grader
