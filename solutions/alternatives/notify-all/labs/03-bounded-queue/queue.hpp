/// @file
/// @brief pclab::Queue (labs 03-05), alternative design "notify-all": one mutex guards the
///        whole state, ONE condition variable carries every "something changed", and every
///        change is announced with notify_all.
///
/// Why it is correct:
/// - Every member reads or writes the state (items, unfinished count, shutdown flag) only
///   while holding `mutex_`, so each call takes effect at one instant inside a critical
///   section, in the contract's check order (shutdown, then the timeout's sign, then the
///   queue's fullness or emptiness).
/// - Putters, getters and joiners all sleep on `changed_`, each re-checking its own predicate
///   with the mutex held (the predicate overloads of wait/wait_until are that loop), and act
///   in the same critical section as the check that let them go on. With one condition
///   variable for three kinds of waiter, notify_one could wake the wrong kind and lose the
///   wake-up; notify_all after every change wakes all of them, and those that cannot go on
///   simply sleep again. That one rule also covers the contract's "shutdown wakes every
///   blocked thread" and "the last task_done wakes every joiner".
/// - Timed waits use a deadline fixed on steady_clock when the call starts (before the lock is
///   even taken), passed to wait_until with the predicate, so wake-ups never restart it; a
///   timeout too large for the clock (nanoseconds::max()) means "no deadline" instead of
///   overflowing into the past.
/// - Notifies are made with the mutex held, so a thread that wakes, returns and destroys the
///   queue cannot do so while another thread is still inside notify_all.
#pragma once

#include <algorithm>
#include <chrono>
#include <cstddef>
#include <deque>
#include <mutex>
#include <stdexcept>
#include <string>
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
/// consumer does after the `get()` that returns x.
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
    void put(T item) { insert(std::move(item), Patience::forever()); }

    /// @brief Like put(T), but waits for room at most `timeout`.
    ///
    /// Checks, in this order: `is_shutdown` → `pclab::ShutDown`; `timeout < 0` →
    /// `std::invalid_argument`; bounded and full → with `timeout == 0` throws `pclab::Full` at
    /// once, otherwise waits until there is room or the deadline (call time + `timeout`) has
    /// passed, then throws `pclab::Full`.
    /// Thread-safe. Blocks for at most `timeout` (then throws).
    void put(T item, std::chrono::nanoseconds timeout) {
        insert(std::move(item), Patience::at_most(timeout));
    }

    /// @brief Like put(T), but never waits: throws `pclab::Full` if the queue is full now.
    ///
    /// Checks, in this order: `is_shutdown` → `pclab::ShutDown`; bounded and full →
    /// `pclab::Full`.
    /// Thread-safe. Never blocks (beyond taking the lock).
    void put_nowait(T item) { insert(std::move(item), Patience::not_at_all()); }

    /// @brief Removes and returns the oldest item, waiting as long as needed for one.
    ///
    /// Checks, in this order: `is_shutdown` and empty → `pclab::ShutDown`; empty → waits until
    /// an item arrives (a shutdown during the wait throws `pclab::ShutDown` if the queue is still
    /// empty). Then removes the oldest item, wakes one waiting putter, returns the item.
    /// `unfinished_tasks` does not change.
    /// Thread-safe. Blocks (while empty).
    T get() { return remove(Patience::forever()); }

    /// @brief Like get(), but waits for an item at most `timeout`.
    ///
    /// Checks, in this order: `is_shutdown` and empty → `pclab::ShutDown`; `timeout < 0` →
    /// `std::invalid_argument` (even when an item is available); empty → with `timeout == 0`
    /// throws `pclab::Empty` at once, otherwise waits until an item arrives or the deadline
    /// (call time + `timeout`) has passed, then throws `pclab::Empty`.
    /// Thread-safe. Blocks for at most `timeout` (then throws).
    T get(std::chrono::nanoseconds timeout) { return remove(Patience::at_most(timeout)); }

    /// @brief Like get(), but never waits: throws `pclab::Empty` if the queue is empty now.
    ///
    /// Checks, in this order: `is_shutdown` and empty → `pclab::ShutDown`; empty →
    /// `pclab::Empty`.
    /// Thread-safe. Never blocks (beyond taking the lock).
    T get_nowait() { return remove(Patience::not_at_all()); }

    /// @brief Marks one earlier put as fully processed: `unfinished_tasks -= 1` (lab 04).
    ///
    /// It counts puts, not gets: put then task_done without a get is legal.
    /// Requires: `unfinished_tasks > 0`; otherwise throws
    /// `std::logic_error("task_done() called too many times")` and changes nothing.
    /// Guarantees: when the count reaches 0, every thread blocked in join() wakes. Works the same
    /// after shutdown.
    /// Thread-safe. Never blocks (beyond taking the lock).
    void task_done() {
        const std::scoped_lock held(mutex_);
        if (unfinished_ == 0) {
            throw std::logic_error("task_done() called too many times");  // nothing changed
        }
        --unfinished_;
        changed_.notify_all();  // joiners re-check; they return only if the count is now 0
    }

    /// @brief Blocks until `unfinished_tasks == 0` (lab 04).
    ///
    /// Returns at once when it is already 0. Any number of threads may join at once; all return
    /// once the count reaches 0. Never throws; has no timeout. An item taken by get() but not yet
    /// task_done() keeps every joiner blocked. A soft shutdown does not release joiners.
    /// Thread-safe. Blocks.
    void join() {
        std::unique_lock<pclab::mutex> held(mutex_);
        changed_.wait(held, [this] { return unfinished_ == 0; });
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
        const std::scoped_lock held(mutex_);
        is_shutdown_ = true;
        if (immediate) {
            const std::size_t discarded = items_.size();
            items_.clear();
            unfinished_ -= std::min(discarded, unfinished_);
        }
        // Putters see the flag and throw; getters drain or throw; joiners re-check the count.
        changed_.notify_all();
    }

    /// @brief Whether shutdown() has been called (lab 05).
    /// Thread-safe. Never blocks (beyond taking the lock).
    bool is_shutdown() const {
        const std::scoped_lock held(mutex_);
        return is_shutdown_;
    }

    /// @brief `size(items)` at one instant between call and return (may be stale at once).
    /// Thread-safe. Never blocks (beyond taking the lock).
    std::size_t qsize() const {
        const std::scoped_lock held(mutex_);
        return items_.size();
    }

    /// @brief `qsize() == 0`, taken at one instant.
    /// Thread-safe. Never blocks (beyond taking the lock).
    bool empty() const {
        const std::scoped_lock held(mutex_);
        return items_.empty();
    }

    /// @brief `maxsize > 0 && qsize() >= maxsize`, taken at one instant. An unbounded queue is
    ///        never full.
    /// Thread-safe. Never blocks (beyond taking the lock).
    bool full() const {
        const std::scoped_lock held(mutex_);
        return no_room();
    }

    /// @brief The constructor's argument (0: unbounded).
    /// Thread-safe. Never blocks.
    std::size_t maxsize() const { return maxsize_; }

    /// @brief The current `unfinished_tasks` (lab 04).
    /// Thread-safe. Never blocks (beyond taking the lock).
    std::size_t unfinished_tasks() const {
        const std::scoped_lock held(mutex_);
        return unfinished_;
    }

  private:
    using Clock = std::chrono::steady_clock;

    // How long one put or get may wait, fixed when the call starts: not at all, until a
    // deadline on steady_clock, or for ever. The three public forms of put (and of get) differ
    // only in this, so each algorithm is written once.
    class Patience {
      public:
        static Patience not_at_all() { return Patience(Kind::none, {}, {}); }
        static Patience forever() { return Patience(Kind::unlimited, {}, {}); }
        static Patience at_most(std::chrono::nanoseconds timeout) {
            const Clock::time_point now = Clock::now();
            if (timeout > Clock::time_point::max() - now) {
                // now + timeout would overflow: no clock reading can ever reach it.
                return Patience(Kind::unlimited, timeout, {});
            }
            return Patience(timeout <= timeout.zero() ? Kind::none : Kind::deadline, timeout,
                            now + timeout);
        }

        // Contract step 2: a negative timeout is a caller's mistake.
        void refuse_negative_timeout(const char* who) const {
            if (timeout_ < timeout_.zero()) {
                throw std::invalid_argument(std::string(who) +
                                            ": the timeout must not be negative");
            }
        }

        // Waits on `changed` until `ready()` holds or patience runs out; returns ready().
        template <class Ready>
        bool wait(pclab::condition_variable& changed, std::unique_lock<pclab::mutex>& held,
                  Ready ready) const {
            switch (kind_) {
                case Kind::none:
                    return ready();
                case Kind::deadline:
                    return changed.wait_until(held, deadline_, ready);
                case Kind::unlimited:
                    break;
            }
            changed.wait(held, ready);
            return true;
        }

      private:
        enum class Kind { none, deadline, unlimited };
        Patience(Kind kind, std::chrono::nanoseconds timeout, Clock::time_point deadline)
            : kind_(kind), timeout_(timeout), deadline_(deadline) {}

        Kind kind_;
        std::chrono::nanoseconds timeout_;
        Clock::time_point deadline_;
    };

    bool no_room() const { return maxsize_ != 0 && items_.size() >= maxsize_; }

    void insert(T&& item, Patience patience) {
        std::unique_lock<pclab::mutex> held(mutex_);
        if (is_shutdown_) {
            throw ShutDown();
        }
        patience.refuse_negative_timeout("Queue::put");
        const bool may_go_on =
            patience.wait(changed_, held, [this] { return is_shutdown_ || !no_room(); });
        if (is_shutdown_) {
            throw ShutDown();  // shut down while waiting: nothing was enqueued
        }
        if (!may_go_on) {
            throw Full();  // still full when patience ran out
        }
        // Here: mutex held, open, room. push_back has the strong guarantee.
        items_.push_back(std::move(item));
        ++unfinished_;
        changed_.notify_all();
    }

    T remove(Patience patience) {
        std::unique_lock<pclab::mutex> held(mutex_);
        if (is_shutdown_ && items_.empty()) {
            throw ShutDown();
        }
        patience.refuse_negative_timeout("Queue::get");
        patience.wait(changed_, held, [this] { return is_shutdown_ || !items_.empty(); });
        if (items_.empty()) {
            // Nothing to take: a shutdown that left nothing to drain comes first, else time ran
            // out (or there was no patience at all).
            if (is_shutdown_) {
                throw ShutDown();
            }
            throw Empty();
        }
        // Here: mutex held and an item is there (after a soft shutdown getters still drain).
        T oldest = std::move(items_.front());  // a throw leaves the queue as it was
        items_.pop_front();
        changed_.notify_all();
        return oldest;
    }

    const std::size_t maxsize_;
    mutable pclab::mutex mutex_;         // guards every member below
    pclab::condition_variable changed_;  // putters, getters and joiners all wait here
    std::deque<T> items_;                // front: oldest
    std::size_t unfinished_ = 0;         // puts not yet matched by a task_done
    bool is_shutdown_ = false;           // sticky
};

}  // namespace pclab
