// Tests of parse_script() and ScriptStrategy: what the script text means (separators, comments,
// spaces, names that cannot be names), and how a run follows it: main first, each entry's
// thread until it blocks or ends, an error naming the entry when its thread cannot run, the
// rule for an exhausted script, and one script giving one trace every time.
#include "pclab/explore/script_strategy.hpp"

#include <gtest/gtest.h>

#include <mutex>
#include <string>
#include <vector>

#include "pclab/explore/explorer.hpp"
#include "pclab/explore/sync.hpp"

namespace pclab::explore {
namespace {

using Names = std::vector<std::string>;

TEST(ScriptParse, EntriesAreSeparatedByLinesSemicolonsAndCommas) {
    const ParsedScript parsed = parse_script("producer\nconsumer 1; consumer 2 , producer");
    ASSERT_FALSE(parsed.error.has_value()) << *parsed.error;
    EXPECT_EQ(parsed.entries, (Names{"producer", "consumer 1", "consumer 2", "producer"}));
}

TEST(ScriptParse, CommentsBlankEntriesAndExtraSpacesDoNotCount) {
    const ParsedScript parsed = parse_script(
        "# who runs when\n"
        "\n"
        "   consumer \t  1   # waits: the buffer is empty\r\n"
        " ;; ,\n"
        "producer # ; consumer 2 is commented out too\n");
    ASSERT_FALSE(parsed.error.has_value()) << *parsed.error;
    EXPECT_EQ(parsed.entries, (Names{"consumer 1", "producer"}));
}

TEST(ScriptParse, OnlyCommentsIsAScriptWithNoEntries) {
    const ParsedScript parsed = parse_script("\n  # nothing yet\n# still nothing\n");
    EXPECT_FALSE(parsed.error.has_value());
    EXPECT_TRUE(parsed.entries.empty());
    EXPECT_TRUE(parse_script("").entries.empty());
}

TEST(ScriptParse, ANameInQuotesIsAnErrorOnItsLine) {
    const ParsedScript parsed = parse_script("producer\n\n\"consumer 1\"\n");
    ASSERT_TRUE(parsed.error.has_value());
    EXPECT_EQ(*parsed.error, "line 3: \"consumer 1\": write thread names without quotes");
    EXPECT_TRUE(parsed.entries.empty());
}

TEST(ScriptParse, ANonAsciiCharacterIsAnErrorOnItsLine) {
    // "consumer–1" with an en dash, as a word processor might write it.
    const ParsedScript parsed = parse_script(
        "# fine\nconsumer\xe2\x80\x93"
        "1\n");
    ASSERT_TRUE(parsed.error.has_value());
    EXPECT_EQ(parsed.error->rfind("line 2: consumer", 0), 0U) << *parsed.error;
    EXPECT_NE(parsed.error->find("plain ASCII"), std::string::npos) << *parsed.error;
}

// Two threads that never block, each logging three steps; main starts "a" then "b".
struct Log {
    std::vector<std::string> lines;
};

void two_busy_threads(Log& log) {
    mutex guard;
    const auto work = [&](const std::string& name) {
        for (int i = 0; i < 3; ++i) {
            const std::lock_guard<mutex> lock(guard);
            log.lines.push_back(name + std::to_string(i));
        }
    };
    thread a("a", work, std::string("a"));
    thread b("b", work, std::string("b"));
    a.join();
    b.join();
}

// Runs `script` (which must parse) on `body` with the given thread names.
template <class Body>
RunRecord run_script(std::string_view script, const Names& names, Body body,
                     std::optional<std::string>* error = nullptr) {
    const ParsedScript parsed = parse_script(script);
    EXPECT_FALSE(parsed.error.has_value());
    ScriptStrategy strategy(parsed.entries, names);
    RunRecord record = run_schedule(
        [&body]() -> std::optional<std::string> {
            body();
            return std::nullopt;
        },
        strategy);
    if (error != nullptr) {
        *error = strategy.error();
    }
    return record;
}

TEST(ScriptStrategy, EachEntryRunsItsThreadUntilItEnds) {
    Log log;
    std::optional<std::string> error;
    const RunRecord record = run_script(
        "b\na", {"main", "a", "b"}, [&log] { two_busy_threads(log); }, &error);
    EXPECT_FALSE(error.has_value()) << *error;
    EXPECT_FALSE(record.verdict.failed()) << record.verdict.message;
    EXPECT_EQ(log.lines, (Names{"b0", "b1", "b2", "a0", "a1", "a2"}));
}

TEST(ScriptStrategy, MainStartsEveryThreadBeforeTheFirstEntry) {
    Log log;
    const RunRecord record =
        run_script("b, a", {"main", "a", "b"}, [&log] { two_busy_threads(log); });
    ASSERT_GE(record.steps.size(), 2U);
    EXPECT_EQ(record.steps[0].thread, 0U);
    EXPECT_EQ(record.steps[0].operation.rfind("start", 0), 0U) << record.steps[0].operation;
    EXPECT_EQ(record.steps[1].thread, 0U);
    EXPECT_EQ(record.steps[1].operation.rfind("start", 0), 0U) << record.steps[1].operation;
}

TEST(ScriptStrategy, AnUnknownNameIsAnErrorBeforeTheRunStarts) {
    const ScriptStrategy strategy({"a", "c"}, {"main", "a", "b"});
    ASSERT_TRUE(strategy.error().has_value());
    EXPECT_EQ(*strategy.error(), "entry 2 (c): no thread is named c (the threads are: a, b)");

    Log log;
    std::optional<std::string> error;
    const RunRecord record = run_script(
        "a\nc", {"main", "a", "b"}, [&log] { two_busy_threads(log); }, &error);
    EXPECT_EQ(record.verdict.kind, VerdictKind::replay_diverged);
    EXPECT_TRUE(log.lines.empty()) << "no entry ran";
}

TEST(ScriptStrategy, MainCannotBeScripted) {
    const ScriptStrategy strategy({"main"}, {"main", "a"});
    ASSERT_TRUE(strategy.error().has_value());
    EXPECT_EQ(*strategy.error(), "entry 1 (main): main is not scripted: it runs whenever it can");
}

// "waiter" waits on a condition until "setter" sets the flag; the setter then logs once more.
void waiter_and_setter(Log& log) {
    mutex guard;
    condition_variable changed;
    bool set = false;
    thread waiter("waiter", [&] {
        std::unique_lock<mutex> lock(guard);
        log.lines.push_back("waiter waits");
        while (!set) {
            changed.wait(lock);
        }
        log.lines.push_back("waiter woke");
    });
    thread setter("setter", [&] {
        {
            const std::lock_guard<mutex> lock(guard);
            set = true;
            log.lines.push_back("setter set");
        }
        changed.notify_one();
        const std::lock_guard<mutex> lock(guard);
        log.lines.push_back("setter after notify");
    });
    waiter.join();
    setter.join();
}

TEST(ScriptStrategy, ATurnEndsWhenItsThreadBlocks) {
    Log log;
    std::optional<std::string> error;
    const RunRecord record = run_script(
        "waiter\nsetter\nwaiter", {"main", "waiter", "setter"}, [&log] { waiter_and_setter(log); },
        &error);
    EXPECT_FALSE(error.has_value()) << *error;
    EXPECT_FALSE(record.verdict.failed()) << record.verdict.message;
    // The setter's turn lasts until it ends: the notified waiter runs only afterwards.
    EXPECT_EQ(log.lines,
              (Names{"waiter waits", "setter set", "setter after notify", "waiter woke"}));
}

TEST(ScriptStrategy, AnEntryWhoseThreadIsBlockedStopsTheRunWithAnError) {
    Log log;
    std::optional<std::string> error;
    const RunRecord record = run_script(
        "waiter\nwaiter", {"main", "waiter", "setter"}, [&log] { waiter_and_setter(log); }, &error);
    ASSERT_TRUE(error.has_value());
    EXPECT_EQ(*error,
              "entry 2 (waiter): waiter cannot run now: it is blocked or has ended (threads "
              "that can run now: setter)");
    EXPECT_EQ(record.verdict.kind, VerdictKind::replay_diverged);
    EXPECT_EQ(log.lines, (Names{"waiter waits"}));
}

TEST(ScriptStrategy, AnExhaustedScriptRunsTheLowestIndexThread) {
    Log log;
    run_script("", {"main", "a", "b"}, [&log] { two_busy_threads(log); });
    EXPECT_EQ(log.lines, (Names{"a0", "a1", "a2", "b0", "b1", "b2"}));

    Log after_b;
    run_script("b", {"main", "a", "b"}, [&after_b] { two_busy_threads(after_b); });
    EXPECT_EQ(after_b.lines, (Names{"b0", "b1", "b2", "a0", "a1", "a2"}));
}

TEST(ScriptStrategy, AnExhaustedScriptKeepsTheRunningThreadGoing) {
    // After the waiter blocks the script is exhausted and the setter runs; its notify makes
    // the waiter (the lower index) runnable, but the setter, running, goes on first.
    Log log;
    run_script("waiter", {"main", "waiter", "setter"}, [&log] { waiter_and_setter(log); });
    EXPECT_EQ(log.lines,
              (Names{"waiter waits", "setter set", "setter after notify", "waiter woke"}));
}

TEST(ScriptStrategy, NotifyOneWakesTheOldestWaiter) {
    // The notifier wakes one waiter; each waiter, once through, wakes the next. So the log is
    // the order of the wake-ups: the oldest waiter ("first") must come first.
    Log log;
    run_script("first, second, notifier", {"main", "first", "second", "notifier"}, [&log] {
        mutex guard;
        condition_variable changed;
        bool open = false;
        const auto wait_until_open = [&](const std::string& name) {
            std::unique_lock<mutex> lock(guard);
            while (!open) {
                changed.wait(lock);
            }
            log.lines.push_back(name);
            lock.unlock();
            changed.notify_one();
        };
        thread first("first", wait_until_open, std::string("first"));
        thread second("second", wait_until_open, std::string("second"));
        thread notifier("notifier", [&] {
            {
                const std::lock_guard<mutex> lock(guard);
                open = true;
            }
            changed.notify_one();
        });
        first.join();
        second.join();
        notifier.join();
    });
    EXPECT_EQ(log.lines, (Names{"first", "second"}));
}

TEST(ScriptStrategy, OneScriptGivesOneTraceEveryTime) {
    const std::string script = "waiter; setter";
    const Names names = {"main", "waiter", "setter"};
    Log first_log;
    Log second_log;
    const RunRecord first =
        run_script(script, names, [&first_log] { waiter_and_setter(first_log); });
    const RunRecord second =
        run_script(script, names, [&second_log] { waiter_and_setter(second_log); });
    EXPECT_EQ(first.choices, second.choices);
    EXPECT_EQ(format_trace(first, script), format_trace(second, script));
    EXPECT_FALSE(first.steps.empty());
}

TEST(ScriptStrategy, ItsChoiceListReplaysTheSameRun) {
    // Forced steps (one thread alone could run) are asked too, but must not be recorded, or a
    // replay of the list would diverge.
    const std::string script = "waiter; setter; waiter";
    const Names names = {"main", "waiter", "setter"};
    Log scripted_log;
    const RunRecord scripted =
        run_script(script, names, [&scripted_log] { waiter_and_setter(scripted_log); });
    Log replayed_log;
    ReplayStrategy replaying(scripted.choices);
    const RunRecord replayed = run_schedule(
        [&replayed_log]() -> std::optional<std::string> {
            waiter_and_setter(replayed_log);
            return std::nullopt;
        },
        replaying);
    EXPECT_FALSE(replayed.verdict.failed()) << replayed.verdict.message;
    EXPECT_EQ(replaying.choices_left(), 0U);
    EXPECT_EQ(format_trace(replayed, script), format_trace(scripted, script));
    EXPECT_EQ(replayed_log.lines, scripted_log.lines);
}

}  // namespace
}  // namespace pclab::explore
