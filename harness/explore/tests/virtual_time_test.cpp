// Timed waits under the Scheduler run on virtual time: nothing sleeps, a timeout fires when the
// Strategy picks it or when no thread can run (earliest deadline first), and the virtual clock
// jumps to the deadline that fired.
#include <gtest/gtest.h>

#include <chrono>
#include <mutex>
#include <set>
#include <string>
#include <vector>

#include "pclab/explore/explorer.hpp"
#include "pclab/explore/sync.hpp"

namespace pclab::explore {
namespace {

using namespace std::chrono_literals;

TEST(VirtualTime, AnHourLongWaitNobodyNotifiesTimesOutWithoutSleeping) {
    const auto started = std::chrono::steady_clock::now();
    std::cv_status status = std::cv_status::no_timeout;
    std::chrono::nanoseconds virtual_end{0};
    RandomStrategy strategy(1, 0);
    const RunRecord record = run_schedule(
        [&]() -> std::optional<std::string> {
            mutex shared;
            condition_variable never_notified;
            std::unique_lock<mutex> lock(shared);
            status = never_notified.wait_for(lock, 1h);
            virtual_end = Scheduler::current()->virtual_now();
            return std::nullopt;
        },
        strategy);
    const auto real_elapsed = std::chrono::steady_clock::now() - started;
    EXPECT_FALSE(record.verdict.failed()) << format_trace(record, "hour");
    EXPECT_EQ(status, std::cv_status::timeout);
    EXPECT_EQ(virtual_end, 1h);
    EXPECT_LT(real_elapsed, 10s);
}

TEST(VirtualTime, TimedSemaphoreAcquireAndPredicateWaitTimeOut) {
    const auto started = std::chrono::steady_clock::now();
    bool acquired = true;
    bool condition_held = true;
    const ExploreResult result = explore([&] {
        counting_semaphore<1> empty(0);
        acquired = empty.try_acquire_for(30min);
        mutex shared;
        condition_variable never_notified;
        std::unique_lock<mutex> lock(shared);
        condition_held = never_notified.wait_until(lock, std::chrono::steady_clock::now() + 2h,
                                                   [] { return false; });
        // The 2 h deadline was read off the real clock a moment before the wait began.
        check(Scheduler::current()->virtual_now() > 2h + 29min, "virtual time did not add up");
    });
    EXPECT_FALSE(result.failed) << result.trace;
    EXPECT_FALSE(acquired);
    EXPECT_FALSE(condition_held);
    EXPECT_LT(std::chrono::steady_clock::now() - started, 10s);
}

// With timeouts offered as choices, a 1 s wait that another thread satisfies after a few steps
// sometimes times out first (the Strategy picked it) and sometimes is notified; with timeouts
// not offered it is always notified, since a thread can always run until the notify.
TEST(VirtualTime, TimeoutsAreChoicesOnlyWhenOffered) {
    const auto outcomes = [](bool offer_timeouts) {
        std::set<bool> seen;
        for (std::uint64_t seed = 0; seed < 40; ++seed) {
            bool result = false;
            RandomStrategy strategy(seed, 0);
            SchedulerOptions options;
            options.offer_timeouts = offer_timeouts;
            const RunRecord record = run_schedule(
                [&]() -> std::optional<std::string> {
                    mutex shared;
                    condition_variable ready_changed;
                    bool ready = false;
                    thread setter("setter", [&] {
                        for (int i = 0; i < 3; ++i) {
                            this_thread::yield();
                        }
                        const std::lock_guard<mutex> lock(shared);
                        ready = true;
                        ready_changed.notify_one();
                    });
                    {
                        std::unique_lock<mutex> lock(shared);
                        result = ready_changed.wait_for(lock, 1s, [&] { return ready; });
                    }
                    setter.join();
                    return std::nullopt;
                },
                strategy, options);
            EXPECT_FALSE(record.verdict.failed()) << format_trace(record, "offer");
            seen.insert(result);
        }
        return seen;
    };
    EXPECT_EQ(outcomes(true), (std::set<bool>{false, true}));
    EXPECT_EQ(outcomes(false), (std::set<bool>{true}));
}

TEST(VirtualTime, WhenEveryoneWaitsTheEarliestDeadlineFiresFirst) {
    std::vector<std::string> order;
    RandomStrategy strategy(3, 0);
    SchedulerOptions options;
    options.offer_timeouts = false;
    const RunRecord record = run_schedule(
        [&]() -> std::optional<std::string> {
            mutex shared;
            condition_variable never_notified;
            const auto waiter = [&](std::chrono::seconds timeout, const char* name) {
                std::unique_lock<mutex> lock(shared);
                if (never_notified.wait_for(lock, timeout) == std::cv_status::timeout) {
                    order.emplace_back(name);
                }
            };
            thread late("late", waiter, 2s, "late");
            thread early("early", waiter, 1s, "early");
            late.join();
            early.join();
            return std::nullopt;
        },
        strategy, options);
    EXPECT_FALSE(record.verdict.failed()) << format_trace(record, "order");
    EXPECT_EQ(order, (std::vector<std::string>{"early", "late"}));
    EXPECT_EQ(record.virtual_time, 2s);
}

}  // namespace
}  // namespace pclab::explore
