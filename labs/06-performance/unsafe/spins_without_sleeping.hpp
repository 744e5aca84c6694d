/// @file
/// @brief Lab 06 unsafe variant `spins_without_sleeping`: a fast one-lock queue,
///        except that a thread that cannot proceed never sleeps: it lets go of the lock, yields,
///        takes the lock again and re-checks, for as long as it takes.
///
/// Every answer it gives is right — it never loses, duplicates or reorders an item, and it is
/// fast while both sides are busy — but a thread blocked in get() on an empty queue, put() on a
/// full one, or join(), burns a whole core doing nothing: the busy-waiting that lab 03 already
/// ruled out. Spinning is a fine first phase of a wait (the reference spins for microseconds),
/// never the whole of it.
///
/// Caught by the checks that measure a blocked thread's CPU time (`no-busy-waiting`,
/// `join-sleeps-while-waiting`), as `busy-wait`, and by exploration: a thread that only yields
/// never lets a run end under a PCT schedule that favours it, and the run's step limit reports
/// it as `busy-wait`. Measured over 20 seeds (`PCLAB_SEED=1..20 ./explore`): every one of the 9
/// explored scenarios caught it in 20 of 20 (PCT; `explored-bounded-exchange` at the first
/// schedule every time).
#pragma once

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstddef>
#include <deque>
#include <mutex>
#include <optional>
#include <stdexcept>
#include <utility>

#include "pclab/errors.hpp"
#include "pclab/sync.hpp"

namespace pclab {

/// @brief A first-in-first-out queue that any number of producer and consumer threads share,
///        optionally bounded so that a fast producer waits for a slow consumer.
///
/// **Abstract state.** A FIFO sequence `items` with `0 <= size(items) <= maxsize` when
/// `maxsize > 0` (unbounded when `maxsize == 0`); the constant `maxsize`; a counter
/// `unfinished_tasks` (puts not yet matched by a task_done); a flag `is_shutdown` that turns
/// true at most once and never back.
///
/// **Thread safety.** Every member may be called by any number of threads at once. Each call
/// takes effect at a single instant, as if the calls ran one at a time. Every wait re-checks its
/// condition in a loop (spurious and stolen wake-ups are harmless) and measures time on
/// `std::chrono::steady_clock` against one deadline fixed when the call starts. A timeout is a
/// `std::chrono::nanoseconds`; any `std::chrono::duration` that converts to it implicitly
/// (seconds, milliseconds, ...) is accepted.
///
/// **Memory ordering.** Everything a producer did before `put(x)` happens-before everything the
/// consumer does after the `get()` that returns x. Everything a consumer did before
/// `task_done()` happens-before everything a joiner does after a `join()` that returns.
///
/// **Items.** `T` need only be move-constructible: `Queue<std::unique_ptr<X>>` works, and `T`
/// need not be default-constructible. Items leave in the order of the successful puts.
///
/// Not copyable or movable.
template <class T>
class Queue {
  public:
    /// @brief Creates an empty, open queue.
    /// @param maxsize the most items it holds at once; 0 (the default) means unbounded.
    explicit Queue(std::size_t maxsize = 0) : maxsize_(maxsize) {}

    Queue(const Queue&) = delete;             ///< Not copyable.
    Queue& operator=(const Queue&) = delete;  ///< Not copyable.

    /// @brief Appends `item` at the back of `items`, waiting as long as needed for room.
    ///
    /// Checks, in this order: `is_shutdown` → throws `pclab::ShutDown`; bounded and full →
    /// waits until there is room (a shutdown during the wait throws `pclab::ShutDown` and the
    /// item is not enqueued). Then appends, adds 1 to `unfinished_tasks`, wakes one waiting
    /// getter.
    /// Guarantees: a put that throws leaves the queue exactly as it was.
    /// Thread-safe. Blocks (while full).
    void put(T item) { put_with(std::move(item), Patience::unlimited, {}); }

    /// @brief Like put(T), but waits for room at most `timeout`.
    ///
    /// Checks, in this order: `is_shutdown` → `pclab::ShutDown`; `timeout < 0` →
    /// `std::invalid_argument`; bounded and full → with `timeout == 0` throws `pclab::Full` at
    /// once, otherwise waits until there is room or the deadline (call time + `timeout`) has
    /// passed, then throws `pclab::Full`.
    /// Thread-safe. Blocks for at most `timeout` (then throws).
    void put(T item, std::chrono::nanoseconds timeout) {
        put_with(std::move(item), Patience::until_deadline, timeout);
    }

    /// @brief Like put(T), but never waits: throws `pclab::Full` if the queue is full now.
    ///
    /// Checks, in this order: `is_shutdown` → `pclab::ShutDown`; bounded and full →
    /// `pclab::Full`.
    /// Thread-safe. Never blocks (beyond taking the lock).
    void put_nowait(T item) { put_with(std::move(item), Patience::none, {}); }

    /// @brief Removes and returns the oldest item, waiting as long as needed for one.
    ///
    /// Checks, in this order: `is_shutdown` and empty → `pclab::ShutDown`; empty → waits until
    /// an item arrives (a shutdown during the wait throws `pclab::ShutDown` if the queue is still
    /// empty). Then removes the oldest item, wakes one waiting putter, returns the item.
    /// `unfinished_tasks` does not change.
    /// Thread-safe. Blocks (while empty).
    T get() { return get_with(Patience::unlimited, {}); }

    /// @brief Like get(), but waits for an item at most `timeout`.
    ///
    /// Checks, in this order: `is_shutdown` and empty → `pclab::ShutDown`; `timeout < 0` →
    /// `std::invalid_argument` (even when an item is available); empty → with `timeout == 0`
    /// throws `pclab::Empty` at once, otherwise waits until an item arrives or the deadline
    /// (call time + `timeout`) has passed, then throws `pclab::Empty`.
    /// Thread-safe. Blocks for at most `timeout` (then throws).
    T get(std::chrono::nanoseconds timeout) { return get_with(Patience::until_deadline, timeout); }

    /// @brief Like get(), but never waits: throws `pclab::Empty` if the queue is empty now.
    ///
    /// Checks, in this order: `is_shutdown` and empty → `pclab::ShutDown`; empty →
    /// `pclab::Empty`.
    /// Thread-safe. Never blocks (beyond taking the lock).
    T get_nowait() { return get_with(Patience::none, {}); }

    /// @brief Marks one earlier put as fully processed: `unfinished_tasks -= 1` (lab 04).
    ///
    /// It counts puts, not gets: put then task_done without a get is legal.
    /// Requires: `unfinished_tasks > 0`; otherwise throws
    /// `std::logic_error("task_done() called too many times")` and changes nothing.
    /// Guarantees: when the count reaches 0, every thread blocked in join() wakes. Works the same
    /// after shutdown.
    /// Thread-safe. Never blocks (beyond taking the lock).
    void task_done() {
        const std::unique_lock<pclab::mutex> lock = lock_quickly();
        if (unfinished_tasks_ == 0) {
            throw std::logic_error("task_done() called too many times");
        }
        --unfinished_tasks_;
        // Notified under the lock: a joiner that returns may destroy the queue at once, so the
        // notify must not touch the condition variable after the lock is gone.
        if (unfinished_tasks_ == 0 && sleeping_joiners_ > 0) {
            all_tasks_done_.notify_all();
        }
    }

    /// @brief Blocks until `unfinished_tasks == 0` (lab 04).
    ///
    /// Returns at once when it is already 0. Any number of threads may join at once; all return
    /// once the count reaches 0. Never throws; has no timeout. An item taken by get() but not yet
    /// task_done() keeps every joiner blocked. A soft shutdown does not release joiners.
    /// Thread-safe. Blocks.
    void join() {
        std::unique_lock<pclab::mutex> lock = lock_quickly();
        if (unfinished_tasks_ == 0) {
            return;
        }
        while (unfinished_tasks_ != 0) {  // THE DEFECT again: a joiner spins too
            lock.unlock();
            pclab::this_thread::yield();
            lock.lock();
        }
    }

    /// @brief Sets `is_shutdown` for good and wakes every blocked putter and getter (lab 05).
    ///
    /// With `immediate == true` it also discards every queued item, lowering `unfinished_tasks`
    /// by one per discarded item (never below 0), and wakes the joiners. Any sequence of calls
    /// is allowed; a later immediate one drains.
    /// After it: every put throws `pclab::ShutDown`; getters drain the remaining items, then
    /// throw `pclab::ShutDown`.
    /// Thread-safe. Never blocks (beyond taking the lock).
    void shutdown(bool immediate = false) {
        const std::unique_lock<pclab::mutex> lock = lock_quickly();
        is_shutdown_ = true;
        shut_down_hint_.store(true, std::memory_order_relaxed);
        if (immediate) {
            const std::size_t discarded = items_.size();
            items_.clear();
            publish_size();
            unfinished_tasks_ -= std::min(unfinished_tasks_, discarded);
            // Joiners re-check the count: they return if it is 0 now, and keep waiting for the
            // items that consumers took but have not yet marked done.
            all_tasks_done_.notify_all();
        }
        // Every sleeper re-checks: putters throw ShutDown, getters drain or throw ShutDown. A
        // thread still spinning sees the hint, or the flag when it takes the lock.
        not_empty_.notify_all();
        not_full_.notify_all();
    }

    /// @brief Whether shutdown() has been called (lab 05).
    /// Thread-safe. Never blocks (beyond taking the lock).
    bool is_shutdown() const {
        const std::unique_lock<pclab::mutex> lock = lock_quickly();
        return is_shutdown_;
    }

    /// @brief `size(items)` at one instant between call and return (may be stale at once).
    /// Thread-safe. Never blocks (beyond taking the lock).
    std::size_t qsize() const {
        const std::unique_lock<pclab::mutex> lock = lock_quickly();
        return items_.size();
    }

    /// @brief `qsize() == 0`, taken at one instant.
    /// Thread-safe. Never blocks (beyond taking the lock).
    bool empty() const {
        const std::unique_lock<pclab::mutex> lock = lock_quickly();
        return items_.empty();
    }

    /// @brief `maxsize > 0 && qsize() >= maxsize`, taken at one instant. An unbounded queue is
    ///        never full.
    /// Thread-safe. Never blocks (beyond taking the lock).
    bool full() const {
        const std::unique_lock<pclab::mutex> lock = lock_quickly();
        return full_locked();
    }

    /// @brief The constructor's argument (0: unbounded).
    /// Thread-safe. Never blocks.
    std::size_t maxsize() const { return maxsize_; }

    /// @brief The current `unfinished_tasks` (lab 04).
    /// Thread-safe. Never blocks (beyond taking the lock).
    std::size_t unfinished_tasks() const {
        const std::unique_lock<pclab::mutex> lock = lock_quickly();
        return unfinished_tasks_;
    }

  private:
    using Clock = std::chrono::steady_clock;

    // How long a put or get may wait: the three forms of each share one body.
    enum class Patience { none, until_deadline, unlimited };

    // How long a thread about to sleep watches for its partner first, in pauses (a pause is
    // some tens of nanoseconds). The budget adapts, separately for getters and putters: a spin
    // that saw its partner act doubles it (up to kMostPauses, some tens of microseconds: about
    // what the sleep and wake-up it saves cost), a spin in vain halves it (down to
    // kFewestPauses). On a machine with a free core the partner answers within the budget and
    // nobody sleeps; on a saturated one the partner is often not running at all, spinning
    // would only burn the time slice it needs, and the budget shrinks to almost nothing.
    static constexpr int kFewestPauses = 16;
    static constexpr int kMostPauses = 2048;
    // Then a few yields: with more threads than cores, the partner may be waiting for this
    // core, and yielding hands it over without a sleep. But only while yields are cheap: on a
    // machine busy with other work a yield gives the core to that work for a whole time slice
    // (milliseconds), far more than the sleep and wake-up it was meant to save. A yield that
    // took longer than kCheapYield makes the next kWaitsWithoutYields waits skip yielding.
    static constexpr int kYieldsBeforeSleeping = 2;
    static constexpr std::chrono::microseconds kCheapYield{50};
    static constexpr int kWaitsWithoutYields = 256;
    // Attempts at the lock before blocking on it: the critical sections are a few hundred
    // nanoseconds, so the holder nearly always lets go within this many pauses — unless it was
    // preempted, and then blocking is right.
    static constexpr int kLockAttempts = 100;

    // Keeps a count of the threads asleep on one condition variable: raised when a thread is
    // about to wait, lowered when it leaves, however it leaves. Changed only under the mutex.
    class Sleeping {
      public:
        explicit Sleeping(std::size_t& count) : count_(count) { ++count_; }
        ~Sleeping() { --count_; }
        Sleeping(const Sleeping&) = delete;
        Sleeping& operator=(const Sleeping&) = delete;

      private:
        std::size_t& count_;
    };

    // Lets the core breathe for a moment inside a spin: the x86 `pause` (or the Arm `yield`)
    // instruction tells the processor this is a spin-wait, which saves power and lets the other
    // hardware thread of the core run; elsewhere a compiler barrier keeps the loop honest.
    static void pause() noexcept {
#if defined(__x86_64__) || defined(__i386__)
        __builtin_ia32_pause();
#elif defined(__aarch64__)
        asm volatile("yield" ::: "memory");
#else
        std::atomic_signal_fence(std::memory_order_seq_cst);
#endif
    }

    // The call's deadline, or nothing when `timeout` reaches past the end of the clock (a
    // timeout of nanoseconds::max() must mean "as long as needed", not overflow into the past).
    static std::optional<Clock::time_point> deadline_after(Clock::time_point start,
                                                           std::chrono::nanoseconds timeout) {
        if (timeout > Clock::time_point::max() - start) {
            return std::nullopt;
        }
        return start + timeout;
    }

    // Takes the mutex, spinning on try_lock before blocking (see kLockAttempts).
    std::unique_lock<pclab::mutex> lock_quickly() const {
        std::unique_lock<pclab::mutex> lock(mutex_, std::defer_lock);
        relock(lock);
        return lock;
    }

    // Re-takes `lock`'s mutex the same way. Requires: `lock` does not own it.
    static void relock(std::unique_lock<pclab::mutex>& lock) {
        for (int attempt = 0; attempt < kLockAttempts; ++attempt) {
            if (lock.try_lock()) {
                return;
            }
            pause();
        }
        lock.lock();
    }

    // Lets go of `lock`, watches `hint()` for up to `budget` pauses and a few yields, adapts
    // `budget` to how that went, takes the lock back. The hint only decides when to stop
    // spinning; the caller re-checks its real condition under the lock.
    template <class Hint>
    void spin_unlocked(std::unique_lock<pclab::mutex>& lock, std::atomic<int>& budget, Hint hint) {
        lock.unlock();
        const int pauses = budget.load(std::memory_order_relaxed);
        bool seen = hint();
        for (int i = 0; i < pauses && !seen; ++i) {
            pause();
            seen = hint();
        }
        // Only a partner seen while spinning earns a longer spin next time; one that came
        // during the yields was not running during the spin, so spinning was in vain.
        budget.store(seen ? std::min(kMostPauses, pauses * 2) : std::max(kFewestPauses, pauses / 2),
                     std::memory_order_relaxed);
        if (!seen && waits_without_yields_.load(std::memory_order_relaxed) > 0) {
            waits_without_yields_.fetch_sub(1, std::memory_order_relaxed);
        } else {
            for (int i = 0; i < kYieldsBeforeSleeping && !seen; ++i) {
                const Clock::time_point before = Clock::now();
                pclab::this_thread::yield();
                seen = hint();
                if (Clock::now() - before > kCheapYield) {
                    waits_without_yields_.store(kWaitsWithoutYields, std::memory_order_relaxed);
                    break;
                }
            }
        }
        relock(lock);
    }

    // Waits until `ready()` (checked under the lock) or the deadline, returns ready().
    // THE DEFECT: it never sleeps. Between two checks it only yields.
    template <class Ready, class Hint>
    bool wait_for(std::unique_lock<pclab::mutex>& lock, pclab::condition_variable& /*unused*/,
                  std::size_t& /*unused*/, std::atomic<int>& /*unused*/, Patience patience,
                  Clock::time_point called_at, std::chrono::nanoseconds timeout, Ready ready,
                  Hint /*unused*/) {
        const std::optional<Clock::time_point> deadline =
            patience == Patience::unlimited ? std::nullopt : deadline_after(called_at, timeout);
        while (!ready()) {
            if (deadline && Clock::now() >= *deadline) {
                return false;
            }
            lock.unlock();
            pclab::this_thread::yield();
            lock.lock();
        }
        return true;
    }

    bool full_locked() const {
        return maxsize_ > 0 && items_.size() >= maxsize_;
    }

    // Copies the item count into the hint that spinning threads watch. Called under the lock
    // after every change of items_.
    void publish_size() {
        size_hint_.store(items_.size(), std::memory_order_relaxed);
    }

    void put_with(T&& item, Patience patience, std::chrono::nanoseconds timeout) {
        // The one deadline is fixed at the call; only a timed put needs the clock.
        const Clock::time_point called_at =
            patience == Patience::until_deadline ? Clock::now() : Clock::time_point();
        std::unique_lock<pclab::mutex> lock = lock_quickly();
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
            const bool room_or_shutdown = wait_for(
                lock, not_full_, sleeping_putters_, putter_spin_budget_, patience, called_at,
                timeout, [this] { return is_shutdown_ || !full_locked(); },
                [this] {
                    return shut_down_hint_.load(std::memory_order_relaxed) ||
                           size_hint_.load(std::memory_order_relaxed) < maxsize_;
                });
            if (!room_or_shutdown) {
                throw Full();
            }
            if (is_shutdown_) {
                throw ShutDown();  // shut down while waiting: the item is not enqueued
            }
        }
        // Here: we hold mutex_, the queue is open and has room. push_back either appends or
        // throws std::bad_alloc leaving items_ as it was.
        items_.push_back(std::move(item));
        ++unfinished_tasks_;
        publish_size();
        if (sleeping_getters_ > 0) {
            not_empty_.notify_one();
        }
    }

    T get_with(Patience patience, std::chrono::nanoseconds timeout) {
        const Clock::time_point called_at =
            patience == Patience::until_deadline ? Clock::now() : Clock::time_point();
        std::unique_lock<pclab::mutex> lock = lock_quickly();
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
            const bool item_or_shutdown = wait_for(
                lock, not_empty_, sleeping_getters_, getter_spin_budget_, patience, called_at,
                timeout, [this] { return is_shutdown_ || !items_.empty(); },
                [this] {
                    return shut_down_hint_.load(std::memory_order_relaxed) ||
                           size_hint_.load(std::memory_order_relaxed) > 0;
                });
            if (!item_or_shutdown) {
                throw Empty();
            }
            if (items_.empty()) {
                throw ShutDown();  // woken by shutdown with nothing left to drain
            }
        }
        // Here: we hold mutex_ and items_ is not empty.
        T item = std::move(items_.front());
        items_.pop_front();
        publish_size();
        if (sleeping_putters_ > 0) {
            not_full_.notify_one();
        }
        return item;
    }

    const std::size_t maxsize_;
    mutable pclab::mutex mutex_;                // guards everything below but the hints
    std::deque<T> items_;                       // front: oldest
    std::size_t unfinished_tasks_ = 0;          // puts not yet matched by a task_done
    bool is_shutdown_ = false;                  // sticky
    std::size_t sleeping_getters_ = 0;          // threads asleep on not_empty_
    std::size_t sleeping_putters_ = 0;          // threads asleep on not_full_
    std::size_t sleeping_joiners_ = 0;          // threads asleep on all_tasks_done_
    pclab::condition_variable not_empty_;       // getters sleep here for an item
    pclab::condition_variable not_full_;        // putters sleep here for room
    pclab::condition_variable all_tasks_done_;  // joiners sleep here for unfinished_tasks == 0
    // Hints for spinning threads, written under the lock, read without it: they decide only
    // when a spin ends, never what a call does.
    std::atomic<std::size_t> size_hint_{0};
    std::atomic<bool> shut_down_hint_{false};
    // How long putters and getters spin before sleeping (see kMostPauses); racy by design.
    std::atomic<int> putter_spin_budget_{kMostPauses};
    std::atomic<int> getter_spin_budget_{kMostPauses};
    // How many more waits skip the yields because a recent one was expensive; racy by design.
    std::atomic<int> waits_without_yields_{0};
};

}  // namespace pclab
