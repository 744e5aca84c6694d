/// @file
/// @brief A hostile submission of labs 03 and 04 (a fixture of
///        tests/hostile_submissions_test.cpp): a correct pclab::Queue (the one contract both
///        labs grade in queue.hpp) in which put(), get() or join() misbehaves in the way the
///        environment variable PCLAB_HOSTILE_FAULT names; with the variable empty it is correct.
///
/// Every run-time fault of these labs lives in this one text, chosen when the check runs: the
/// grader takes the variable from its own environment into every check process, so the suite
/// switches faults without writing a new source.
///
/// This is student code: the labs' builds compile it as labs/03-bounded-queue/queue.hpp and
/// labs/04-task-done-join/queue.hpp, so it names only pclab:: synchronisation.
#pragma once

#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <deque>
#include <memory>
#include <mutex>
#include <optional>
#include <stdexcept>
#include <string_view>
#include <utility>
#include <vector>

#include "pclab/errors.hpp"
#include "pclab/sync.hpp"

namespace pclab::hostile {

inline std::string_view chosen_fault() {
    const char* fault = std::getenv("PCLAB_HOSTILE_FAULT");
    return fault == nullptr ? std::string_view() : std::string_view(fault);
}

// busy-loop-in-put: put() spins for ever without sleeping (volatile, so the loop stays).
[[noreturn]] inline void spin_forever() {
    volatile std::uint64_t spins = 0;
    while (true) {
        spins = spins + 1;
    }
}

// memory-bomb-in-put: put() keeps 16 MiB after 16 MiB that nobody frees, each written so it
// is resident, for ever.
[[noreturn]] inline void hoard_memory_forever() {
    constexpr std::size_t kChunk = std::size_t{16} << 20;
    std::vector<std::unique_ptr<char[]>> hoard;
    while (true) {
        hoard.push_back(std::make_unique_for_overwrite<char[]>(kChunk));
        std::memset(hoard.back().get(), 1, kChunk);
    }
}

inline void check_fault_is_known() {
    const std::string_view fault = chosen_fault();
    if (!fault.empty() && fault != "deadlock-in-get" && fault != "deadlock-in-join" &&
        fault != "busy-loop-in-put" && fault != "memory-bomb-in-put") {
        // A misspelt fault must never pass as "the grader shrugged it off".
        static_cast<void>(::write(STDERR_FILENO, "unknown PCLAB_HOSTILE_FAULT\n", 28));
        std::_Exit(3);
    }
}

}  // namespace pclab::hostile

namespace pclab {

/// @brief The pclab::Queue contract of labs 03-05 (labs/03-bounded-queue/queue.hpp), correctly
///        implemented, plus the fault PCLAB_HOSTILE_FAULT chooses.
template <class T>
class Queue {
  public:
    explicit Queue(std::size_t maxsize = 0) : maxsize_(maxsize) { hostile::check_fault_is_known(); }
    Queue(const Queue&) = delete;
    Queue& operator=(const Queue&) = delete;

    void put(T item) {
        const std::string_view fault = hostile::chosen_fault();
        if (fault == "busy-loop-in-put") {
            hostile::spin_forever();
        }
        if (fault == "memory-bomb-in-put") {
            hostile::hoard_memory_forever();
        }
        put_with(std::move(item), Patience::unlimited, {});
    }
    void put(T item, std::chrono::nanoseconds timeout) {
        put_with(std::move(item), Patience::until_deadline, timeout);
    }
    void put_nowait(T item) { put_with(std::move(item), Patience::none, {}); }

    T get() {
        if (hostile::chosen_fault() == "deadlock-in-get") {
            return get_after_a_signal_nobody_sends();
        }
        return get_with(Patience::unlimited, {});
    }
    T get(std::chrono::nanoseconds timeout) { return get_with(Patience::until_deadline, timeout); }
    T get_nowait() { return get_with(Patience::none, {}); }

    void task_done() {
        const std::lock_guard<pclab::mutex> lock(mutex_);
        if (unfinished_tasks_ == 0) {
            throw std::logic_error("task_done() called too many times");
        }
        --unfinished_tasks_;
        if (unfinished_tasks_ == 0) {
            all_tasks_done_.notify_all();
        }
    }

    void join() {
        std::unique_lock<pclab::mutex> lock(mutex_);
        if (hostile::chosen_fault() == "deadlock-in-join") {
            // deadlock-in-join: waits for a release that no task_done() ever signals.
            all_tasks_done_.wait(lock, [this] { return released_by_nobody_; });
        }
        all_tasks_done_.wait(lock, [this] { return unfinished_tasks_ == 0; });
    }

    void shutdown(bool immediate = false) {
        const std::lock_guard<pclab::mutex> lock(mutex_);
        is_shutdown_ = true;
        if (immediate) {
            unfinished_tasks_ -= std::min(unfinished_tasks_, items_.size());
            items_.clear();
            all_tasks_done_.notify_all();
        }
        not_empty_.notify_all();
        not_full_.notify_all();
    }

    bool is_shutdown() const {
        const std::lock_guard<pclab::mutex> lock(mutex_);
        return is_shutdown_;
    }
    std::size_t qsize() const {
        const std::lock_guard<pclab::mutex> lock(mutex_);
        return items_.size();
    }
    bool empty() const {
        const std::lock_guard<pclab::mutex> lock(mutex_);
        return items_.empty();
    }
    bool full() const {
        const std::lock_guard<pclab::mutex> lock(mutex_);
        return full_locked();
    }
    std::size_t maxsize() const { return maxsize_; }
    std::size_t unfinished_tasks() const {
        const std::lock_guard<pclab::mutex> lock(mutex_);
        return unfinished_tasks_;
    }

  private:
    using Clock = std::chrono::steady_clock;
    enum class Patience { none, until_deadline, unlimited };

    bool full_locked() const { return maxsize_ > 0 && items_.size() >= maxsize_; }

    // deadlock-in-get: waits for a signal no put() ever sends. The wait checks a flag that only
    // the missing signal would set, so a spurious wake-up cannot rescue it.
    T get_after_a_signal_nobody_sends() {
        std::unique_lock<pclab::mutex> lock(mutex_);
        not_empty_.wait(lock, [this] { return released_by_nobody_; });
        T item = std::move(items_.front());
        items_.pop_front();
        return item;
    }

    // Waits until `ready` (true) or the deadline (false); no deadline when the timeout is too
    // long to add to now.
    template <class Ready>
    static bool wait_for_patience(std::unique_lock<pclab::mutex>& lock,
                                  pclab::condition_variable& condition, Patience patience,
                                  Clock::time_point called_at, std::chrono::nanoseconds timeout,
                                  Ready ready) {
        if (patience == Patience::unlimited || timeout > Clock::time_point::max() - called_at) {
            condition.wait(lock, ready);
            return true;
        }
        return condition.wait_until(lock, called_at + timeout, ready);
    }

    void put_with(T&& item, Patience patience, std::chrono::nanoseconds timeout) {
        const Clock::time_point called_at = Clock::now();
        std::unique_lock<pclab::mutex> lock(mutex_);
        if (is_shutdown_) {
            throw ShutDown();
        }
        if (timeout < std::chrono::nanoseconds::zero()) {
            throw std::invalid_argument("Queue::put: the timeout must not be negative");
        }
        if (full_locked()) {
            if (patience == Patience::none ||
                (patience == Patience::until_deadline && timeout == timeout.zero())) {
                throw Full();
            }
            if (!wait_for_patience(lock, not_full_, patience, called_at, timeout,
                                   [this] { return is_shutdown_ || !full_locked(); })) {
                throw Full();
            }
            if (is_shutdown_) {
                throw ShutDown();
            }
        }
        items_.push_back(std::move(item));
        ++unfinished_tasks_;
        not_empty_.notify_one();
    }

    T get_with(Patience patience, std::chrono::nanoseconds timeout) {
        const Clock::time_point called_at = Clock::now();
        std::unique_lock<pclab::mutex> lock(mutex_);
        if (is_shutdown_ && items_.empty()) {
            throw ShutDown();
        }
        if (timeout < std::chrono::nanoseconds::zero()) {
            throw std::invalid_argument("Queue::get: the timeout must not be negative");
        }
        if (items_.empty()) {
            if (patience == Patience::none ||
                (patience == Patience::until_deadline && timeout == timeout.zero())) {
                throw Empty();
            }
            if (!wait_for_patience(lock, not_empty_, patience, called_at, timeout,
                                   [this] { return is_shutdown_ || !items_.empty(); })) {
                throw Empty();
            }
            if (items_.empty()) {
                throw ShutDown();
            }
        }
        T item = std::move(items_.front());
        items_.pop_front();
        not_full_.notify_one();
        return item;
    }

    const std::size_t maxsize_;
    mutable pclab::mutex mutex_;  // guards everything below
    std::deque<T> items_;
    std::size_t unfinished_tasks_ = 0;
    bool is_shutdown_ = false;
    const bool released_by_nobody_ = false;  // what the deadlocking waits wait for
    pclab::condition_variable not_empty_;
    pclab::condition_variable not_full_;
    pclab::condition_variable all_tasks_done_;
};

}  // namespace pclab
