// Schedule tests of blocking: get() on an empty buffer and put() on a full one must wait, must
// wait by sleeping (not spinning), and must return once the other side has acted.
//
// How: a "caller" thread makes the call that should block; an "observer" thread waits until
// the caller is about to make it, then watches it for a window, then does the put or get that
// lets it finish. The window is a measurement (how long we look, and how much CPU the caller
// burns meanwhile), not synchronisation: whether the caller returned is read from a flag it sets
// itself, and the test joins every thread before judging. CPU time comes from the caller
// thread's own CPU clock (pthread_getcpuclockid), so other threads' work does not count.
//
// Measured for these checks (BlockingCalls.*, SleepsWhileBlocked.*), 2 cores, g++ 12, plain
// build, 20 runs (variants PCLAB_SEED=1001..1020, solution 2001..2020), busy machine:
//   unsafe:no_synchronisation    SleepsWhileBlocked: 20/20 fail (busy-wait); BlockingCalls: 0/20
//                                (it does wait, by spinning)
//   unsafe:if_instead_of_while   BlockingCalls: 13/20 fail (7 wrong-result, 6 capacity-exceeded:
//                                a spurious wake-up let the call through); SleepsWhileBlocked:
//                                17/20 fail (the call did not block, so nothing to measure)
//   unsafe:check_then_act, unsafe:semaphores_without_mutex: 0/20 (they block correctly)
//   solution                     0/20 fail in both checks
#include <gtest/gtest.h>
#include <pthread.h>
#include <time.h>

#include <atomic>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <ctime>
#include <functional>
#include <latch>
#include <optional>
#include <string>
#include <thread>

#include "bounded_buffer.hpp"
#include "pclab/perturbed_sync.hpp"
#include "pclab/testkit/failure_category.hpp"
#include "pclab/testkit/stress_runner.hpp"
#include "pclab/testkit/stress_test.hpp"
#include "pclab/testkit/thread_registry.hpp"

namespace {

using pclab::BoundedBuffer;
using pclab::testkit::category::kBusyWait;
using pclab::testkit::category::kCapacityExceeded;
using pclab::testkit::category::kWrongResult;
using std::chrono::milliseconds;

// How long the observer waits for the caller to reach the call before it gives up: far more
// than a thread ever needs to start, even on a loaded 2-core machine.
constexpr milliseconds kStartTimeout{10'000};

// A blocked thread may use at most this share of one CPU. A sleeping waiter uses well under 1%
// (a few spurious wake-ups at most); a spinning one uses most of a core even when it yields,
// because on an idle core yield() returns at once.
constexpr double kMaxCpuShareWhileBlocked = 0.20;

// What the observer saw while the caller was (supposed to be) blocked.
struct Watch {
    bool returned_during_window = false;  // the call came back before the observer acted
    std::optional<double> cpu_share;      // caller's CPU time / window, if it could be read
};

double seconds(const timespec& t) {
    return static_cast<double>(t.tv_sec) + t.tv_nsec * 1e-9;
}

// Runs `call` on a caller thread, watches it for `window` from an observer thread, then runs
// `release` on the observer. Returns once both threads have finished.
Watch watch_blocked_call(const std::function<void()>& call, const std::function<void()>& release,
                         milliseconds window) {
    std::atomic<bool> about_to_call{false};
    std::atomic<bool> call_returned{false};
    clockid_t caller_cpu_clock{};
    // The caller stays alive (sleeping here) until the observer has read its CPU clock, even if
    // the call wrongly returned at once: a finished thread's clock cannot be read.
    std::latch observer_done(1);
    Watch watch;

    pclab::testkit::StressRunner runner;
    runner.add("caller", [&] {
        if (pthread_getcpuclockid(pthread_self(), &caller_cpu_clock) != 0) {
            throw std::runtime_error("pthread_getcpuclockid failed");
        }
        about_to_call.store(true, std::memory_order_release);  // publishes caller_cpu_clock
        {
            const pclab::testkit::ScopedActivity inside("the call that should block");
            call();
        }
        call_returned.store(true, std::memory_order_release);
        observer_done.wait();
    });
    runner.add("observer", [&] {
        const auto give_up = std::chrono::steady_clock::now() + kStartTimeout;
        while (!about_to_call.load(std::memory_order_acquire)) {
            if (std::chrono::steady_clock::now() > give_up) {
                observer_done.count_down();
                throw std::runtime_error("the caller thread never reached the call");
            }
            std::this_thread::yield();
        }
        // Here: the caller is at most a few instructions away from the call. What it spends on
        // the way in is microseconds; the window is hundreds of milliseconds.
        timespec cpu_before{};
        timespec cpu_after{};
        const bool readable_before = clock_gettime(caller_cpu_clock, &cpu_before) == 0;
        std::this_thread::sleep_for(window);  // the measurement window
        const bool readable_after = clock_gettime(caller_cpu_clock, &cpu_after) == 0;
        watch.returned_during_window = call_returned.load(std::memory_order_acquire);
        if (readable_before && readable_after) {
            const double window_seconds = std::chrono::duration<double>(window).count();
            watch.cpu_share = (seconds(cpu_after) - seconds(cpu_before)) / window_seconds;
        }
        observer_done.count_down();
        const pclab::testkit::ScopedActivity inside("the call that should release the caller");
        release();
    });
    runner.run();
    return watch;
}

// Capacities to try: the smallest, a small one, and one drawn from the handout's range.
std::vector<std::size_t> capacities_to_try(pclab::testkit::Rng& rng) {
    constexpr std::int64_t kMaxCapacity = 64;  // the handout's range
    return {1, 2, static_cast<std::size_t>(rng.between(3, kMaxCapacity))};
}

// Leaves `buffer` empty after putting and getting `capacity + 1` items, so its insides are not
// at their starting position (a ring index that only works at 0 is caught too).
void cycle_once_around(BoundedBuffer<int>& buffer) {
    const int items = static_cast<int>(buffer.capacity()) + 1;
    for (int i = 0; i < items; ++i) {
        buffer.put(-1);
        static_cast<void>(buffer.get());
    }
}

class BlockingTest : public pclab::testkit::StressTest {
  protected:
    void SetUp() override {
        StressTest::SetUp();
        pclab::perturbation::seed(seed());
    }

    // get() on an empty buffer, released by a put of `kReleasedItem`.
    Watch watch_get_on_empty(std::size_t capacity, milliseconds window, std::optional<int>& got) {
        BoundedBuffer<int> buffer(capacity);
        cycle_once_around(buffer);
        return watch_blocked_call([&] { got = buffer.get(); }, [&] { buffer.put(kReleasedItem); },
                                  window);
    }

    // put(kBlockedItem) on a full buffer holding 0..capacity-1, released by one get(). Returns
    // what that get() and the gets after the join returned, in order.
    Watch watch_put_on_full(std::size_t capacity, milliseconds window, std::vector<int>& got) {
        BoundedBuffer<int> buffer(capacity);
        cycle_once_around(buffer);
        for (int i = 0; i < static_cast<int>(capacity); ++i) {
            buffer.put(i);
        }
        Watch watch = watch_blocked_call([&] { buffer.put(kBlockedItem); },
                                         [&] { got.push_back(buffer.get()); }, window);
        // Here: both threads are joined, so the buffer holds capacity items if it is correct.
        for (std::size_t i = 0; i < capacity; ++i) {
            got.push_back(buffer.get());
        }
        return watch;
    }

    static constexpr int kReleasedItem = 4242;  // any value no other put uses
    static constexpr int kBlockedItem = 9999;   // any value no other put uses
};

class BlockingCalls : public BlockingTest {};
class SleepsWhileBlocked : public BlockingTest {};

// Long enough for a get() that does not wait to have returned many times over; short enough to
// try three capacities in well under a second.
constexpr milliseconds kBlockingWindow{100};

TEST_F(BlockingCalls, GetOnEmptyWaitsForAPutAndReturnsItsItem) {
    for (const std::size_t capacity : capacities_to_try(rng())) {
        SCOPED_TRACE("capacity " + std::to_string(capacity));
        std::optional<int> got;
        const Watch watch = watch_get_on_empty(capacity, kBlockingWindow, got);
        PCLAB_EXPECT_CATEGORY(!watch.returned_during_window, kWrongResult)
            << "get() on an empty buffer returned "
            << (got ? std::to_string(*got) : std::string("nothing")) << " before anything was put";
        EXPECT_EQ(got, kReleasedItem) << "after the put, get() should return the item put";
        if (HasFailure()) {
            return;
        }
    }
}

TEST_F(BlockingCalls, PutOnFullWaitsForAGet) {
    for (const std::size_t capacity : capacities_to_try(rng())) {
        SCOPED_TRACE("capacity " + std::to_string(capacity));
        std::vector<int> got;
        const Watch watch = watch_put_on_full(capacity, kBlockingWindow, got);
        PCLAB_EXPECT_CATEGORY(!watch.returned_during_window, kCapacityExceeded)
            << "put() on a full buffer of capacity " << capacity
            << " returned before any item was got";
        std::vector<int> expected;
        for (int i = 0; i < static_cast<int>(capacity); ++i) {
            expected.push_back(i);
        }
        expected.push_back(kBlockedItem);
        EXPECT_EQ(got, expected) << "the items should come out in the order they were put, the "
                                    "blocked put's item last";
        if (HasFailure()) {
            return;
        }
    }
}

// Generous: long enough that a blocked thread's few microseconds of CPU on the way in are
// noise, and a spinning thread's share is unmistakable.
constexpr milliseconds kCpuWindow{300};

TEST_F(SleepsWhileBlocked, GetOnEmptySleeps) {
    for (const std::size_t capacity : capacities_to_try(rng())) {
        SCOPED_TRACE("capacity " + std::to_string(capacity));
        std::optional<int> got;
        const Watch watch = watch_get_on_empty(capacity, kCpuWindow, got);
        ASSERT_FALSE(watch.returned_during_window)
            << "get() on an empty buffer did not block (the blocks-when-empty-or-full check "
               "explains); there was nothing to measure";
        ASSERT_TRUE(watch.cpu_share.has_value()) << "could not read the caller's CPU clock";
        PCLAB_EXPECT_CATEGORY(*watch.cpu_share < kMaxCpuShareWhileBlocked, kBusyWait)
            << "the thread blocked in get() used " << static_cast<int>(*watch.cpu_share * 100)
            << "% of a CPU for " << kCpuWindow.count() << " ms; a waiting thread should sleep "
            << "(under " << static_cast<int>(kMaxCpuShareWhileBlocked * 100) << "%)";
        if (HasFailure()) {
            return;
        }
    }
}

TEST_F(SleepsWhileBlocked, PutOnFullSleeps) {
    for (const std::size_t capacity : capacities_to_try(rng())) {
        SCOPED_TRACE("capacity " + std::to_string(capacity));
        std::vector<int> got;
        const Watch watch = watch_put_on_full(capacity, kCpuWindow, got);
        ASSERT_FALSE(watch.returned_during_window)
            << "put() on a full buffer did not block (the blocks-when-empty-or-full check "
               "explains); there was nothing to measure";
        ASSERT_TRUE(watch.cpu_share.has_value()) << "could not read the caller's CPU clock";
        PCLAB_EXPECT_CATEGORY(*watch.cpu_share < kMaxCpuShareWhileBlocked, kBusyWait)
            << "the thread blocked in put() used " << static_cast<int>(*watch.cpu_share * 100)
            << "% of a CPU for " << kCpuWindow.count() << " ms; a waiting thread should sleep "
            << "(under " << static_cast<int>(kMaxCpuShareWhileBlocked * 100) << "%)";
        if (HasFailure()) {
            return;
        }
    }
}

}  // namespace
