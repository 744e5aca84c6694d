/// @file
/// @ingroup exploration
/// @brief `pclab::explore::explore_scenario()`: one exploration check of a lab, as a GoogleTest
///        test — explore a scenario under many controlled schedules, or replay one — and
///        `pclab::explore::check_category()`, the failure a scenario body reports.
///
/// **The protocol.** A lab's exploration program (built with `PCLAB_SYNC_EXPLORE`, so the lab's
/// `pclab::mutex`, `pclab::thread`, ... are the scheduler's wrappers) holds one GoogleTest test
/// per *scenario*: a small workload (two producers, two consumers, capacity 1, ...) whose body
/// starts named `pclab::thread`s, joins them and checks the outcome. explore_scenario() runs
/// that body under up to N schedules of each strategy and fails the test at the first schedule
/// that breaks it. Its environment (set by the grader and by `./pclab explore`):
/// - `PCLAB_SEED`: the base seed (each test derives its own, as every pclab test does);
/// - `PCLAB_EXPLORE_SCHEDULES`: schedules per strategy (default: the scenario's own);
/// - `PCLAB_EXPLORE_STRATEGY`: `random`, `pct` or `random,pct` (the default: random first);
/// - `PCLAB_EXPLORE_REPLAY`: a replay id `<scenario>@<schedule id>`; then only that
///   scenario's test runs (the others skip), once, under exactly that schedule, and prints its
///   trace whether it fails or not;
/// - `PCLAB_EXPLORE_REPLAY_COMMAND`: the command a failure prints to replay it, without the
///   `--replay` argument (default: this program with the environment variable).
///
/// **What a failure says.** The GoogleTest failure message starts with the category tag
/// (`[pclab:duplicate-item] `; see failure_category.hpp), then the verdict, the interleaving
/// trace (one column per thread, one row per step, each step with its file:line), the replay id
/// and the one-line command that replays it. Categories: a check_category() failure carries its
/// own; a deadlock is `deadlock`; a run that exceeds its step limit (threads that spin without
/// ever blocking) is `busy-wait`; an exception escaping a thread is `crash` (it would call
/// std::terminate in a real run); a misuse of a primitive (a detached thread still running, a
/// wait without the lock, ...) is `assertion`; a check() without a tag gets the scenario's
/// default category.
///
/// **Statistics.** Every exploration prints one line to stdout:
/// `[explore] scenario=<name> strategy=<random|pct> seed=<n> schedules=<run> failed=<0|1>
/// seconds=<wall>`; `./pclab rates` reads these to measure how fast each bug is found.
#pragma once

#include <cstdint>
#include <optional>
#include <source_location>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>

#include "pclab/explore/explorer.hpp"
#include "pclab/explore/scheduler.hpp"

namespace pclab::explore {

/// @brief How explore_scenario() explores one scenario when its environment does not say.
struct ScenarioOptions {
    /// @brief The category of a check() failure whose message carries no tag.
    std::string_view category = "wrong-result";
    /// @brief Schedules per strategy when `PCLAB_EXPLORE_SCHEDULES` is unset.
    std::uint32_t schedules = 1000;
    /// @brief Limits and budgets of each run.
    SchedulerOptions scheduler;
};

/// @brief Fails the current run with a category: throws CheckFailed whose message starts with
///        `[pclab:<category>] `, unless `condition` holds.
/// @param condition what must hold.
/// @param category one of the failure categories (e.g. "duplicate-item").
/// @param message what went wrong, for the student.
/// @param where the caller's location (leave the default).
void check_category(bool condition, std::string_view category, std::string_view message,
                    std::source_location where = std::source_location::current());

/// @brief Explores (or replays) `body` as the scenario `scenario` of the current GoogleTest
///        test, and records a tagged failure with the trace and replay command if a schedule
///        breaks it (see the file comment).
///
/// Requires: called from a GoogleTest test body; `scenario` is unique in the program and
/// contains no `@`. Blocks until the exploration ends.
/// @param scenario the scenario's name, e.g. "two-consumers-one-slot".
/// @param body the scenario (builds everything afresh on every call).
/// @param options defaults for what the environment does not set.
void explore_scenario(std::string_view scenario, const ExploreBody& body,
                      const ScenarioOptions& options = {});

/// @brief explore_scenario() for a body that returns `void` (it fails by throwing).
/// @param scenario as for explore_scenario().
/// @param body the scenario.
/// @param options as for explore_scenario().
template <class Body>
requires std::is_void_v<std::invoke_result_t<Body&>>
void explore_scenario(std::string_view scenario, Body body, const ScenarioOptions& options = {}) {
    explore_scenario(scenario,
                     ExploreBody([body = std::move(body)]() mutable -> std::optional<std::string> {
                         body();
                         return std::nullopt;
                     }),
                     options);
}

}  // namespace pclab::explore
