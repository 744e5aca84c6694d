/// @file
/// @ingroup testkit
/// @brief Watchdog: turns a hung test process into a `[pclab:deadlock]` report and exit 86.
///
/// The grader gives every check a wall-clock budget (`PCLAB_TIMEOUT_MS`) and kills the process
/// group when it runs out. Killed from outside, a process says nothing; so the watchdog fires
/// first and says who was stuck where. It fires at the earlier of
///
/// - **everyone asleep**: for kQuietWindow nothing made progress (thread_registry.hpp) *and*
///   every other thread of the process, observers aside, is asleep in the kernel. That is what
///   a deadlock or a lost wake-up looks like from outside: nobody runs, so nobody can wake
///   anybody. No test sleeps anywhere near that long (their measurement windows are 500 ms),
///   and a thread that is merely slow, on a loaded machine, is runnable (`R`), not asleep; so
///   correct code never trips it. It turns a 20-second check that hangs into a 4-second one.
///   Observers (threads attached to a ThreadKind::observer registration) are left out, running
///   or asleep, and what they do is not progress: they only watch the code under test and no
///   other thread waits for them, so their running cannot wake anybody, and a test whose
///   producers and consumers lost a wake-up while its observers keep reading qsize() is as
///   hung as one without observers.
/// - **late**: 80% of the budget has passed (a thread spinning for ever is never asleep; nor
///   is a thread that polls without being declared an observer).
///
/// The report, whose first line ends with the rule that fired (`everyone asleep` or `80% of
/// the time budget used`):
///
/// @code
/// [pclab:deadlock] no progress for 4210 ms, everyone asleep
///   main: waiting for workers
///   producer 0: finished
///   consumer 2: blocked in get()
/// [pclab:seed] 1234
///   to replay: PCLAB_SEED=1234 ./tests --gtest_filter=Suite.Name
/// @endcode
///
/// then flushes and calls `std::_Exit(86)`. The thread lines come from thread_registry.hpp;
/// the lines after them are the footer the seed listener keeps up to date (see
/// set_deadlock_report_footer).
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <mutex>
#include <optional>
#include <string>
#include <thread>

namespace pclab::testkit {

/// @brief A timer thread that reports and ends the process when every thread has been asleep
///        without progress for kQuietWindow, or when it is still running at 80% of its budget.
///
/// Abstract state: a deadline (construction time + 80% of the budget) and a flag `stopped`.
/// Its thread wakes every kSampleInterval to read the other threads' states from `/proc`.
/// Not copyable or movable. Its thread is a plain `std::thread`, deliberately outside any
/// scheduling control that pclab::thread may gain.
class Watchdog {
  public:
    /// @brief Exit status after a report; the grader reads it as `deadlock`.
    static constexpr int kExitStatus = 86;

    /// @brief Fires at this share of the budget, leaving the remaining 20% for the report to
    ///        be written and read before the grader's own kill.
    static constexpr double kFireFraction = 0.8;

    /// @brief How long every thread must be asleep with no progress before it is a deadlock:
    ///        8 times the longest deliberate sleep in a lab test (500 ms), 10^5 times a wake-up.
    static constexpr std::chrono::milliseconds kQuietWindow{4000};

    /// @brief How often the timer thread looks at the other threads.
    static constexpr std::chrono::milliseconds kSampleInterval{200};

    /// @brief Reads `PCLAB_TIMEOUT_MS`.
    /// @return nothing when unset; the budget otherwise.
    /// Throws `std::invalid_argument` if it is set but not a positive decimal integer.
    static std::optional<std::chrono::milliseconds> budget_from_environment();

    /// @brief Starts the timer.
    /// @param budget the whole wall-clock budget; the watchdog fires at kFireFraction of it.
    explicit Watchdog(std::chrono::milliseconds budget);

    /// @brief Stops the timer (if it has not fired) and joins its thread. Blocks briefly.
    ~Watchdog();

    Watchdog(const Watchdog&) = delete;             ///< Not copyable.
    Watchdog& operator=(const Watchdog&) = delete;  ///< Not copyable.

  private:
    void wait_then_fire(std::chrono::steady_clock::time_point deadline);
    static bool everyone_else_asleep();

    std::mutex mutex_;
    std::condition_variable stop_requested_;
    bool stopped_ = false;  // guarded by mutex_
    std::thread timer_;
};

/// @brief Which of the watchdog's two rules fired (see the file comment).
enum class WatchdogRule : std::uint8_t {
    everyone_asleep,  ///< no progress for kQuietWindow, every non-observer thread asleep
    late,             ///< kFireFraction of the budget has passed
};

/// @brief Returns the report the watchdog prints: the `[pclab:deadlock]` line, one line per
///        watched thread, then the footer.
/// @param idle how long nothing has made progress.
/// @param rule the rule that fired, named at the end of the first line: it tells a reader
///        whether the threads were seen stuck (everyone asleep) or the time simply ran out.
std::string format_deadlock_report(std::chrono::milliseconds idle, WatchdogRule rule);

/// @brief Sets the lines printed after the thread lines (each ending in a newline).
///
/// SeedListener sets the running test's seed and replay hint here when each test starts.
/// Thread-safe. Never blocks for long.
void set_deadlock_report_footer(std::string footer);

}  // namespace pclab::testkit
