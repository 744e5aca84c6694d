// Tests of the schedule perturbation layer (pclab/perturbed_sync.hpp): the wrappers keep the
// std types' guarantees (mutual exclusion, every lock type, waits with predicates, semaphore
// counts), spurious wake-ups really happen and stay within their budget, and one seed gives one
// decision sequence.
//
// This file turns the perturbation on for itself, as the kit does for every lab's tests.
#ifndef PCLAB_SYNC_PERTURB
#define PCLAB_SYNC_PERTURB
#endif
#include "pclab/perturbed_sync.hpp"

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <mutex>
#include <thread>
#include <type_traits>
#include <vector>

#include "pclab/sync.hpp"

namespace {

namespace perturbation = pclab::perturbation;
using std::chrono::milliseconds;

static_assert(std::is_same_v<pclab::mutex, perturbation::mutex>,
              "under PCLAB_SYNC_PERTURB, pclab::mutex is the perturbing mutex");
static_assert(std::is_same_v<pclab::condition_variable, perturbation::condition_variable>,
              "under PCLAB_SYNC_PERTURB, pclab::condition_variable is the perturbing one");
static_assert(std::is_same_v<pclab::counting_semaphore<4>, perturbation::counting_semaphore<4>>,
              "under PCLAB_SYNC_PERTURB, pclab::counting_semaphore is the perturbing one");
static_assert(std::is_same_v<pclab::thread, std::thread>, "pclab::thread is always std::thread");

// Every spurious-wake-up knob at its most aggressive, and nothing else: waits return spuriously
// whenever the budget allows, so the tests below do not depend on luck.
constexpr perturbation::Settings kAlwaysSpurious{0, 0, 0, 1, 3};

// Restores the default settings after each test: the settings are process-wide.
class PerturbedSync : public ::testing::Test {
  protected:
    void SetUp() override { perturbation::seed(1); }
    void TearDown() override { perturbation::configure(perturbation::Settings{}); }
};

TEST_F(PerturbedSync, PlainWaitReturnsSpuriouslyWithinItsBudget) {
    perturbation::configure(kAlwaysSpurious);
    pclab::mutex mutex;
    pclab::condition_variable condition;
    std::unique_lock<pclab::mutex> lock(mutex);
    // Nobody ever notifies: each of these returns only because it wakes spuriously.
    for (std::uint32_t i = 0; i < kAlwaysSpurious.max_consecutive_spurious_wakes; ++i) {
        condition.wait(lock);
        EXPECT_TRUE(lock.owns_lock()) << "a spurious wake-up must return with the lock held";
    }
    // The budget is spent: the next wait really waits, here until its timeout.
    constexpr milliseconds kTimeout{50};  // long enough to tell "waited" from "returned at once"
    const auto start = std::chrono::steady_clock::now();
    EXPECT_EQ(condition.wait_for(lock, kTimeout), std::cv_status::timeout);
    EXPECT_GE(std::chrono::steady_clock::now() - start, kTimeout);
    EXPECT_TRUE(lock.owns_lock());
}

TEST_F(PerturbedSync, DefaultSettingsWakeSpuriouslySometimes) {
    // With the default rate, some of many short timed waits come back early and without a
    // timeout: the only way a wait with no notifier can return no_timeout.
    constexpr int kWaits = 200;          // at one in 4, all 200 sleeping is (3/4)^200: never
    constexpr milliseconds kTimeout{1};  // short: the waits that do sleep cost little
    pclab::mutex mutex;
    pclab::condition_variable condition;
    std::unique_lock<pclab::mutex> lock(mutex);
    int spurious = 0;
    for (int i = 0; i < kWaits; ++i) {
        if (condition.wait_for(lock, kTimeout) == std::cv_status::no_timeout) {
            ++spurious;
        }
    }
    EXPECT_GT(spurious, 0);
    EXPECT_LT(spurious, kWaits) << "the budget must force some waits to really wait";
}

TEST_F(PerturbedSync, PredicateWaitsNeverReturnEarly) {
    perturbation::configure(kAlwaysSpurious);
    constexpr int kHandOvers = 200;  // enough hand-overs to see many spurious returns
    pclab::mutex mutex;
    pclab::condition_variable condition;
    int turn = 0;  // guarded by mutex: whose turn it is (0: waiter's, 1: setter's)
    std::atomic<int> predicate_checks{0};
    std::thread setter([&] {
        for (int i = 0; i < kHandOvers; ++i) {
            std::unique_lock<pclab::mutex> lock(mutex);
            condition.wait(lock, [&] { return turn == 1; });
            turn = 0;
            condition.notify_all();
        }
    });
    for (int i = 0; i < kHandOvers; ++i) {
        std::unique_lock<pclab::mutex> lock(mutex);
        turn = 1;
        condition.notify_all();
        condition.wait(lock, [&] {
            predicate_checks.fetch_add(1, std::memory_order_relaxed);
            return turn == 0;
        });
        ASSERT_EQ(turn, 0) << "wait(lock, pred) returned while pred was false";
    }
    setter.join();
    // Each wait checks once up front and once per return; spurious returns add checks.
    EXPECT_GT(predicate_checks.load(), 2 * kHandOvers) << "no spurious wake-up was exercised";
}

TEST_F(PerturbedSync, TimedPredicateWaitsReturnThePredicate) {
    perturbation::configure(kAlwaysSpurious);
    constexpr milliseconds kTimeout{30};  // long enough to see several spurious returns first
    pclab::mutex mutex;
    pclab::condition_variable condition;
    std::unique_lock<pclab::mutex> lock(mutex);
    const auto start = std::chrono::steady_clock::now();
    EXPECT_FALSE(condition.wait_for(lock, kTimeout, [] { return false; }));
    EXPECT_GE(std::chrono::steady_clock::now() - start, kTimeout)
        << "wait_for(lock, timeout, pred) gave up before its timeout";
    EXPECT_TRUE(condition.wait_until(lock, std::chrono::steady_clock::now() + kTimeout,
                                     [] { return true; }));
    EXPECT_TRUE(lock.owns_lock());
}

TEST_F(PerturbedSync, EveryLockTypeExcludes) {
    constexpr int kThreads = 4;  // 2x the cores: some lock hand-overs contend
    constexpr int kIncrementsPerThread = 2000;
    pclab::mutex first;
    pclab::mutex second;
    std::int64_t guarded_count = 0;  // guarded by first
    std::int64_t both_count = 0;     // guarded by first and second together
    std::vector<std::thread> threads;
    threads.reserve(kThreads);
    for (int t = 0; t < kThreads; ++t) {
        threads.emplace_back([&, t] {
            for (int i = 0; i < kIncrementsPerThread; ++i) {
                switch ((t + i) % 4) {
                    case 0: {
                        const std::lock_guard<pclab::mutex> lock(first);
                        ++guarded_count;
                        break;
                    }
                    case 1: {
                        std::unique_lock<pclab::mutex> lock(first);
                        ++guarded_count;
                        lock.unlock();
                        lock.lock();  // unique_lock may re-lock
                        break;
                    }
                    case 2: {
                        const std::scoped_lock lock(first, second);  // std::lock: try_lock inside
                        ++guarded_count;
                        ++both_count;
                        break;
                    }
                    default: {
                        while (!first.try_lock()) {
                            std::this_thread::yield();
                        }
                        ++guarded_count;
                        first.unlock();
                        break;
                    }
                }
            }
        });
    }
    for (std::thread& thread : threads) {
        thread.join();
    }
    EXPECT_EQ(guarded_count, std::int64_t{kThreads} * kIncrementsPerThread);
    EXPECT_EQ(both_count, std::int64_t{kThreads} * kIncrementsPerThread / 4);
}

TEST_F(PerturbedSync, SemaphoreKeepsItsCount) {
    constexpr int kPermits = 3;    // any small count
    constexpr int kRounds = 1000;  // many acquire/release pairs across threads
    pclab::counting_semaphore<kPermits> permits(kPermits);
    std::atomic<int> inside{0};
    std::atomic<int> most_inside{0};
    std::vector<std::thread> threads;
    threads.reserve(2 * kPermits);
    for (int t = 0; t < 2 * kPermits; ++t) {
        threads.emplace_back([&] {
            for (int i = 0; i < kRounds; ++i) {
                permits.acquire();
                const int now = inside.fetch_add(1) + 1;
                int seen = most_inside.load();
                while (now > seen && !most_inside.compare_exchange_weak(seen, now)) {
                }
                inside.fetch_sub(1);
                permits.release();
            }
        });
    }
    for (std::thread& thread : threads) {
        thread.join();
    }
    EXPECT_LE(most_inside.load(), kPermits);
    // All permits are back: exactly kPermits non-blocking acquires succeed.
    for (int i = 0; i < kPermits; ++i) {
        EXPECT_TRUE(permits.try_acquire());
    }
    EXPECT_FALSE(permits.try_acquire());
    EXPECT_FALSE(permits.try_acquire_for(milliseconds(5)));
    permits.release(kPermits);
    EXPECT_TRUE(permits.try_acquire_until(std::chrono::steady_clock::now() + milliseconds(5)));
}

TEST_F(PerturbedSync, SameSeedGivesSameDecisions) {
    constexpr int kDraws = 1000;  // long enough for every kind of decision to come up
    constexpr std::uint64_t kSeed = 20240611;
    const auto draw_all = [](perturbation::Schedule schedule) {
        std::vector<perturbation::Decision> decisions;
        std::vector<bool> spurious;
        for (int i = 0; i < kDraws; ++i) {
            decisions.push_back(schedule.next(perturbation::Point::before_lock));
            spurious.push_back(schedule.next_wait_is_spurious());
        }
        return std::make_pair(decisions, spurious);
    };
    const auto first = draw_all(perturbation::Schedule(kSeed));
    EXPECT_EQ(first, draw_all(perturbation::Schedule(kSeed)));
    EXPECT_NE(first, draw_all(perturbation::Schedule(kSeed + 1)));
    int yields = 0;
    int spins = 0;
    for (const perturbation::Decision& decision : first.first) {
        yields += decision.action == perturbation::Action::yield ? 1 : 0;
        spins += decision.action == perturbation::Action::spin ? 1 : 0;
    }
    EXPECT_GT(yields, 0);
    EXPECT_GT(spins, 0);
}

TEST_F(PerturbedSync, SeedRestartsTheFirstThreadsSequence) {
    constexpr int kDraws = 200;  // plenty to tell two sequences apart
    constexpr std::uint64_t kSeed = 77;
    // The first thread to reach a perturbation point after seed() is thread 0 of that seed.
    const auto draw_on_fresh_thread = [] {
        std::vector<perturbation::Decision> decisions;
        std::thread([&] {
            for (int i = 0; i < kDraws; ++i) {
                decisions.push_back(perturbation::next_decision(perturbation::Point::after_lock));
            }
        }).join();
        return decisions;
    };
    perturbation::seed(kSeed);
    const std::vector<perturbation::Decision> first = draw_on_fresh_thread();
    perturbation::seed(kSeed);
    EXPECT_EQ(draw_on_fresh_thread(), first);
    EXPECT_EQ(perturbation::current_seed(), kSeed);
    perturbation::seed(kSeed + 1);
    EXPECT_NE(draw_on_fresh_thread(), first);
}

TEST_F(PerturbedSync, NoneTurnsEveryPerturbationOff) {
    perturbation::configure(perturbation::Settings::none());
    constexpr int kDraws = 1000;  // would contain hundreds of perturbations under the defaults
    for (int i = 0; i < kDraws; ++i) {
        ASSERT_EQ(perturbation::next_decision(perturbation::Point::before_unlock),
                  perturbation::Decision{});
        ASSERT_FALSE(perturbation::next_wait_is_spurious());
    }
    EXPECT_EQ(perturbation::current_settings(), perturbation::Settings::none());
}

}  // namespace
