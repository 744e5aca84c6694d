/// @file
/// @ingroup testkit
/// @brief ThreadCpuClock: how much CPU time one thread has used, readable from another thread.
///
/// The measurement behind the "no busy-waiting" checks: a thread blocked in `get()` on an empty
/// queue should sleep in the kernel, so its CPU time stays flat however long it waits; a thread
/// that spins (re-checks in a loop, `yield`s, polls with a zero timeout) burns CPU time at the
/// rate it gets scheduled.
///
/// @code
/// // on the thread to be measured:
/// clock.emplace(ThreadCpuClock::of_calling_thread());
/// // on any other thread, while the measured thread has not yet ended:
/// const std::chrono::nanoseconds before = clock->used();
/// ...
/// const std::chrono::nanoseconds spent = clock->used() - before;
/// @endcode
///
/// Header-only (two system calls), so a lab's tests can use it without a new library source.
#pragma once

#include <pthread.h>
#include <time.h>

#include <cerrno>
#include <chrono>
#include <system_error>

namespace pclab::testkit {

/// @brief The CPU-time clock of one thread (Linux `pthread_getcpuclockid`).
///
/// Abstract state: the thread it measures. Copyable; reading it is thread-safe.
/// Requires: used() is only called while the measured thread has not ended (the kernel forgets
/// a thread's clock when it exits).
class ThreadCpuClock {
  public:
    /// @brief The clock of the calling thread.
    ///
    /// Throws `std::system_error` if the system has no per-thread CPU clock.
    static ThreadCpuClock of_calling_thread() {
        clockid_t clock{};
        if (const int error = ::pthread_getcpuclockid(::pthread_self(), &clock); error != 0) {
            throw std::system_error(error, std::generic_category(), "pthread_getcpuclockid");
        }
        return ThreadCpuClock(clock);
    }

    /// @brief CPU time (user + system) the measured thread has used since it started.
    ///
    /// Throws `std::system_error` if the clock cannot be read (say, the thread has ended).
    /// Thread-safe. Never blocks.
    std::chrono::nanoseconds used() const {
        timespec now{};
        if (::clock_gettime(clock_, &now) != 0) {
            throw std::system_error(errno, std::generic_category(), "clock_gettime");
        }
        return std::chrono::seconds(now.tv_sec) + std::chrono::nanoseconds(now.tv_nsec);
    }

  private:
    explicit ThreadCpuClock(clockid_t clock) : clock_(clock) {}
    clockid_t clock_;
};

}  // namespace pclab::testkit
