/// @file
/// @ingroup exploration
/// @brief `pclab::explore::ScriptStrategy`, a Strategy that follows a schedule a person wrote
///        ("consumer 1, then producer, then consumer 2, ..."), and `parse_script()`, which reads
///        such a schedule from text.
///
/// **Why.** Random and PCT schedules find a bug; a written schedule *explains* one. A lab can
/// ask its users for the schedule that breaks a broken variant (the way OSTEP's homework asks
/// for a sleep string), replay their answer under the controlled scheduler against the broken
/// code and the correct code, and show the interleaving trace of both runs.
///
/// **Script text.** One entry per line; `;` and `,` separate entries too. `#` starts a comment
/// that runs to the end of its line. Blank entries are ignored. An entry is a thread name as
/// the traces spell it (`producer`, `consumer 1`): runs of spaces and tabs inside a name count
/// as one space, and spaces around it do not count. A name is plain printable ASCII without
/// quotes, so a pasted typographic quote or dash, or a name written in quotes, is reported on
/// its line instead of silently naming no thread.
///
/// **What a script means.** A run proceeds in *turns*; each entry gives one thread one turn:
/// - Thread 0 (`main`, the test body) is never scripted: whenever it can run, it runs first.
///   So the body starts every thread before any entry is due, and whenever it comes out of a
///   join it goes on at once (to the next join, typically).
/// - The entry's thread runs *until it blocks or ends*: as long as it can run, it is picked.
///   Then the next entry is due.
/// - If the thread an entry names cannot run at the moment the entry is due (it is blocked,
///   has ended, has not been started, or is in a timed wait that would have to time out), the
///   script is wrong: the strategy records an error such as `entry 4 (consumer 1): consumer 1
///   cannot run now: it is blocked or has ended (threads that can run now: producer)`, exposes
///   it through error(), and gives the Scheduler no answer, which ends the run with a
///   `replay_diverged` verdict (the Strategy contract). A name that is no thread's, or `main`,
///   is an error of the same kind, found when the strategy is made.
/// - When the script is exhausted, the thread that took the last step keeps running while it
///   can; when it cannot, the runnable thread with the lowest index runs (in the same way).
/// - A timed wait never times out by choice: only when no thread can run (the Scheduler's
///   rule, with the virtual clock).
/// - `notify_one` wakes the oldest waiter, and waits never return spuriously: a schedule is a
///   list of turns, nothing else.
///
/// **Every step counts.** The strategy sees every scheduling point, also those where one
/// thread alone can run (sees_every_step()), so a turn ends exactly when its thread blocks or
/// ends, and a thread that runs because nothing else could still needs its entry: the script
/// is the whole schedule, turn by turn, as the trace shows it. Only real choices are recorded,
/// so the run's choice list replays it like any other. Not thread-safe (see Strategy).
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "pclab/explore/strategy.hpp"

namespace pclab::explore {

/// @brief What parse_script() read: the entries, or why the text is not a script.
struct ParsedScript {
    /// @brief The entries' thread names in order, spaces normalised (see the file comment);
    ///        empty when `error` is set, or when the text has no entries.
    std::vector<std::string> entries;
    /// @brief What is wrong, naming the line (1 is the text's first line); nullopt when the
    ///        text is a script.
    std::optional<std::string> error;
};

/// @brief Reads script text (see the file comment). Never throws for any text; a text with
///        only comments and blank lines is a script with no entries.
/// @param text the script.
ParsedScript parse_script(std::string_view text);

/// @brief The Strategy that follows a script, turn by turn (see the file comment for the rules).
///
/// Abstract state: the entries with the thread each names, how many have had their turn, the
/// thread whose turn it is (if any) and whether its turn is over, and the error (if any).
/// Equal scripts and names give equal answers to equal questions, so one script gives one
/// schedule, and so one trace, every time.
class ScriptStrategy final : public Strategy {
  public:
    /// @brief Prepares to follow `entries`, naming threads by `thread_names`.
    ///
    /// Names not in `thread_names` (or `main`) make error() say so at once; every answer is then
    /// "no answer". Requires: `thread_names[i]` is the name thread i will have (index 0 is the
    /// test body, "main"; then the threads in the order they start); names should be distinct
    /// (a name given twice means its first thread).
    /// @param entries the thread names of the turns, in order (from parse_script()).
    /// @param thread_names the run's thread names, by index.
    ScriptStrategy(std::vector<std::string> entries, std::vector<std::string> thread_names);

    /// @brief Remembers that `thread` exists, so an entry naming a thread not yet started can
    ///        say so.
    void on_thread_started(std::size_t thread) override;
    /// @brief True: a turn ends at the very step its thread blocks, even when one other thread
    ///        alone could run next.
    bool sees_every_step() const noexcept override { return true; }
    /// @brief Main if it can run; else the turn's thread while it can; else the next entry's
    ///        thread (or, with none left, the rule for an exhausted script); "no answer" once
    ///        the script is found wrong.
    std::size_t pick_candidate(std::span<const Candidate> candidates, std::uint64_t step,
                               std::size_t current) override;
    /// @brief Always option 0: `notify_one` wakes the oldest waiter, a wait never returns
    ///        spuriously.
    std::size_t pick_option(ChoiceKind kind, std::size_t option_count) override;

    /// @brief Why the script cannot be followed, e.g. `entry 4 (consumer 1): consumer 1 cannot
    ///        run now: ...`; nullopt while it can.
    const std::optional<std::string>& error() const noexcept { return error_; }

  private:
    std::string name_of(std::size_t thread) const;
    std::string cannot_run_error(std::size_t entry, std::span<const Candidate> candidates) const;

    std::vector<std::string> entries_;
    std::vector<std::size_t> entry_threads_;  // by entry: the index of the thread it names
    std::vector<std::string> thread_names_;
    std::vector<bool> started_;        // by thread index
    std::size_t next_entry_ = 0;       // the first entry whose turn has not begun
    std::optional<std::size_t> turn_;  // the thread whose turn it is (or was, if over)
    bool turn_over_ = false;           // whether that thread has blocked or ended
    std::optional<std::string> error_;
};

}  // namespace pclab::explore
