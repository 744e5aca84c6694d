/// @file
/// @ingroup exploration
/// @brief The synchronisation vocabulary under the controlled scheduler:
///        `pclab::explore::mutex`, `pclab::explore::condition_variable`,
///        `pclab::explore::counting_semaphore`, `pclab::explore::binary_semaphore`,
///        `pclab::explore::thread` and `pclab::explore::this_thread`.
///
/// **Why.** The same names as `<pclab/sync.hpp>`, with the same interfaces as the `std::`
/// types, so lab code can run under the Scheduler of `<pclab/explore/scheduler.hpp>` by
/// recompiling: every operation below is a *scheduling point*, where the Scheduler may switch
/// to another thread, and every switch is a recorded choice. One thread runs at a time, so a
/// run is deterministic given its choices: a schedule that breaks the code can be reported step
/// by step and replayed exactly (see `<pclab/explore/explorer.hpp>`).
///
/// **Two modes, picked per call.** When the calling thread is managed by a running Scheduler
/// (`Scheduler::current() != nullptr`), an operation acts on the object's *model state* through
/// the Scheduler: blocking means "not enabled until ...", timed waits run on the virtual clock
/// (nothing ever sleeps), and condition waits may wake spuriously (within the Scheduler's
/// budget) when the Strategy says so. Otherwise the operation is the wrapped `std::` one, so
/// these types work anywhere, e.g. in a plain unit test. Requires: an object is used entirely
/// in one mode during its life (entirely inside one run, or entirely outside runs).
///
/// **Where.** Every operation takes a trailing `std::source_location` that defaults to the
/// caller's location; leave it alone. The step list and the deadlock report show it.
/// `std::unique_lock`, `std::lock_guard` and `std::scoped_lock` over this mutex are specialised
/// below so that their steps name the line that constructs the lock (the unlock at the end of
/// its scope is reported at that line too).
///
/// **What stays exact.** In explore mode the run is sequentially consistent (one thread at a
/// time, a full hand-over between threads), so this mode finds ordering bugs (lost wake-ups,
/// `if` instead of `while`, check-then-act, deadlocks, lost updates at explicit yield points),
/// not weak-memory bugs or data races: those are for ThreadSanitizer and the perturbed runs.
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <exception>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <semaphore>
#include <source_location>
#include <string>
#include <system_error>
#include <thread>
#include <tuple>
#include <type_traits>
#include <utility>

#include "pclab/explore/scheduler.hpp"

namespace pclab::explore {

/// @cond PCLAB_INTERNAL
namespace detail {

// A duration as a virtual-clock timeout; durations beyond ~100 years count as "no limit" (they
// would overflow the nanosecond clock, and no test waits that long on purpose).
template <class Rep, class Period>
std::optional<std::chrono::nanoseconds> virtual_timeout(
    const std::chrono::duration<Rep, Period>& timeout) {
    constexpr std::chrono::duration<double> longest = std::chrono::hours(24 * 365 * 100);
    if (std::chrono::duration<double>(timeout) >= longest) {
        return std::nullopt;
    }
    return std::chrono::ceil<std::chrono::nanoseconds>(timeout);
}

// The time left until `deadline` on its own clock, as a virtual-clock timeout.
template <class Clock, class Duration>
std::optional<std::chrono::nanoseconds> virtual_timeout_until(
    const std::chrono::time_point<Clock, Duration>& deadline) {
    return virtual_timeout(deadline - Clock::now());
}

}  // namespace detail
/// @endcond

/// @brief A mutex whose lock() and unlock() are scheduling points under the Scheduler.
///
/// Abstract state: free, or owned by one thread. Meets the standard's Mutex requirements, so it
/// works with `std::lock_guard`, `std::unique_lock` and `std::scoped_lock`. Under the Scheduler,
/// a thread blocked in lock() is not run until the mutex is free; locking a mutex one already
/// holds is reported as a deadlock, unlocking one that one does not hold as a misuse. Outside a
/// run it is a `std::mutex`. Not copyable or movable. Thread-safe. `lock()` blocks.
class mutex {
  public:
    /// @brief Creates an unlocked mutex.
    mutex() noexcept = default;
    mutex(const mutex&) = delete;             ///< Not copyable.
    mutex& operator=(const mutex&) = delete;  ///< Not copyable.

    /// @brief Takes the lock, blocking while another thread holds it.
    ///
    /// Requires: the calling thread does not hold it. A scheduling point before the take.
    /// @param where the caller's location (leave the default).
    void lock(std::source_location where = std::source_location::current()) {
        if (Scheduler* scheduler = Scheduler::current()) {
            scheduler->lock(state_, Operation{"lock", where});
        } else {
            inner_.lock();
        }
    }

    /// @brief Takes the lock if it is free; returns whether it did. A scheduling point
    ///        before the attempt. Never blocks for long.
    /// @param where the caller's location (leave the default).
    [[nodiscard]] bool try_lock(std::source_location where = std::source_location::current()) {
        if (Scheduler* scheduler = Scheduler::current()) {
            return scheduler->try_lock(state_, Operation{"try_lock", where});
        }
        return inner_.try_lock();
    }

    /// @brief Releases the lock. Requires: the calling thread holds it.
    ///
    /// A scheduling point after the release (another thread may take the lock before the
    /// caller goes on). Never blocks for long.
    /// @param where the caller's location (leave the default).
    void unlock(std::source_location where = std::source_location::current()) noexcept {
        if (Scheduler* scheduler = Scheduler::current()) {
            scheduler->unlock(state_, Operation{"unlock", where});
        } else {
            inner_.unlock();
        }
    }

    /// @brief unlock() as a lock object's destructor calls it: the step reads "unlock at scope
    ///        end", at `where`, the line that took the lock (the end of a scope has no line).
    ///
    /// Requires: as for unlock(). Never blocks for long.
    /// @param where the line that built the lock object.
    void unlock_at_scope_end(std::source_location where) noexcept {
        if (Scheduler* scheduler = Scheduler::current()) {
            scheduler->unlock(state_, Operation{"unlock at scope end", where});
        } else {
            inner_.unlock();
        }
    }

    /// @brief The wrapped `std::mutex`, for condition_variable outside a run.
    std::mutex& std_mutex() noexcept { return inner_; }

    /// @brief The model state, for condition_variable under the Scheduler.
    MutexState& model_state() noexcept { return state_; }

  private:
    std::mutex inner_;
    MutexState state_;
};

}  // namespace pclab::explore

// The standard lock types over pclab::explore::mutex, specialised so that the steps they take
// name the student's line instead of a line of <mutex>: each constructor (and lock(),
// try_lock(), unlock()) takes the caller's location as a defaulted trailing argument, and the
// unlock in the destructor reports the line where the lock was taken. [namespace.std] allows
// specialising a standard class template for a program-defined type when the specialisation
// meets the template's requirements; these have every member of the primary templates that a
// non-timed mutex supports, with the same meaning.

/// @cond PCLAB_INTERNAL
namespace std {  // NOLINT(cert-dcl58-cpp): specialisations for a program-defined type

template <>
class unique_lock<pclab::explore::mutex> {
  public:
    using mutex_type = pclab::explore::mutex;

    unique_lock() noexcept = default;
    explicit unique_lock(mutex_type& m, source_location where = source_location::current())
        : mutex_(&m), where_(where) {
        m.lock(where);
        owns_ = true;
    }
    unique_lock(mutex_type& m, defer_lock_t /*unused*/,
                source_location where = source_location::current()) noexcept
        : mutex_(&m), where_(where) {}
    unique_lock(mutex_type& m, try_to_lock_t /*unused*/,
                source_location where = source_location::current())
        : mutex_(&m), owns_(m.try_lock(where)), where_(where) {}
    unique_lock(mutex_type& m, adopt_lock_t /*unused*/,
                source_location where = source_location::current()) noexcept
        : mutex_(&m), owns_(true), where_(where) {}
    unique_lock(const unique_lock&) = delete;
    unique_lock& operator=(const unique_lock&) = delete;
    unique_lock(unique_lock&& other) noexcept
        : mutex_(exchange(other.mutex_, nullptr)),
          owns_(exchange(other.owns_, false)),
          where_(other.where_) {}
    unique_lock& operator=(unique_lock&& other) noexcept {
        if (owns_) {
            mutex_->unlock_at_scope_end(where_);
        }
        mutex_ = exchange(other.mutex_, nullptr);
        owns_ = exchange(other.owns_, false);
        where_ = other.where_;
        return *this;
    }
    ~unique_lock() {
        if (owns_) {
            mutex_->unlock_at_scope_end(where_);
        }
    }

    void lock(source_location where = source_location::current()) {
        check_can_lock();
        mutex_->lock(where);
        owns_ = true;
        where_ = where;
    }
    bool try_lock(source_location where = source_location::current()) {
        check_can_lock();
        owns_ = mutex_->try_lock(where);
        where_ = where;
        return owns_;
    }
    void unlock(source_location where = source_location::current()) {
        if (!owns_) {
            throw system_error(make_error_code(errc::operation_not_permitted));
        }
        mutex_->unlock(where);
        owns_ = false;
    }
    void swap(unique_lock& other) noexcept {
        std::swap(mutex_, other.mutex_);
        std::swap(owns_, other.owns_);
        std::swap(where_, other.where_);
    }
    mutex_type* release() noexcept {
        owns_ = false;
        return exchange(mutex_, nullptr);
    }
    [[nodiscard]] bool owns_lock() const noexcept { return owns_; }
    explicit operator bool() const noexcept { return owns_; }
    [[nodiscard]] mutex_type* mutex() const noexcept { return mutex_; }

  private:
    void check_can_lock() const {
        if (mutex_ == nullptr) {
            throw system_error(make_error_code(errc::operation_not_permitted));
        }
        if (owns_) {
            throw system_error(make_error_code(errc::resource_deadlock_would_occur));
        }
    }

    mutex_type* mutex_ = nullptr;
    bool owns_ = false;
    source_location where_;
};

template <>
class lock_guard<pclab::explore::mutex> {
  public:
    using mutex_type = pclab::explore::mutex;

    explicit lock_guard(mutex_type& m, source_location where = source_location::current())
        : mutex_(m), where_(where) {
        m.lock(where);
    }
    lock_guard(mutex_type& m, adopt_lock_t /*unused*/,
               source_location where = source_location::current()) noexcept
        : mutex_(m), where_(where) {}
    lock_guard(const lock_guard&) = delete;
    lock_guard& operator=(const lock_guard&) = delete;
    ~lock_guard() { mutex_.unlock_at_scope_end(where_); }

  private:
    mutex_type& mutex_;
    source_location where_;
};

template <>
class scoped_lock<pclab::explore::mutex> {
  public:
    using mutex_type = pclab::explore::mutex;

    explicit scoped_lock(mutex_type& m, source_location where = source_location::current())
        : mutex_(m), where_(where) {
        m.lock(where);
    }
    scoped_lock(adopt_lock_t /*unused*/, mutex_type& m,
                source_location where = source_location::current()) noexcept
        : mutex_(m), where_(where) {}
    scoped_lock(const scoped_lock&) = delete;
    scoped_lock& operator=(const scoped_lock&) = delete;
    ~scoped_lock() { mutex_.unlock_at_scope_end(where_); }

  private:
    mutex_type& mutex_;
    source_location where_;
};

}  // namespace std
/// @endcond

namespace pclab::explore {

/// @brief A condition variable that waits with a `std::unique_lock<pclab::explore::mutex>`;
///        under the Scheduler its waits and notifications are scheduling points.
///
/// Abstract state: the set of threads waiting on it. Under the Scheduler: a wait releases the
/// mutex and the thread is not run again until it is notified (notify_one wakes the waiter the
/// Strategy picks), its timeout fires on the virtual clock, or the Strategy makes it return
/// spuriously (at most SchedulerOptions::max_spurious_wakes_in_a_row times in a row) — all of
/// which the standard allows; it then re-takes the mutex before returning. The overloads taking
/// a predicate loop until it holds. Outside a run it is a `std::condition_variable` over the
/// mutex's `std::mutex`. Not copyable or movable. Thread-safe. `wait*` blocks.
class condition_variable {
  public:
    /// @brief Creates a condition variable nobody waits on.
    condition_variable() = default;
    condition_variable(const condition_variable&) = delete;             ///< Not copyable.
    condition_variable& operator=(const condition_variable&) = delete;  ///< Not copyable.

    /// @brief Wakes one waiting thread, if any. A scheduling point after the wake-up.
    ///        Never blocks for long.
    /// @param where the caller's location (leave the default).
    void notify_one(std::source_location where = std::source_location::current()) noexcept {
        if (Scheduler* scheduler = Scheduler::current()) {
            scheduler->notify_one(state_, Operation{"notify_one", where});
        } else {
            inner_.notify_one();
        }
    }

    /// @brief Wakes every waiting thread. A scheduling point after the wake-up. Never blocks
    ///        for long.
    /// @param where the caller's location (leave the default).
    void notify_all(std::source_location where = std::source_location::current()) noexcept {
        if (Scheduler* scheduler = Scheduler::current()) {
            scheduler->notify_all(state_, Operation{"notify_all", where});
        } else {
            inner_.notify_all();
        }
    }

    /// @brief Releases `lock`, waits for a notification (or wakes spuriously), re-acquires
    ///        `lock`.
    ///
    /// Requires: `lock` owns its mutex, locked by the calling thread. Blocks.
    /// @param lock the lock over the mutex that guards the condition.
    /// @param where the caller's location (leave the default).
    void wait(std::unique_lock<mutex>& lock,
              std::source_location where = std::source_location::current()) {
        if (Scheduler* scheduler = Scheduler::current()) {
            scheduler->wait(state_, lock.mutex()->model_state(), std::nullopt,
                            Operation{"wait", where});
            return;
        }
        Adopted adopted(lock);
        inner_.wait(adopted.lock);
    }

    /// @brief Waits until `stop_waiting()` is true; equivalent to
    ///        `while (!stop_waiting()) wait(lock);`.
    ///
    /// Requires: as for wait(lock). Blocks.
    /// @param lock the lock over the mutex that guards the condition.
    /// @param stop_waiting the condition, evaluated with `lock` held.
    /// @param where the caller's location (leave the default).
    template <class Predicate>
    void wait(std::unique_lock<mutex>& lock, Predicate stop_waiting,
              std::source_location where = std::source_location::current()) {
        while (!stop_waiting()) {
            wait(lock, where);
        }
    }

    /// @brief Like wait(lock), but returns `std::cv_status::timeout` once `deadline` has
    ///        passed without a wake-up.
    ///
    /// Under the Scheduler, the time left until `deadline` (on `Clock`, at the call) becomes a
    /// timeout on the virtual clock. Requires: as for wait(lock). Blocks until woken or until
    /// `deadline`.
    /// @param lock the lock over the mutex that guards the condition.
    /// @param deadline when to give up.
    /// @param where the caller's location (leave the default).
    template <class Clock, class Duration>
    std::cv_status wait_until(std::unique_lock<mutex>& lock,
                              const std::chrono::time_point<Clock, Duration>& deadline,
                              std::source_location where = std::source_location::current()) {
        if (Scheduler* scheduler = Scheduler::current()) {
            return scheduler->wait(state_, lock.mutex()->model_state(),
                                   detail::virtual_timeout_until(deadline),
                                   Operation{"wait_until", where});
        }
        Adopted adopted(lock);
        return inner_.wait_until(adopted.lock, deadline);
    }

    /// @brief Waits until `stop_waiting()` is true or `deadline` has passed; returns
    ///        `stop_waiting()` as last evaluated.
    ///
    /// Requires: as for wait(lock). Blocks until the condition holds or until `deadline`.
    /// @param lock the lock over the mutex that guards the condition.
    /// @param deadline when to give up.
    /// @param stop_waiting the condition, evaluated with `lock` held.
    /// @param where the caller's location (leave the default).
    template <class Clock, class Duration, class Predicate>
    bool wait_until(std::unique_lock<mutex>& lock,
                    const std::chrono::time_point<Clock, Duration>& deadline,
                    Predicate stop_waiting,
                    std::source_location where = std::source_location::current()) {
        if (Scheduler* scheduler = Scheduler::current()) {
            return wait_virtually(*scheduler, lock, detail::virtual_timeout_until(deadline),
                                  std::move(stop_waiting), Operation{"wait_until", where});
        }
        while (!stop_waiting()) {
            if (wait_until(lock, deadline, where) == std::cv_status::timeout) {
                return stop_waiting();
            }
        }
        return true;
    }

    /// @brief wait_until(lock, now + timeout), on the steady clock (under the Scheduler, on
    ///        the virtual clock).
    ///
    /// Requires: as for wait(lock). Blocks until woken or until the timeout has passed.
    /// @param lock the lock over the mutex that guards the condition.
    /// @param timeout how long to wait at most.
    /// @param where the caller's location (leave the default).
    template <class Rep, class Period>
    std::cv_status wait_for(std::unique_lock<mutex>& lock,
                            const std::chrono::duration<Rep, Period>& timeout,
                            std::source_location where = std::source_location::current()) {
        if (Scheduler* scheduler = Scheduler::current()) {
            return scheduler->wait(state_, lock.mutex()->model_state(),
                                   detail::virtual_timeout(timeout), Operation{"wait_for", where});
        }
        return wait_until(lock, deadline_after(timeout), where);
    }

    /// @brief wait_until(lock, now + timeout, stop_waiting), on the steady clock (under the
    ///        Scheduler, on the virtual clock: the timeout bounds the whole loop).
    ///
    /// Requires: as for wait(lock). Blocks until the condition holds or the timeout has passed.
    /// @param lock the lock over the mutex that guards the condition.
    /// @param timeout how long to wait at most.
    /// @param stop_waiting the condition, evaluated with `lock` held.
    /// @param where the caller's location (leave the default).
    template <class Rep, class Period, class Predicate>
    bool wait_for(std::unique_lock<mutex>& lock, const std::chrono::duration<Rep, Period>& timeout,
                  Predicate stop_waiting,
                  std::source_location where = std::source_location::current()) {
        if (Scheduler* scheduler = Scheduler::current()) {
            return wait_virtually(*scheduler, lock, detail::virtual_timeout(timeout),
                                  std::move(stop_waiting), Operation{"wait_for", where});
        }
        return wait_until(lock, deadline_after(timeout), std::move(stop_waiting), where);
    }

  private:
    // Lends the std::mutex under a unique_lock<mutex> to std::condition_variable for one wait
    // (which unlocks and re-locks it), then hands ownership back: the outer lock still owns
    // the mutex afterwards, as a std::condition_variable wait promises.
    struct Adopted {
        explicit Adopted(std::unique_lock<mutex>& outer)
            : lock(outer.mutex()->std_mutex(), std::adopt_lock) {}
        ~Adopted() { static_cast<void>(lock.release()); }
        Adopted(const Adopted&) = delete;
        Adopted& operator=(const Adopted&) = delete;
        std::unique_lock<std::mutex> lock;
    };

    // The predicate loop under the Scheduler: one virtual deadline for the whole loop.
    template <class Predicate>
    bool wait_virtually(Scheduler& scheduler, std::unique_lock<mutex>& lock,
                        std::optional<std::chrono::nanoseconds> timeout, Predicate stop_waiting,
                        Operation operation) {
        std::optional<std::chrono::nanoseconds> deadline;
        if (timeout.has_value()) {
            deadline = scheduler.virtual_now() + *timeout;
        }
        while (!stop_waiting()) {
            std::optional<std::chrono::nanoseconds> left;
            if (deadline.has_value()) {
                left = *deadline - scheduler.virtual_now();
            }
            if (scheduler.wait(state_, lock.mutex()->model_state(), left, operation) ==
                std::cv_status::timeout) {
                return stop_waiting();
            }
        }
        return true;
    }

    template <class Rep, class Period>
    static std::chrono::steady_clock::time_point deadline_after(
        const std::chrono::duration<Rep, Period>& timeout) {
        return std::chrono::steady_clock::now() +
               std::chrono::ceil<std::chrono::steady_clock::duration>(timeout);
    }

    std::condition_variable inner_;
    ConditionState state_;
};

/// @brief A counting semaphore whose acquire() and release() are scheduling points under the
///        Scheduler.
///
/// Abstract state: a count in `[0, max()]`. Under the Scheduler, a thread blocked in acquire()
/// is not run until the count is positive; a release() past max() is reported as a misuse.
/// Outside a run it is a `std::counting_semaphore<LeastMaxValue>`. Unlike the standard's,
/// try_acquire() is not `noexcept`: under a failed run that winds down it throws RunAborted,
/// so a spinning caller cannot spin forever. Not copyable or movable. Thread-safe.
/// `acquire()` blocks.
/// @tparam LeastMaxValue the largest count the semaphore must be able to hold.
template <std::ptrdiff_t LeastMaxValue = std::counting_semaphore<>::max()>
class counting_semaphore {
  public:
    /// @brief The largest count this semaphore can hold.
    static constexpr std::ptrdiff_t max() noexcept {
        return std::counting_semaphore<LeastMaxValue>::max();
    }

    /// @brief Creates the semaphore with count `desired`.
    ///
    /// Requires: `0 <= desired <= max()`.
    /// @param desired the initial count.
    explicit counting_semaphore(std::ptrdiff_t desired) : inner_(desired), state_{desired, max()} {}
    counting_semaphore(const counting_semaphore&) = delete;             ///< Not copyable.
    counting_semaphore& operator=(const counting_semaphore&) = delete;  ///< Not copyable.

    /// @brief Adds `update` to the count, waking waiters. Requires: `update >= 0` and the
    ///        count stays at most max(). A scheduling point after the release. Never blocks.
    /// @param update how much to add.
    /// @param where the caller's location (leave the default).
    void release(std::ptrdiff_t update = 1,
                 std::source_location where = std::source_location::current()) {
        if (Scheduler* scheduler = Scheduler::current()) {
            scheduler->release(state_, update, Operation{"release", where});
        } else {
            inner_.release(update);
        }
    }

    /// @brief Waits until the count is positive, then decrements it. Blocks.
    /// @param where the caller's location (leave the default).
    void acquire(std::source_location where = std::source_location::current()) {
        if (Scheduler* scheduler = Scheduler::current()) {
            scheduler->acquire(state_, Operation{"acquire", where});
        } else {
            inner_.acquire();
        }
    }

    /// @brief Decrements the count if it is positive; returns whether it did. Never blocks
    ///        for long.
    /// @param where the caller's location (leave the default).
    [[nodiscard]] bool try_acquire(std::source_location where = std::source_location::current()) {
        if (Scheduler* scheduler = Scheduler::current()) {
            return scheduler->try_acquire(state_, Operation{"try_acquire", where});
        }
        return inner_.try_acquire();
    }

    /// @brief Like acquire(), but gives up (returning false) after `timeout` (on the virtual
    ///        clock under the Scheduler). Blocks until acquired or until the timeout has passed.
    /// @param timeout how long to wait at most.
    /// @param where the caller's location (leave the default).
    template <class Rep, class Period>
    [[nodiscard]] bool try_acquire_for(
        const std::chrono::duration<Rep, Period>& timeout,
        std::source_location where = std::source_location::current()) {
        if (Scheduler* scheduler = Scheduler::current()) {
            return acquire_virtually(*scheduler, detail::virtual_timeout(timeout),
                                     Operation{"try_acquire_for", where});
        }
        return inner_.try_acquire_for(timeout);
    }

    /// @brief Like acquire(), but gives up (returning false) at `deadline` (under the
    ///        Scheduler, the time left until it at the call becomes a virtual-clock timeout).
    ///        Blocks until acquired or until `deadline`.
    /// @param deadline when to give up.
    /// @param where the caller's location (leave the default).
    template <class Clock, class Duration>
    [[nodiscard]] bool try_acquire_until(
        const std::chrono::time_point<Clock, Duration>& deadline,
        std::source_location where = std::source_location::current()) {
        if (Scheduler* scheduler = Scheduler::current()) {
            return acquire_virtually(*scheduler, detail::virtual_timeout_until(deadline),
                                     Operation{"try_acquire_until", where});
        }
        return inner_.try_acquire_until(deadline);
    }

  private:
    bool acquire_virtually(Scheduler& scheduler, std::optional<std::chrono::nanoseconds> timeout,
                           Operation operation) {
        if (!timeout.has_value()) {
            scheduler.acquire(state_, operation);
            return true;
        }
        return scheduler.try_acquire_for(state_, *timeout, operation);
    }

    std::counting_semaphore<LeastMaxValue> inner_;
    SemaphoreState state_;
};

/// @brief A semaphore whose count is 0 or 1.
using binary_semaphore = counting_semaphore<1>;

/// @brief A thread's name for reports, with the location that starts it; converts implicitly
///        from a string, so `pclab::explore::thread t("producer 1", produce);` names the thread.
struct ThreadName {
    /// @brief Names a thread.
    /// @param name the name, e.g. "producer 1".
    /// @param where the caller's location (leave the default).
    ThreadName(const char* name,  // NOLINT(google-explicit-constructor): converts on purpose
               std::source_location where = std::source_location::current())
        : name(name), where(where) {}
    /// @brief Names a thread.
    /// @param name the name, e.g. "producer 1".
    /// @param where the caller's location (leave the default).
    ThreadName(std::string name,  // NOLINT(google-explicit-constructor): converts on purpose
               std::source_location where = std::source_location::current())
        : name(std::move(name)), where(where) {}

    std::string name;            ///< the name; empty: "thread N"
    std::source_location where;  ///< where the thread is started
};

/// @brief A thread of execution; under the Scheduler, a managed thread that runs only when it
///        holds the baton.
///
/// Abstract state: empty, or owning a thread that runs a callable (joinable until joined).
/// Constructed by a thread the Scheduler manages, it starts a managed thread (a scheduling
/// point: the new thread may run first); otherwise a `std::thread`. join() is a scheduling
/// point that waits until the thread has ended.
///
/// Requires: join every joinable thread before it is destroyed; destroying a joinable thread
/// calls `std::terminate`, like `std::thread` — except under the Scheduler while the destroying
/// thread is unwinding an exception or the run is winding down after a failure: then it winds
/// the run down and joins, so the exception can reach the run and become its verdict.
/// Movable, not copyable. Not thread-safe (one owner).
class thread {
  public:
    /// @brief Creates an empty thread object (not joinable).
    thread() noexcept = default;

    /// @brief Starts a thread (named "thread N" in reports) running `f(args...)`; the callable
    ///        and the arguments are decay-copied, as by `std::thread`.
    /// @param f the callable.
    /// @param args its arguments.
    template <class F, class... Args>
    requires(!std::is_same_v<std::remove_cvref_t<F>, thread> &&
             !std::is_convertible_v<F, ThreadName>) explicit thread(F&& f, Args&&... args)
        : thread(ThreadName(std::string(), std::source_location()), std::forward<F>(f),
                 std::forward<Args>(args)...) {}

    /// @brief Starts a thread named `name` running `f(args...)`.
    /// @param name the thread's name in reports (and where it was started).
    /// @param f the callable.
    /// @param args its arguments.
    template <class F, class... Args>
    thread(ThreadName name, F&& f, Args&&... args) {
        auto call = std::make_shared<std::tuple<std::decay_t<F>, std::decay_t<Args>...>>(
            std::forward<F>(f), std::forward<Args>(args)...);
        auto body = [call] {
            std::apply(
                [](auto& callable, auto&... arguments) {
                    std::invoke(std::move(callable), std::move(arguments)...);
                },
                *call);
        };
        if (Scheduler* scheduler = Scheduler::current()) {
            managed_ = scheduler->start_thread(std::move(name.name), std::move(body),
                                               Operation{"start", name.where});
            scheduler_ = scheduler;
        } else {
            native_ = std::thread(std::move(body));
        }
    }

    /// @brief Takes over `other`'s thread; `other` becomes empty.
    /// @param other the thread object to move from.
    thread(thread&& other) noexcept
        : native_(std::move(other.native_)),
          scheduler_(std::exchange(other.scheduler_, nullptr)),
          managed_(std::exchange(other.managed_, no_thread)) {}

    /// @brief Takes over `other`'s thread. Requires: `*this` is not joinable (otherwise
    ///        `std::terminate`).
    /// @param other the thread object to move from.
    thread& operator=(thread&& other) noexcept {
        if (joinable()) {
            std::terminate();
        }
        native_ = std::move(other.native_);
        scheduler_ = std::exchange(other.scheduler_, nullptr);
        managed_ = std::exchange(other.managed_, no_thread);
        return *this;
    }

    thread(const thread&) = delete;             ///< Not copyable.
    thread& operator=(const thread&) = delete;  ///< Not copyable.

    /// @brief Requires the thread to be joined (see the class comment).
    ~thread() {
        if (!joinable()) {
            return;
        }
        if (scheduler_ != nullptr && scheduler_ == Scheduler::current() &&
            (scheduler_->winding_down() || std::uncaught_exceptions() > 0)) {
            scheduler_->wind_down_for_unwinding();
            join();
            return;
        }
        std::terminate();
    }

    /// @brief Whether this object owns a thread not yet joined.
    bool joinable() const noexcept { return managed_ != no_thread || native_.joinable(); }

    /// @brief Waits until the thread has ended. Requires: joinable(), and the caller is not
    ///        the thread itself. Blocks.
    /// @param where the caller's location (leave the default).
    void join(std::source_location where = std::source_location::current()) {
        if (managed_ != no_thread) {
            scheduler_->join(std::exchange(managed_, no_thread), Operation{"join", where});
            scheduler_ = nullptr;
        } else {
            native_.join();
        }
    }

    /// @brief Lets the thread run on with nothing to join it; `*this` becomes empty.
    ///
    /// Requires: joinable(). Under the Scheduler a scheduling point; a detached thread still
    /// running when the test body ends fails the run (it could use objects that are gone).
    /// @param where the caller's location (leave the default).
    void detach(std::source_location where = std::source_location::current()) {
        if (managed_ != no_thread) {
            scheduler_->detach(std::exchange(managed_, no_thread), Operation{"detach", where});
            scheduler_ = nullptr;
        } else {
            native_.detach();
        }
    }

    /// @brief How many threads the hardware runs at once (as `std::thread`).
    static unsigned int hardware_concurrency() noexcept {
        return std::thread::hardware_concurrency();
    }

  private:
    std::thread native_;
    Scheduler* scheduler_ = nullptr;
    std::size_t managed_ = no_thread;
};

/// @brief What a thread can do to itself: yield (a bare scheduling point) and name itself.
namespace this_thread {

/// @brief A scheduling point with no other effect: under the Scheduler another thread may run
///        here (use it to mark where an unsynchronised read and its write may be interleaved);
///        outside a run, `std::this_thread::yield()`.
/// @param where the caller's location (leave the default).
inline void yield(std::source_location where = std::source_location::current()) {
    if (Scheduler* scheduler = Scheduler::current()) {
        scheduler->yield(Operation{"yield", where});
    } else {
        std::this_thread::yield();
    }
}

/// @brief Blocks the calling thread for `duration`; under the Scheduler on the virtual clock (a
///        scheduling point; nothing sleeps for real), otherwise `std::this_thread::sleep_for`.
/// @param duration how long to sleep.
/// @param where the caller's location (leave the default).
template <class Rep, class Period>
void sleep_for(const std::chrono::duration<Rep, Period>& duration,
               std::source_location where = std::source_location::current()) {
    if (Scheduler* scheduler = Scheduler::current()) {
        scheduler->sleep(
            detail::virtual_timeout(duration).value_or(std::chrono::hours(24 * 365 * 100)),
            Operation{"sleep_for", where});
    } else {
        std::this_thread::sleep_for(duration);
    }
}

/// @brief Blocks the calling thread until `deadline`; under the Scheduler the time left (at
///        the call) passes on the virtual clock, otherwise `std::this_thread::sleep_until`.
/// @param deadline when to wake.
/// @param where the caller's location (leave the default).
template <class Clock, class Duration>
void sleep_until(const std::chrono::time_point<Clock, Duration>& deadline,
                 std::source_location where = std::source_location::current()) {
    if (Scheduler* scheduler = Scheduler::current()) {
        scheduler->sleep(
            detail::virtual_timeout_until(deadline).value_or(std::chrono::hours(24 * 365 * 100)),
            Operation{"sleep_until", where});
    } else {
        std::this_thread::sleep_until(deadline);
    }
}

/// @brief Names the calling thread in reports (e.g. "consumer 2"); no effect outside a run.
/// @param name the name.
inline void set_name(std::string name) {
    if (Scheduler* scheduler = Scheduler::current()) {
        scheduler->set_thread_name(std::move(name));
    }
}

}  // namespace this_thread

}  // namespace pclab::explore
