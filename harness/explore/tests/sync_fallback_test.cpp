// Outside a run (no Scheduler manages the calling thread) the explore wrappers are the std
// types: real threads, real mutual exclusion, real (short) timeouts.
#include "pclab/explore/sync.hpp"

#include <gtest/gtest.h>

#include <chrono>
#include <mutex>

namespace pclab::explore {
namespace {

using namespace std::chrono_literals;

TEST(SyncFallback, NoSchedulerOutsideARun) {
    EXPECT_EQ(Scheduler::current(), nullptr);
}

TEST(SyncFallback, MutexExcludesAcrossPlainThreads) {
    mutex shared;
    long counter = 0;
    const auto add = [&] {
        for (int i = 0; i < 20000; ++i) {
            const std::scoped_lock lock(shared);
            ++counter;
        }
    };
    thread first(add);
    thread second(add);
    EXPECT_TRUE(first.joinable());
    first.join();
    second.join();
    EXPECT_FALSE(first.joinable());
    EXPECT_EQ(counter, 40000);
}

TEST(SyncFallback, ConditionVariableTimesOutAndIsNotified) {
    mutex shared;
    condition_variable changed;
    std::unique_lock<mutex> lock(shared);
    EXPECT_EQ(changed.wait_for(lock, 5ms), std::cv_status::timeout);
    bool ready = false;
    thread setter([&] {
        const std::lock_guard<mutex> guard(shared);
        ready = true;
        changed.notify_all();
    });
    changed.wait(lock, [&] { return ready; });
    lock.unlock();
    setter.join();
    EXPECT_TRUE(ready);
}

TEST(SyncFallback, SemaphoreCountsAndTimesOut) {
    counting_semaphore<2> slots(2);
    EXPECT_TRUE(slots.try_acquire());
    slots.acquire();
    EXPECT_FALSE(slots.try_acquire_for(1ms));
    slots.release(2);
    EXPECT_TRUE(slots.try_acquire_until(std::chrono::steady_clock::now() + 1ms));
    binary_semaphore signal(0);
    thread poster([&] { signal.release(); });
    signal.acquire();
    poster.join();
}

TEST(SyncFallback, CheckThrowsOutsideARun) {
    EXPECT_THROW(check(false, "no"), CheckFailed);
    EXPECT_NO_THROW(check(true, "yes"));
}

TEST(SyncFallbackDeathTest, DestroyingAJoinableThreadTerminates) {
    EXPECT_DEATH({ thread forgotten([] {}); }, "");
}

}  // namespace
}  // namespace pclab::explore
