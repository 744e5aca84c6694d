/// @file
/// @ingroup sync_layer
/// @brief `pclab::condvar_semaphore`: a counting semaphore built from a mutex and a condition
///        variable — what `pclab::counting_semaphore` is outside exploration.
///
/// Why not `std::counting_semaphore`: the one in GCC 12's libstdc++ (Debian 12's) can lose a
/// wake-up under contention — `release()` skips the futex wake when it sees a positive count,
/// while an `acquire()` that just lost a compare-and-swap goes to sleep on the zero it read
/// (GCC bugs 98033 and 104928). A correct bounded buffer built on two semaphores then hangs now
/// and then, and the grader would report the student's correct code as `deadlock`: measured
/// with `./pclab fairness`, lab 02's semaphore solution lost its `exactly-once` check once in
/// three runs of one seed under ThreadSanitizer. A mutex and a condition variable cannot lose a
/// wake-up this way, and the labs never need a semaphore's speed more than its correctness.
///
/// Abstract state: a count, 0 <= count <= max(). Everything the standard promises of
/// `std::counting_semaphore` holds: release() adds to the count and happens-before the
/// acquire() that takes what it added; acquire() blocks while the count is 0; the timed forms
/// give up at their deadline. Not copyable or movable. Thread-safe.
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <mutex>
#include <semaphore>

namespace pclab {

/// @brief A counting semaphore with the interface of `std::counting_semaphore<LeastMaxValue>`,
///        built from a `std::mutex` and a `std::condition_variable` (see the file comment).
/// @tparam LeastMaxValue the largest count the semaphore must be able to hold.
template <std::ptrdiff_t LeastMaxValue = std::counting_semaphore<>::max()>
class condvar_semaphore {  // NOLINT(readability-identifier-naming): std's naming, like its peer
  public:
    /// @brief The largest count this semaphore can hold: the std semaphore's, so either can
    ///        stand for the other.
    static constexpr std::ptrdiff_t max() noexcept {
        return std::counting_semaphore<LeastMaxValue>::max();
    }

    /// @brief Creates the semaphore with count `desired`.
    ///
    /// Requires: `0 <= desired <= max()`.
    /// @param desired the initial count.
    explicit condvar_semaphore(std::ptrdiff_t desired) : count_(desired) {}
    condvar_semaphore(const condvar_semaphore&) = delete;             ///< Not copyable.
    condvar_semaphore& operator=(const condvar_semaphore&) = delete;  ///< Not copyable.

    /// @brief Adds `update` to the count and wakes as many waiters as it can satisfy. Requires:
    ///        `update >= 0` and the count stays at most max(). Never blocks for long (it takes
    ///        the internal lock).
    /// @param update how much to add.
    void release(std::ptrdiff_t update = 1) {
        {
            const std::lock_guard lock(mutex_);
            count_ += update;
        }
        if (update == 1) {
            available_.notify_one();
        } else if (update > 1) {
            available_.notify_all();
        }
    }

    /// @brief Waits until the count is positive, then decrements it. Blocks.
    void acquire() {
        std::unique_lock lock(mutex_);
        available_.wait(lock, [this] { return count_ > 0; });
        --count_;
    }

    /// @brief Decrements the count if it is positive; returns whether it did. Never blocks
    ///        for long (it takes the internal lock).
    [[nodiscard]] bool try_acquire() noexcept {
        const std::lock_guard lock(mutex_);
        if (count_ == 0) {
            return false;
        }
        --count_;
        return true;
    }

    /// @brief Like acquire(), but gives up (returning false) after `timeout`.
    ///
    /// Blocks until acquired or until the timeout has passed.
    /// @param timeout how long to wait at most.
    template <class Rep, class Period>
    [[nodiscard]] bool try_acquire_for(const std::chrono::duration<Rep, Period>& timeout) {
        return try_acquire_until(std::chrono::steady_clock::now() +
                                 std::chrono::ceil<std::chrono::steady_clock::duration>(timeout));
    }

    /// @brief Like acquire(), but gives up (returning false) at `deadline`.
    ///
    /// Blocks until acquired or until `deadline`.
    /// @param deadline when to give up.
    template <class Clock, class Duration>
    [[nodiscard]] bool try_acquire_until(const std::chrono::time_point<Clock, Duration>& deadline) {
        std::unique_lock lock(mutex_);
        if (!available_.wait_until(lock, deadline, [this] { return count_ > 0; })) {
            return false;
        }
        --count_;
        return true;
    }

  private:
    std::mutex mutex_;
    std::condition_variable available_;
    std::ptrdiff_t count_;  // guarded by mutex_
};

}  // namespace pclab
