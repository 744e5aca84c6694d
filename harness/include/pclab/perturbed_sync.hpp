/// @file
/// @ingroup sync_layer
/// @brief Seeded schedule perturbation: `pclab::perturbation::mutex`,
///        `pclab::perturbation::condition_variable` and `pclab::perturbation::counting_semaphore`,
///        thin wrappers over the `std::` types that make rare interleavings common.
///
/// **Why.** Many concurrency bugs are not data races: code that checks a condition under a
/// lock, releases it, and acts under a second lock (check-then-act), or that waits with `if`
/// where it needs `while`. ThreadSanitizer cannot see them, and plain stress tests rarely hit
/// the narrow window in which they go wrong. These wrappers widen the windows: driven by a seeded
/// per-thread generator, they yield or spin briefly before and after `lock()`, `unlock()`,
/// `acquire()`, `release()` and `notify_*()`, and they let `wait()` return *spuriously* now and
/// then — a wake-up the standard explicitly allows (re-acquire the lock and return without a
/// notify). Correct code is unaffected: `wait(lock, pred)` loops, and every other effect is a
/// legal timing. Incorrect code that relied on a lucky schedule fails far more often.
///
/// **When.** `<pclab/sync.hpp>` makes `pclab::mutex`, `pclab::condition_variable` and
/// `pclab::counting_semaphore` name these types when the macro `PCLAB_SYNC_PERTURB` is defined
/// (the kit defines it for every lab's test programs); otherwise they stay plain `std::`
/// aliases at zero cost. This header itself does not depend on the macro: any code may include
/// it to call seed() or configure().
///
/// **What stays exact.** The happens-before relations are those of the wrapped `std::` types
/// and nothing more: the wrappers keep their own state in `thread_local` variables and relaxed
/// atomics, which order nothing, so ThreadSanitizer sees the same races it would see without
/// them. `condition_variable` wraps `std::condition_variable` itself (not
/// `std::condition_variable_any`, whose internal mutex would add ordering).
///
/// **Seeds.** Each thread draws its decisions from its own generator, seeded with
/// `mix(base seed, thread index)`, where the base seed is the value given to seed() (or,
/// before any call, `PCLAB_SEED` from the environment, else 0) and the thread index counts the
/// threads in the order they first reach a perturbation point after the last seed(). One thread
/// with one seed always makes the same sequence of decisions; which interleaving a whole run gets
/// still depends on the operating system's scheduler, so the perturbation makes bugs likely, not
/// replayable.
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <mutex>
#include <semaphore>
#include <string_view>
#include <thread>

#include "pclab/condvar_semaphore.hpp"

/// @brief Seeded schedule perturbation: the control functions and the perturbing wrappers that
///        `<pclab/sync.hpp>` uses under `PCLAB_SYNC_PERTURB`.
namespace pclab::perturbation {

/// @brief A place where a wrapper may perturb the schedule.
enum class Point : std::uint8_t {
    before_lock,     ///< mutex::lock() / try_lock(), before taking the lock
    after_lock,      ///< mutex::lock() / try_lock(), holding the lock just taken
    before_unlock,   ///< mutex::unlock(), still holding the lock
    after_unlock,    ///< mutex::unlock(), just released
    before_wait,     ///< condition_variable::wait*, holding the lock, before waiting
    after_notify,    ///< condition_variable::notify_*, after notifying
    before_acquire,  ///< counting_semaphore::acquire() / try_acquire*(), before acquiring
    after_acquire,   ///< counting_semaphore::acquire() / try_acquire*(), after acquiring
    before_release,  ///< counting_semaphore::release(), before releasing
    after_release,   ///< counting_semaphore::release(), after releasing
};

/// @brief What a thread does at a perturbation point.
enum class Action : std::uint8_t {
    proceed,  ///< nothing: carry on at once
    yield,    ///< `std::this_thread::yield()`: let another ready thread run first
    spin,     ///< burn a few CPU cycles: let a thread on another core get ahead
};

/// @brief One decision at a perturbation point.
struct Decision {
    Action action = Action::proceed;    ///< what to do
    std::uint32_t spin_iterations = 0;  ///< for Action::spin, how many empty loop iterations

    /// @brief Decisions compare equal when they do the same thing.
    friend bool operator==(const Decision&, const Decision&) = default;
};

/// @brief How often each kind of perturbation happens. A rate of "one in N" means each point
///        (or each wait) draws it with probability 1/N; 0 means never.
struct Settings {
    /// @brief Yield at one point in this many. 64: rare on purpose. A yield hands the core to
    ///        any ready thread, including other processes': on a busy machine one costs a whole
    ///        time slice (milliseconds), so frequent yields would make tests crawl.
    std::uint32_t yield_one_in = 64;
    /// @brief Spin at one point in this many (checked when no yield was drawn). 8: the main
    ///        perturbation. A spin of a few microseconds between two critical sections, or
    ///        while holding a lock, lets threads on the other cores overtake this one, which is
    ///        what check-then-act and stolen wake-ups need; and it costs only those microseconds.
    std::uint32_t spin_one_in = 8;
    /// @brief The longest spin, in empty loop iterations. 4000: a few microseconds, the order
    ///        of a lock hand-over to a thread on another core; long enough to open a window,
    ///        short enough to stay cheap.
    std::uint32_t max_spin_iterations = 4000;
    /// @brief Return spuriously from one wait in this many. 4: a waiting thread that re-checks
    ///        nothing is caught within a few waits.
    std::uint32_t spurious_wake_one_in = 4;
    /// @brief The budget: at most this many spurious returns in a row on one thread; the next
    ///        wait really blocks. 3: a correct waiter re-checks at most 3 times per real wake-up,
    ///        so a thread blocked for a long time sleeps instead of spinning through waits.
    std::uint32_t max_consecutive_spurious_wakes = 3;

    /// @brief Settings under which no perturbation ever happens.
    static constexpr Settings none() { return Settings{0, 0, 0, 0, 0}; }

    /// @brief Settings compare equal when every rate is equal.
    friend bool operator==(const Settings&, const Settings&) = default;
};

/// @brief SplitMix64's finaliser: a bijection on 64-bit values with good avalanche, so nearby
///        inputs (seed 1, 2, 3; thread 0, 1, 2) give unrelated outputs.
/// @param value any value.
constexpr std::uint64_t mix64(std::uint64_t value) noexcept {
    value += 0x9e3779b97f4a7c15ULL;  // the golden-ratio increment of SplitMix64
    value = (value ^ (value >> 30)) * 0xbf58476d1ce4e5b9ULL;
    value = (value ^ (value >> 27)) * 0x94d049bb133111ebULL;
    return value ^ (value >> 31);
}

/// @brief A deterministic source of decisions for one thread.
///
/// Abstract state: a position in a pseudo-random sequence fixed by the seed, the Settings, and
/// the number of spurious wake-ups granted in a row. Equal seeds and settings give equal
/// decision sequences on every platform (the generator is SplitMix64, written out here).
/// Not thread-safe: each thread owns one.
class Schedule {
  public:
    /// @brief Starts the sequence for `seed`.
    /// @param seed any value; equal seeds give equal sequences.
    /// @param settings the rates to draw with.
    explicit Schedule(std::uint64_t seed = 0, const Settings& settings = {}) noexcept
        : state_(seed), settings_(settings) {}

    /// @brief Draws the decision for one perturbation point.
    /// @param point where the thread is (every point currently draws from the same rates;
    ///        the parameter keeps the sequence meaningful if they ever differ).
    /// Never blocks.
    Decision next(Point point) noexcept {
        static_cast<void>(point);
        if (one_in(settings_.yield_one_in)) {
            return Decision{Action::yield, 0};
        }
        if (one_in(settings_.spin_one_in) && settings_.max_spin_iterations > 0) {
            const auto iterations =
                static_cast<std::uint32_t>(1 + draw() % settings_.max_spin_iterations);
            return Decision{Action::spin, iterations};
        }
        return Decision{};
    }

    /// @brief Decides whether the wait about to start returns spuriously, within the budget
    ///        of Settings::max_consecutive_spurious_wakes in a row.
    ///
    /// Never blocks.
    bool next_wait_is_spurious() noexcept {
        if (consecutive_spurious_ >= settings_.max_consecutive_spurious_wakes ||
            !one_in(settings_.spurious_wake_one_in)) {
            consecutive_spurious_ = 0;  // this wait really blocks: the budget refills
            return false;
        }
        ++consecutive_spurious_;
        return true;
    }

  private:
    std::uint64_t draw() noexcept {
        state_ += 0x9e3779b97f4a7c15ULL;  // SplitMix64's state step
        return mix64(state_);
    }
    bool one_in(std::uint32_t n) noexcept { return n != 0 && draw() % n == 0; }

    std::uint64_t state_;
    Settings settings_;
    std::uint32_t consecutive_spurious_ = 0;
};

/// @cond PCLAB_INTERNAL
// Internals shared by the control functions and the wrappers; not for direct use (and not in
// the reference documentation).
namespace detail {

// Global control state. Constant-initialised atomics (no guarded statics, whose one-time
// initialisation would order threads) accessed only with relaxed operations, which order
// nothing: the perturbation never hides a data race from ThreadSanitizer.
inline std::atomic<std::uint64_t> generation{1};  // bumped by seed() and configure()
inline std::atomic<bool> seeded_explicitly{false};
inline std::atomic<std::uint64_t> base_seed{0};
inline std::atomic<std::uint64_t> next_thread_index{0};  // reset by seed()
inline std::atomic<std::uint32_t> yield_one_in{Settings{}.yield_one_in};
inline std::atomic<std::uint32_t> spin_one_in{Settings{}.spin_one_in};
inline std::atomic<std::uint32_t> max_spin_iterations{Settings{}.max_spin_iterations};
inline std::atomic<std::uint32_t> spurious_wake_one_in{Settings{}.spurious_wake_one_in};
inline std::atomic<std::uint32_t> max_consecutive_spurious_wakes{
    Settings{}.max_consecutive_spurious_wakes};

// The base seed from PCLAB_SEED (decimal u64), or 0 when it is absent or malformed (the
// testkit's own main reports a malformed one).
inline std::uint64_t seed_from_environment() noexcept {
    const char* text = std::getenv("PCLAB_SEED");  // NOLINT(concurrency-mt-unsafe): read only
    if (text == nullptr) {
        return 0;
    }
    std::uint64_t value = 0;
    for (const char c : std::string_view(text)) {
        if (c < '0' || c > '9') {
            return 0;
        }
        value = value * 10 + static_cast<std::uint64_t>(c - '0');  // wraps on overflow: fine
    }
    return value;
}

inline Settings current_settings() noexcept {
    return Settings{yield_one_in.load(std::memory_order_relaxed),
                    spin_one_in.load(std::memory_order_relaxed),
                    max_spin_iterations.load(std::memory_order_relaxed),
                    spurious_wake_one_in.load(std::memory_order_relaxed),
                    max_consecutive_spurious_wakes.load(std::memory_order_relaxed)};
}

// One thread's perturbation state. It re-seeds itself at its first decision after seed() or
// configure() changed the generation.
struct ThreadState {
    std::uint64_t generation = 0;  // 0: never seeded (the global generation starts at 1)
    std::uint64_t index = 0;
    Schedule schedule;
};

inline ThreadState& this_thread_state() noexcept {
    thread_local ThreadState state;
    const std::uint64_t now = generation.load(std::memory_order_relaxed);
    if (state.generation != now) {
        const std::uint64_t base = seeded_explicitly.load(std::memory_order_relaxed)
                                       ? base_seed.load(std::memory_order_relaxed)
                                       : seed_from_environment();
        state.index = next_thread_index.fetch_add(1, std::memory_order_relaxed);
        state.schedule = Schedule(mix64(base ^ mix64(state.index)), current_settings());
        state.generation = now;
    }
    return state;
}

// Burns `iterations` loop iterations the compiler cannot remove.
inline void spin(std::uint32_t iterations) noexcept {
    for (std::uint32_t i = 0; i < iterations; ++i) {
        std::atomic_signal_fence(std::memory_order_seq_cst);  // a compiler barrier, no fence
    }
}

}  // namespace detail
/// @endcond

/// @brief Sets the base seed and restarts every thread's decision sequence.
///
/// After this call, the n-th thread (counting from 0) to reach a perturbation point draws from
/// `Schedule(mix64(base ^ mix64(n)))`. The testkit's fixtures call it with each test's seed.
/// Requires: no other thread is inside a perturbed operation (call it between tests or rounds,
/// from the thread that starts the workers). Thread-safe. Never blocks.
/// @param base any value.
inline void seed(std::uint64_t base) noexcept {
    detail::base_seed.store(base, std::memory_order_relaxed);
    detail::seeded_explicitly.store(true, std::memory_order_relaxed);
    detail::next_thread_index.store(0, std::memory_order_relaxed);
    detail::generation.fetch_add(1, std::memory_order_relaxed);
}

/// @brief The base seed the next decision sequences derive from: the last seed() argument, or
///        `PCLAB_SEED` (else 0) if seed() was never called. Thread-safe. Never blocks.
inline std::uint64_t current_seed() noexcept {
    return detail::seeded_explicitly.load(std::memory_order_relaxed)
               ? detail::base_seed.load(std::memory_order_relaxed)
               : detail::seed_from_environment();
}

/// @brief Replaces the rates every thread draws with (Settings::none() turns perturbation
///        off) and restarts every thread's decision sequence, like seed().
///
/// Requires: as for seed(). Thread-safe. Never blocks.
/// @param settings the new rates.
inline void configure(const Settings& settings) noexcept {
    detail::yield_one_in.store(settings.yield_one_in, std::memory_order_relaxed);
    detail::spin_one_in.store(settings.spin_one_in, std::memory_order_relaxed);
    detail::max_spin_iterations.store(settings.max_spin_iterations, std::memory_order_relaxed);
    detail::spurious_wake_one_in.store(settings.spurious_wake_one_in, std::memory_order_relaxed);
    detail::max_consecutive_spurious_wakes.store(settings.max_consecutive_spurious_wakes,
                                                 std::memory_order_relaxed);
    detail::next_thread_index.store(0, std::memory_order_relaxed);
    detail::generation.fetch_add(1, std::memory_order_relaxed);
}

/// @brief The rates in force (the defaults of Settings until configure() is called).
///
/// Thread-safe. Never blocks.
inline Settings current_settings() noexcept {
    return detail::current_settings();
}

/// @brief Draws the calling thread's next decision for `point` from its Schedule, without
///        acting on it. What the wrappers call; exposed so tests can observe the sequence.
///
/// Never blocks.
/// @param point where the thread is.
inline Decision next_decision(Point point) noexcept {
    return detail::this_thread_state().schedule.next(point);
}

/// @brief Draws the calling thread's next decision for `point` and acts on it (yields, spins
///        or does nothing). Never blocks for long.
/// @param point where the thread is.
inline void perturb(Point point) noexcept {
    const Decision decision = next_decision(point);
    switch (decision.action) {
        case Action::yield:
            std::this_thread::yield();
            break;
        case Action::spin:
            detail::spin(decision.spin_iterations);
            break;
        case Action::proceed:
            break;
    }
}

/// @brief Draws whether the calling thread's next wait returns spuriously (see
///        Schedule::next_wait_is_spurious). Never blocks.
inline bool next_wait_is_spurious() noexcept {
    return detail::this_thread_state().schedule.next_wait_is_spurious();
}

/// @brief A `std::mutex` that perturbs the schedule around lock() and unlock().
///
/// Meets the standard's Mutex requirements, so it works with `std::lock_guard`,
/// `std::unique_lock` and `std::scoped_lock`; mutual exclusion and happens-before are exactly
/// those of the wrapped `std::mutex`. Not copyable or movable. Thread-safe. `lock()` blocks.
class mutex {  // NOLINT(readability-identifier-naming): the std name it stands for
  public:
    /// @brief Creates an unlocked mutex.
    constexpr mutex() noexcept = default;
    mutex(const mutex&) = delete;             ///< Not copyable.
    mutex& operator=(const mutex&) = delete;  ///< Not copyable.

    /// @brief Takes the lock, blocking while another thread holds it.
    ///
    /// Requires: the calling thread does not hold it. Perturbs before and after taking it.
    void lock() {
        perturb(Point::before_lock);
        inner_.lock();
        perturb(Point::after_lock);  // holding the lock: others pile up behind it
    }

    /// @brief Takes the lock if it is free; returns whether it did. Never blocks for long.
    [[nodiscard]] bool try_lock() {
        perturb(Point::before_lock);
        const bool locked = inner_.try_lock();
        if (locked) {
            perturb(Point::after_lock);
        }
        return locked;
    }

    /// @brief Releases the lock. Requires: the calling thread holds it.
    ///
    /// Perturbs before releasing (widening the critical section) and after (letting another
    /// thread act between this critical section and the caller's next one). Never blocks.
    void unlock() {
        perturb(Point::before_unlock);
        inner_.unlock();
        perturb(Point::after_unlock);
    }

    /// @brief The wrapped `std::mutex`, for condition_variable (which waits on it directly).
    std::mutex& std_mutex() noexcept { return inner_; }

  private:
    std::mutex inner_;
};

/// @brief A `std::condition_variable` that waits with a `std::unique_lock<mutex>`, perturbs
///        around notifications and, within a budget, returns spuriously from waits.
///
/// A spurious return releases the lock, yields, re-acquires the lock and returns without any
/// notify: exactly what the standard allows `std::condition_variable::wait` to do. The
/// overloads taking a predicate loop until it holds, so they never return early; code that
/// waits without re-checking its condition is what these returns catch.
/// Not copyable or movable. Thread-safe. `wait*` blocks.
class condition_variable {  // NOLINT(readability-identifier-naming): the std name it stands for
  public:
    /// @brief Creates a condition variable nobody waits on.
    condition_variable() = default;
    condition_variable(const condition_variable&) = delete;             ///< Not copyable.
    condition_variable& operator=(const condition_variable&) = delete;  ///< Not copyable.

    /// @brief Wakes one waiting thread, if any. Never blocks.
    void notify_one() noexcept {
        inner_.notify_one();
        perturb(Point::after_notify);
    }

    /// @brief Wakes every waiting thread. Never blocks.
    void notify_all() noexcept {
        inner_.notify_all();
        perturb(Point::after_notify);
    }

    /// @brief Releases `lock`, waits for a notification (or wakes spuriously), re-acquires
    ///        `lock`.
    ///
    /// Requires: `lock` owns its mutex, locked by the calling thread. Blocks.
    /// @param lock the lock over the mutex that guards the condition.
    void wait(std::unique_lock<mutex>& lock) {
        perturb(Point::before_wait);
        if (next_wait_is_spurious()) {
            spurious_return(lock);
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
    template <class Predicate>
    void wait(std::unique_lock<mutex>& lock, Predicate stop_waiting) {
        while (!stop_waiting()) {
            wait(lock);
        }
    }

    /// @brief Like wait(lock), but returns `std::cv_status::timeout` once `deadline` has
    ///        passed without a wake-up.
    ///
    /// Requires: as for wait(lock). Blocks until woken or until `deadline`.
    /// @param lock the lock over the mutex that guards the condition.
    /// @param deadline when to give up.
    template <class Clock, class Duration>
    std::cv_status wait_until(std::unique_lock<mutex>& lock,
                              const std::chrono::time_point<Clock, Duration>& deadline) {
        perturb(Point::before_wait);
        if (next_wait_is_spurious()) {
            spurious_return(lock);
            return Clock::now() < deadline ? std::cv_status::no_timeout : std::cv_status::timeout;
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
    template <class Clock, class Duration, class Predicate>
    bool wait_until(std::unique_lock<mutex>& lock,
                    const std::chrono::time_point<Clock, Duration>& deadline,
                    Predicate stop_waiting) {
        while (!stop_waiting()) {
            if (wait_until(lock, deadline) == std::cv_status::timeout) {
                return stop_waiting();
            }
        }
        return true;
    }

    /// @brief wait_until(lock, now + timeout), on the steady clock.
    ///
    /// Requires: as for wait(lock). Blocks until woken or until the timeout has passed.
    /// @param lock the lock over the mutex that guards the condition.
    /// @param timeout how long to wait at most.
    template <class Rep, class Period>
    std::cv_status wait_for(std::unique_lock<mutex>& lock,
                            const std::chrono::duration<Rep, Period>& timeout) {
        return wait_until(lock, deadline_after(timeout));
    }

    /// @brief wait_until(lock, now + timeout, stop_waiting), on the steady clock.
    ///
    /// Requires: as for wait(lock). Blocks until the condition holds or the timeout has passed.
    /// @param lock the lock over the mutex that guards the condition.
    /// @param timeout how long to wait at most.
    /// @param stop_waiting the condition, evaluated with `lock` held.
    template <class Rep, class Period, class Predicate>
    bool wait_for(std::unique_lock<mutex>& lock, const std::chrono::duration<Rep, Period>& timeout,
                  Predicate stop_waiting) {
        return wait_until(lock, deadline_after(timeout), std::move(stop_waiting));
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

    // A legal spurious wake-up: let go of the lock and take it back (the mutex's own
    // perturbation points in between give others a chance to act first).
    static void spurious_return(std::unique_lock<mutex>& lock) {
        lock.unlock();
        lock.lock();
    }

    template <class Rep, class Period>
    static std::chrono::steady_clock::time_point deadline_after(
        const std::chrono::duration<Rep, Period>& timeout) {
        return std::chrono::steady_clock::now() +
               std::chrono::ceil<std::chrono::steady_clock::duration>(timeout);
    }

    std::condition_variable inner_;
};

/// @brief A `pclab::condvar_semaphore<LeastMaxValue>` (the std semaphore's interface, without
///        GCC 12's lost wake-up) that perturbs the schedule around acquire() and release().
///
/// Counting and happens-before are exactly those of the wrapped semaphore.
/// Not copyable or movable. Thread-safe. `acquire()` blocks.
/// @tparam LeastMaxValue the largest count the semaphore must be able to hold.
template <std::ptrdiff_t LeastMaxValue = std::counting_semaphore<>::max()>
class counting_semaphore {  // NOLINT(readability-identifier-naming): the std name it stands for
  public:
    /// @brief The largest count this semaphore can hold.
    static constexpr std::ptrdiff_t max() noexcept {
        return std::counting_semaphore<LeastMaxValue>::max();
    }

    /// @brief Creates the semaphore with count `desired`.
    ///
    /// Requires: `0 <= desired <= max()`.
    /// @param desired the initial count.
    explicit counting_semaphore(std::ptrdiff_t desired) : inner_(desired) {}
    counting_semaphore(const counting_semaphore&) = delete;             ///< Not copyable.
    counting_semaphore& operator=(const counting_semaphore&) = delete;  ///< Not copyable.

    /// @brief Adds `update` to the count, waking waiters. Requires: `update >= 0` and the
    ///        count stays at most max(). Never blocks.
    /// @param update how much to add.
    void release(std::ptrdiff_t update = 1) {
        perturb(Point::before_release);
        inner_.release(update);
        perturb(Point::after_release);
    }

    /// @brief Waits until the count is positive, then decrements it. Blocks.
    void acquire() {
        perturb(Point::before_acquire);
        inner_.acquire();
        perturb(Point::after_acquire);
    }

    /// @brief Decrements the count if it is positive; returns whether it did. Never blocks.
    [[nodiscard]] bool try_acquire() noexcept {
        perturb(Point::before_acquire);
        const bool acquired = inner_.try_acquire();
        if (acquired) {
            perturb(Point::after_acquire);
        }
        return acquired;
    }

    /// @brief Like acquire(), but gives up (returning false) after `timeout`.
    ///
    /// Blocks until acquired or until the timeout has passed.
    /// @param timeout how long to wait at most.
    template <class Rep, class Period>
    [[nodiscard]] bool try_acquire_for(const std::chrono::duration<Rep, Period>& timeout) {
        perturb(Point::before_acquire);
        const bool acquired = inner_.try_acquire_for(timeout);
        if (acquired) {
            perturb(Point::after_acquire);
        }
        return acquired;
    }

    /// @brief Like acquire(), but gives up (returning false) at `deadline`.
    ///
    /// Blocks until acquired or until `deadline`.
    /// @param deadline when to give up.
    template <class Clock, class Duration>
    [[nodiscard]] bool try_acquire_until(const std::chrono::time_point<Clock, Duration>& deadline) {
        perturb(Point::before_acquire);
        const bool acquired = inner_.try_acquire_until(deadline);
        if (acquired) {
            perturb(Point::after_acquire);
        }
        return acquired;
    }

  private:
    condvar_semaphore<LeastMaxValue> inner_;
};

}  // namespace pclab::perturbation
