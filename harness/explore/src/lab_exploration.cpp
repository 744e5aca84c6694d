#include "pclab/explore/lab_exploration.hpp"

#include <gtest/gtest.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <iomanip>
#include <iostream>
#include <sstream>
#include <vector>

#include "pclab/failure_categories.hpp"
#include "pclab/testkit/failure_category.hpp"
#include "pclab/testkit/seed.hpp"

namespace pclab::explore {
namespace {

// After the first failing schedule, this many more are searched for a shorter one (about 40 ms
// for a lab scenario): the trace a student reads is then the shortest failure found.
constexpr std::uint32_t kShortenWithin = 100;

std::optional<std::string> environment(const char* name) {
    const char* value = std::getenv(name);  // NOLINT(concurrency-mt-unsafe): read before threads
    if (value == nullptr || *value == '\0') {
        return std::nullopt;
    }
    return std::string(value);
}

// The strategies to run, in order; a usage error fails the test with a message.
std::optional<std::vector<StrategyKind>> strategies_from_environment(std::string& error) {
    const std::string text = environment("PCLAB_EXPLORE_STRATEGY").value_or("random,pct");
    std::vector<StrategyKind> kinds;
    std::stringstream list(text);
    std::string item;
    while (std::getline(list, item, ',')) {
        if (item == "random") {
            kinds.push_back(StrategyKind::random);
        } else if (item == "pct") {
            kinds.push_back(StrategyKind::pct);
        } else {
            error = "PCLAB_EXPLORE_STRATEGY must be random, pct or random,pct, not '" + text + "'";
            return std::nullopt;
        }
    }
    if (kinds.empty()) {
        error = "PCLAB_EXPLORE_STRATEGY names no strategy";
        return std::nullopt;
    }
    return kinds;
}

std::optional<std::uint32_t> schedules_from_environment(std::uint32_t fallback,
                                                        std::string& error) {
    const std::optional<std::string> text = environment("PCLAB_EXPLORE_SCHEDULES");
    if (!text) {
        return fallback;
    }
    const std::optional<std::uint64_t> value = testkit::parse_seed(*text);
    if (!value || *value == 0 || *value > 100'000'000) {
        error = "PCLAB_EXPLORE_SCHEDULES must be a whole number from 1 to 100000000, not '" +
                *text + "'";
        return std::nullopt;
    }
    return static_cast<std::uint32_t>(*value);
}

// The category a failing verdict is reported under (see the header).
std::string category_of(const Verdict& verdict, std::string_view fallback) {
    switch (verdict.kind) {
        case VerdictKind::deadlock:
            return "deadlock";
        case VerdictKind::step_limit:
            return "busy-wait";
        case VerdictKind::exception:
            // pclab::NotImplemented, thrown by a stub's members: the student's next step.
            return verdict.message.starts_with("uncaught exception: not implemented: ")
                       ? "not-implemented"
                       : "crash";
        case VerdictKind::misuse:
        case VerdictKind::replay_diverged:
            return "assertion";
        case VerdictKind::check_failed: {
            const std::string_view message = verdict.message;
            constexpr std::string_view open = "[pclab:";
            const std::size_t close = message.find("] ");
            if (message.starts_with(open) && close != std::string_view::npos) {
                const std::string_view tagged = message.substr(open.size(), close - open.size());
                if (is_failure_category(tagged)) {
                    return std::string(tagged);
                }
            }
            return std::string(fallback);
        }
        case VerdictKind::passed:
            break;
    }
    return std::string(fallback);
}

// The verdict's message without its tag (the report puts the tag first, once).
std::string untagged(const std::string& message) {
    if (message.starts_with("[pclab:")) {
        const std::size_t close = message.find("] ");
        if (close != std::string::npos) {
            return message.substr(close + 2);
        }
    }
    return message;
}

std::string shell_quoted(const std::string& text) {
    std::string quoted = "'";
    for (const char c : text) {
        quoted += c == '\'' ? std::string("'\\''") : std::string(1, c);
    }
    return quoted + "'";
}

std::string replay_command(const std::string& replay_id) {
    if (const std::optional<std::string> prefix = environment("PCLAB_EXPLORE_REPLAY_COMMAND")) {
        return *prefix + " --replay " + shell_quoted(replay_id);
    }
    std::string program = "./explore";
    if (const std::vector<std::string> argv = ::testing::internal::GetArgvs(); !argv.empty()) {
        program = argv.front();
    }
    return "PCLAB_EXPLORE_REPLAY=" + shell_quoted(replay_id) + " " + program +
           " --gtest_filter=" + testkit::current_test_full_name();
}

// How the failing schedule was found: the first paragraph of the failure message.
std::string found_how(const ExploreResult& result, bool replayed) {
    if (replayed) {
        return "The replayed schedule breaks it (" + std::to_string(result.record.steps.size()) +
               " steps). Step by step, one column per thread:";
    }
    std::ostringstream text;
    text << "The controlled scheduler found a schedule that breaks it (after "
         << result.schedules_run << " schedule" << (result.schedules_run == 1 ? "" : "s")
         << "); below, the shortest of the " << result.failing_schedules_seen
         << " failing schedules it then saw (" << result.record.steps.size()
         << " steps; the first had " << result.first_failure_steps
         << "). Step by step, one column per thread:";
    return text.str();
}

void report_failure(const ExploreResult& result, std::string_view scenario,
                    std::string_view fallback_category, bool replayed) {
    const std::string replay_id = std::string(scenario) + "@" + result.schedule_id;
    const std::string category = category_of(result.verdict, fallback_category);
    std::ostringstream message;
    if (category == "not-implemented") {
        // A stub fails on every schedule before any interleaving matters: no trace to read.
        message << testkit::tag(category) << "scenario " << scenario << ": "
                << untagged(result.verdict.message);
        ADD_FAILURE() << message.str();
        return;
    }
    message << testkit::tag(category) << "scenario " << scenario << ": "
            << untagged(result.verdict.message) << "\n"
            << found_how(result, replayed) << "\n\n"
            << result.trace << "\nreplay id: " << replay_id
            << "\nreplay it:  " << replay_command(replay_id);
    ADD_FAILURE() << message.str();
}

void print_statistics(std::string_view scenario, StrategyKind strategy, std::uint64_t seed,
                      const ExploreResult& result, std::chrono::duration<double> wall) {
    std::ostringstream line;
    line << "[explore] scenario=" << scenario << " strategy=" << to_string(strategy)
         << " seed=" << seed << " schedules=" << result.schedules_run
         << " failed=" << (result.failed ? 1 : 0) << " seconds=" << std::fixed
         << std::setprecision(3) << wall.count() << "\n";
    std::cout << line.str() << std::flush;
}

void replay_scenario(std::string_view scenario, const ExploreBody& body,
                     const std::string& replay_id, std::string_view fallback_category) {
    const std::size_t at = replay_id.find('@');
    if (at == std::string::npos) {
        ADD_FAILURE() << "PCLAB_EXPLORE_REPLAY must be <scenario>@<schedule id>, not '" << replay_id
                      << "'";
        return;
    }
    if (std::string_view(replay_id).substr(0, at) != scenario) {
        GTEST_SKIP() << "replaying scenario " << replay_id.substr(0, at) << ", not " << scenario;
    }
    ExploreResult result;
    try {
        result = replay(body, std::string_view(replay_id).substr(at + 1));
    } catch (const std::invalid_argument& error) {
        ADD_FAILURE() << "not a schedule id: " << replay_id.substr(at + 1) << " (" << error.what()
                      << ")";
        return;
    }
    if (result.failed) {
        report_failure(result, scenario, fallback_category, /*replayed=*/true);
        return;
    }
    std::cout << result.trace << "\nThe schedule passes: scenario " << scenario
              << " ran to the end and every check held.\n"
              << std::flush;
}

}  // namespace

void check_category(bool condition, std::string_view category, std::string_view message,
                    std::source_location where) {
    if (!condition) {
        throw CheckFailed(testkit::tag(category) + std::string(message), where);
    }
}

void explore_scenario(std::string_view scenario, const ExploreBody& body,
                      const ScenarioOptions& options) {
    if (const std::optional<std::string> replay_id = environment("PCLAB_EXPLORE_REPLAY")) {
        replay_scenario(scenario, body, *replay_id, options.category);
        return;
    }
    std::string error;
    const std::optional<std::vector<StrategyKind>> strategies = strategies_from_environment(error);
    const std::optional<std::uint32_t> schedules =
        schedules_from_environment(options.schedules, error);
    if (!strategies || !schedules) {
        ADD_FAILURE() << error;
        return;
    }
    const std::uint64_t seed = testkit::current_test_seed();
    for (const StrategyKind strategy : *strategies) {
        ExploreOptions explore_options;
        explore_options.strategy = strategy;
        explore_options.seed = seed;
        explore_options.schedules = *schedules;
        explore_options.scheduler = options.scheduler;
        explore_options.shorten_within = kShortenWithin;
        const auto start = std::chrono::steady_clock::now();
        const ExploreResult result = explore(body, explore_options);
        print_statistics(scenario, strategy, seed, result,
                         std::chrono::steady_clock::now() - start);
        if (result.failed) {
            report_failure(result, scenario, options.category, /*replayed=*/false);
            return;
        }
    }
}

}  // namespace pclab::explore
