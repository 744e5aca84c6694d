/// @file
/// @ingroup exploration
/// @brief `pclab::explore::explore()` and `pclab::explore::replay()`: run a concurrent test
///        body under many controlled schedules, report the first that fails as a step-by-step
///        interleaving trace, and replay it exactly from its schedule id.
///
/// **How to write a test body.** A callable that builds the shared object, starts
/// `pclab::explore::thread`s (named: `thread t("producer 1", ...)`), joins them and checks the
/// outcome: it fails by throwing (check() throws CheckFailed; any other exception counts too)
/// or by returning a non-empty `std::optional<std::string>` message; it passes by returning
/// normally (or nullopt). Threads may call check() as well. The body runs once per schedule,
/// so it must build every shared object afresh (capture nothing mutable across runs).
///
/// **Schedule ids.** A failing schedule is named by a string such as
/// `random:seed=7:schedule=12:spurious=4:budget=1:timeouts=1:max-steps=20000:choices=0110a...`
/// (for PCT also `depth=3:steps=57`): the strategy, the seed, the schedule's index, the settings
/// that decide which questions a run asks, and the recorded choice list (each choice one
/// base-36 digit, `{n}` for n >= 36). replay() runs the choice list when there is one, or else
/// re-derives the strategy from the seed and index; either way the run and its trace are the
/// same, byte for byte.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>
#include <vector>

#include "pclab/explore/scheduler.hpp"
#include "pclab/explore/strategy.hpp"

namespace pclab::explore {

/// @brief Which Strategy explore() draws schedules from.
enum class StrategyKind : std::uint8_t {
    random,  ///< RandomStrategy: a uniform choice at every step
    pct,     ///< PctStrategy: priorities with depth − 1 change points
};

/// @brief "random" or "pct".
/// @param kind any kind.
std::string_view to_string(StrategyKind kind) noexcept;

/// @brief How explore() searches.
struct ExploreOptions {
    StrategyKind strategy = StrategyKind::random;  ///< where choices come from
    std::uint64_t seed = 0;                        ///< the base seed; equal seeds, equal runs
    std::uint32_t schedules = 100;                 ///< how many schedules to try at most
    /// @brief PCT's bug depth d (PCT only): d − 1 priority change points per run. 3: deep
    ///        enough for the lab bugs (a lost wake-up needs two preemptions).
    std::uint32_t pct_depth = 3;
    /// @brief PCT's step estimate k for the first (calibration) run; later runs use the
    ///        number of steps the calibration run took.
    std::uint64_t pct_calibration_steps = 100;
    /// @brief A condition wait returns spuriously once in this many, within the budget of
    ///        SchedulerOptions::max_spurious_wakes_in_a_row (0: never).
    std::uint32_t spurious_wake_one_in = 4;
    /// @brief After the first failing schedule, run up to this many more and report the
    ///        failing one with the fewest steps (same verdict kind): a shorter trace tells the
    ///        same story. 0: report the first failure.
    std::uint32_t shorten_within = 0;
    SchedulerOptions scheduler;  ///< limits and budgets of each run
};

/// @brief Everything that fixes one schedule; its text form is the schedule id.
struct ScheduleId {
    StrategyKind strategy = StrategyKind::random;  ///< the strategy's kind
    std::uint64_t seed = 0;                        ///< the base seed of the exploration
    std::uint32_t schedule = 0;                    ///< the schedule's index, from 0
    std::uint32_t pct_depth = 3;                   ///< PCT only: d
    std::uint64_t pct_steps = 100;                 ///< PCT only: k
    std::uint32_t spurious_wake_one_in = 4;        ///< as in ExploreOptions
    SchedulerOptions scheduler;                    ///< as in ExploreOptions
    /// @brief The recorded choice values, in order; empty with `has_choices` false means
    ///        "re-derive from the seed".
    std::vector<std::uint32_t> choices;
    bool has_choices = false;  ///< whether `choices` is the recorded list

    /// @brief The schedule id (see the file comment).
    std::string to_string() const;
    /// @brief Reads a schedule id; nullopt if `text` is not one.
    /// @param text a string to_string() produced (possibly without the choices field).
    static std::optional<ScheduleId> parse(std::string_view text);
};

/// @brief The seed of schedule `schedule` of an exploration seeded with `seed`.
/// @param seed the base seed.
/// @param schedule the schedule's index.
std::uint64_t schedule_seed(std::uint64_t seed, std::uint32_t schedule) noexcept;

/// @brief A test body: returns nullopt to pass, a message to fail (or throws).
using ExploreBody = std::function<std::optional<std::string>()>;

/// @brief What explore() or replay() found.
struct ExploreResult {
    bool failed = false;  ///< whether some schedule failed
    /// @brief How many schedules ran up to the first failure (it included), or all of them.
    std::uint32_t schedules_run = 0;
    /// @brief How many steps the first failing schedule took (ExploreOptions::shorten_within
    ///        may report a shorter one).
    std::size_t first_failure_steps = 0;
    /// @brief How many failing schedules the search saw (1 unless shorten_within > 0).
    std::uint32_t failing_schedules_seen = 0;
    Verdict verdict;              ///< the failing schedule's verdict (passed if none failed)
    std::string schedule_id;      ///< the failing (or, for replay, the replayed) schedule
    std::vector<Choice> choices;  ///< its choice list
    std::string trace;            ///< its interleaving trace (see format_trace())
    RunRecord record;             ///< its full record
};

/// @brief Runs `body` once under `strategy` (a fresh Scheduler) and returns the record.
/// @param body the test body.
/// @param strategy the decision-maker, fresh for this run.
/// @param options limits and budgets.
RunRecord run_schedule(const ExploreBody& body, Strategy& strategy,
                       const SchedulerOptions& options = {});

/// @brief Formats a run as text: a header naming the schedule, one column per thread (headed
///        by its name), one row per step ("operation @ file:line" in the column of the thread
///        that took it), then the verdict and, for a deadlock, where each thread waits.
///
/// Deterministic: equal records give equal text (no addresses, no times).
/// @param record the run.
/// @param schedule_id the id to print in the header.
std::string format_trace(const RunRecord& record, std::string_view schedule_id);

/// @brief Runs `body` under up to `options.schedules` schedules and stops at the first that
///        fails.
///
/// For PCT, schedule 0 is the calibration run: its step count becomes k for the rest. Blocks
/// until done; runs one schedule at a time.
/// @param body the test body.
/// @param options how to search.
ExploreResult explore(const ExploreBody& body, const ExploreOptions& options = {});

/// @brief explore() for a body that returns `void` (it fails by throwing).
/// @param body the test body.
/// @param options how to search.
template <class Body>
requires std::is_void_v<std::invoke_result_t<Body&>> ExploreResult
explore(Body body, const ExploreOptions& options = {}) {
    return explore(ExploreBody([body = std::move(body)]() mutable -> std::optional<std::string> {
                       body();
                       return std::nullopt;
                   }),
                   options);
}

/// @brief Runs `body` under the schedule `schedule_id` names; the result's trace equals, byte
///        for byte, the trace of the run that produced the id.
///
/// Throws `std::invalid_argument` if `schedule_id` is not a schedule id.
/// @param body the test body (the same one).
/// @param schedule_id an id from an ExploreResult (or ScheduleId::to_string()).
ExploreResult replay(const ExploreBody& body, std::string_view schedule_id);

/// @brief replay() for a body that returns `void`.
/// @param body the test body.
/// @param schedule_id as for replay().
template <class Body>
requires std::is_void_v<std::invoke_result_t<Body&>> ExploreResult
replay(Body body, std::string_view schedule_id) {
    return replay(ExploreBody([body = std::move(body)]() mutable -> std::optional<std::string> {
                      body();
                      return std::nullopt;
                  }),
                  schedule_id);
}

}  // namespace pclab::explore
