// Tests of explore() and replay(): a lost update on an unprotected counter is found by both
// strategies, one seed gives one schedule (choice list and trace, byte for byte), a schedule id
// replays its trace exactly (from the choice list, or from the seed alone), and the trace names
// the threads in its column headers and ends with the verdict.
#include "pclab/explore/explorer.hpp"

#include <gtest/gtest.h>

#include <string>

#include "pclab/explore/sync.hpp"
#include "schedules_to_find.hpp"

namespace pclab::explore {
namespace {

// Two threads each do read; scheduling point; write on a shared counter. The update is lost
// when both read before either writes.
void lost_update_body() {
    int counter = 0;
    const auto increment = [&counter] {
        const int seen = counter;
        this_thread::yield();
        counter = seen + 1;
    };
    thread first("incrementer 1", increment);
    thread second("incrementer 2", increment);
    first.join();
    second.join();
    check(counter == 2, "lost update: the counter is " + std::to_string(counter) + ", not 2");
}

// Measured over seeds 0..19 (limit 100 schedules; the [rates] lines of a test run print these):
// random needs min 1, median 2, max 10 schedules; pct (depth 3) min 2, median 4, max 17.
TEST(Explorer, RandomFindsTheLostUpdateWithin100Schedules) {
    ExploreOptions options;
    options.strategy = StrategyKind::random;
    options.schedules = 100;
    testing::expect_all_found(testing::schedules_to_find("lost update", lost_update_body, options));

    const ExploreResult result = explore(lost_update_body, options);
    ASSERT_TRUE(result.failed);
    EXPECT_EQ(result.verdict.kind, VerdictKind::check_failed);
    EXPECT_EQ(result.verdict.message, "lost update: the counter is 1, not 2");
}

TEST(Explorer, PctFindsTheLostUpdateWithin100Schedules) {
    ExploreOptions options;
    options.strategy = StrategyKind::pct;
    options.schedules = 100;
    testing::expect_all_found(testing::schedules_to_find("lost update", lost_update_body, options));
}

TEST(Explorer, SameSeedGivesSameChoiceListAndTrace) {
    for (const StrategyKind strategy : {StrategyKind::random, StrategyKind::pct}) {
        ExploreOptions options;
        options.strategy = strategy;
        options.seed = 11;
        const ExploreResult first = explore(lost_update_body, options);
        const ExploreResult second = explore(lost_update_body, options);
        ASSERT_TRUE(first.failed);
        EXPECT_EQ(first.schedules_run, second.schedules_run);
        EXPECT_EQ(first.choices, second.choices);
        EXPECT_EQ(first.schedule_id, second.schedule_id);
        EXPECT_EQ(first.trace, second.trace);
    }
}

TEST(Explorer, ReplayFromTheScheduleIdReproducesTheTrace) {
    for (const StrategyKind strategy : {StrategyKind::random, StrategyKind::pct}) {
        ExploreOptions options;
        options.strategy = strategy;
        options.seed = 5;
        const ExploreResult found = explore(lost_update_body, options);
        ASSERT_TRUE(found.failed);

        const ExploreResult replayed = replay(lost_update_body, found.schedule_id);
        EXPECT_TRUE(replayed.failed);
        EXPECT_EQ(replayed.schedule_id, found.schedule_id);
        EXPECT_EQ(replayed.trace, found.trace);

        // Without the choice list the id still names the strategy, seed and index.
        const std::string without_choices =
            found.schedule_id.substr(0, found.schedule_id.find(":choices="));
        const ExploreResult rederived = replay(lost_update_body, without_choices);
        EXPECT_EQ(rederived.trace, found.trace);
    }
}

TEST(Explorer, ReplayOfAForeignChoiceListReportsDivergence) {
    // A choice list that asks for a candidate the run never offers (value 35 among 2 or 3).
    const ExploreResult result = replay(lost_update_body,
                                        "random:seed=0:schedule=0:spurious=4:budget=1:timeouts=1:"
                                        "max-steps=20000:choices=z");
    ASSERT_TRUE(result.failed);
    EXPECT_EQ(result.verdict.kind, VerdictKind::replay_diverged);
}

TEST(Explorer, ReplayWithChoicesLeftOverReportsDivergence) {
    ExploreOptions options;
    const ExploreResult found = explore(lost_update_body, options);
    ASSERT_TRUE(found.failed);
    const ExploreResult result = replay(lost_update_body, found.schedule_id + "0000");
    EXPECT_EQ(result.verdict.kind, VerdictKind::replay_diverged) << result.trace;
}

TEST(Explorer, ReplayRejectsTextThatIsNoScheduleId) {
    EXPECT_THROW(replay(lost_update_body, "fifo:seed=1"), std::invalid_argument);
    EXPECT_THROW(replay(lost_update_body, "random:seed=x"), std::invalid_argument);
}

TEST(Explorer, ScheduleIdRoundTrips) {
    ScheduleId id;
    id.strategy = StrategyKind::pct;
    id.seed = 18446744073709551615ULL;
    id.schedule = 17;
    id.pct_depth = 4;
    id.pct_steps = 321;
    id.spurious_wake_one_in = 0;
    id.scheduler.max_spurious_wakes_in_a_row = 2;
    id.scheduler.offer_timeouts = false;
    id.scheduler.max_steps = 99;
    id.choices = {0, 1, 35, 36, 1000};
    id.has_choices = true;
    const std::string text = id.to_string();
    EXPECT_NE(text.find(":choices=01z{36}{1000}"), std::string::npos) << text;
    const std::optional<ScheduleId> parsed = ScheduleId::parse(text);
    ASSERT_TRUE(parsed.has_value());
    EXPECT_EQ(parsed->to_string(), text);
}

TEST(Explorer, TraceHasOneColumnPerThreadAndEndsWithTheVerdict) {
    const ExploreResult result = explore(lost_update_body);
    ASSERT_TRUE(result.failed);
    const std::string& trace = result.trace;
    const std::size_t header_start = trace.find('\n') + 1;
    const std::string header =
        trace.substr(header_start, trace.find('\n', header_start) - header_start);
    EXPECT_EQ(header.find("step | main"), 0U) << header;
    EXPECT_NE(header.find("| incrementer 1"), std::string::npos) << header;
    EXPECT_NE(header.find("| incrementer 2"), std::string::npos) << header;
    EXPECT_NE(trace.find("yield @ explorer_test.cpp:"), std::string::npos) << trace;
    const std::string last_line = trace.substr(trace.rfind('\n', trace.size() - 2) + 1);
    EXPECT_EQ(last_line.find("verdict: check failed: lost update"), 0U) << trace;
}

TEST(Explorer, CorrectCodePassesEverySchedule) {
    ExploreOptions options;
    options.schedules = 300;
    const ExploreResult result = explore(
        [] {
            mutex guard;
            int counter = 0;
            const auto increment = [&] {
                const std::lock_guard<mutex> lock(guard);
                const int seen = counter;
                this_thread::yield();
                counter = seen + 1;
            };
            thread first("incrementer 1", increment);
            thread second("incrementer 2", increment);
            first.join();
            second.join();
            check(counter == 2, "lost update");
        },
        options);
    EXPECT_FALSE(result.failed) << result.trace;
    EXPECT_EQ(result.schedules_run, 300U);
}

TEST(Explorer, BodyReturningAMessageFails) {
    const ExploreResult result =
        explore(ExploreBody([]() -> std::optional<std::string> { return "returned failure"; }));
    ASSERT_TRUE(result.failed);
    EXPECT_EQ(result.verdict.kind, VerdictKind::check_failed);
    EXPECT_EQ(result.verdict.message, "returned failure");
    EXPECT_EQ(result.schedules_run, 1U);
}

}  // namespace
}  // namespace pclab::explore
