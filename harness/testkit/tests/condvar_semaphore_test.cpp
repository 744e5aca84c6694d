// pclab::condvar_semaphore keeps std::counting_semaphore's promises (counting, blocking, timed
// forms) and, unlike GCC 12's, never loses a wake-up: a bounded buffer on two of them, run
// hard, always finishes (a lost wake-up would hang it until ctest's timeout).
#include "pclab/condvar_semaphore.hpp"

#include <gtest/gtest.h>

#include <chrono>
#include <cstdint>
#include <deque>
#include <latch>
#include <mutex>
#include <numeric>
#include <thread>
#include <vector>

namespace {

using namespace std::chrono_literals;
using pclab::condvar_semaphore;

TEST(CondvarSemaphore, CountsLikeTheStandardOne) {
    condvar_semaphore<4> permits(2);
    EXPECT_EQ(condvar_semaphore<4>::max(), std::counting_semaphore<4>::max());
    EXPECT_TRUE(permits.try_acquire());
    EXPECT_TRUE(permits.try_acquire());
    EXPECT_FALSE(permits.try_acquire());
    permits.release(2);
    permits.acquire();
    EXPECT_TRUE(permits.try_acquire());
    EXPECT_FALSE(permits.try_acquire());
}

TEST(CondvarSemaphore, ATimedAcquireGivesUpNoEarlierThanItsTimeout) {
    condvar_semaphore<1> empty(0);
    const auto start = std::chrono::steady_clock::now();
    EXPECT_FALSE(empty.try_acquire_for(50ms));
    EXPECT_GE(std::chrono::steady_clock::now() - start, 50ms);
    EXPECT_FALSE(empty.try_acquire_until(std::chrono::system_clock::now() - 1s));
}

TEST(CondvarSemaphore, AReleaseWakesATimedAcquire) {
    condvar_semaphore<1> signal(0);
    std::latch waiting(1);
    bool acquired = false;
    std::thread waiter([&] {
        waiting.count_down();
        acquired = signal.try_acquire_for(std::chrono::hours(1));
    });
    waiting.wait();
    signal.release();
    waiter.join();
    EXPECT_TRUE(acquired);
}

// The shape that loses wake-ups with GCC 12's std::counting_semaphore: many threads blocking
// and releasing on the same two counts at once.
TEST(CondvarSemaphore, ABoundedBufferOnTwoOfThemNeverHangs) {
    constexpr int kProducers = 4;
    constexpr int kConsumers = 4;
    constexpr std::int64_t kItemsEach = 20000;
    condvar_semaphore<> free_slots(2);
    condvar_semaphore<> filled_slots(0);
    std::mutex buffer_lock;
    std::deque<std::int64_t> buffer;
    std::vector<std::int64_t> sums(kConsumers, 0);
    std::vector<std::thread> threads;
    for (int p = 0; p < kProducers; ++p) {
        threads.emplace_back([&] {
            for (std::int64_t i = 1; i <= kItemsEach; ++i) {
                free_slots.acquire();
                {
                    const std::lock_guard lock(buffer_lock);
                    buffer.push_back(i);
                }
                filled_slots.release();
            }
        });
    }
    for (int c = 0; c < kConsumers; ++c) {
        threads.emplace_back([&, c] {
            for (std::int64_t i = 0; i < kItemsEach; ++i) {
                filled_slots.acquire();
                std::int64_t item = 0;
                {
                    const std::lock_guard lock(buffer_lock);
                    item = buffer.front();
                    buffer.pop_front();
                }
                free_slots.release();
                sums[static_cast<std::size_t>(c)] += item;
            }
        });
    }
    for (auto& thread : threads) {
        thread.join();
    }
    EXPECT_EQ(std::accumulate(sums.begin(), sums.end(), std::int64_t{0}),
              kProducers * kItemsEach * (kItemsEach + 1) / 2);
    EXPECT_TRUE(buffer.empty());
}

}  // namespace
