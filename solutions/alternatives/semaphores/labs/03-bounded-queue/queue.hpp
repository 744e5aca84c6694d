/// @file
/// @brief pclab::Queue (labs 03-05), alternative design "semaphores": counting semaphores count
///        free room and queued items and are what blocked putters and getters sleep on; a
///        counted semaphore gate releases joiners; a pclab::mutex guards the items and decides.
///
/// **The semaphores.** `free_room_` (bounded queues only) and `queued_items_` are counting
/// semaphores: a blocked put sleeps in `free_room_`'s acquire (or try_acquire_until its
/// deadline), a blocked get in `queued_items_`'s. Every get releases one room count and every
/// put one item count, so a sleeper wakes exactly when what it waits for may be there. Joiners
/// sleep in `join_gate_`: each registers before sleeping, and the task_done that brings the
/// count to 0 (or an immediate shutdown that does) releases one count per registered joiner.
///
/// **Why a mutex as well (the part a pure-semaphore design cannot do).** Two semaphores cannot
/// change together with the deque: between a putter's acquire of a room count and its push,
/// the counts say "no room" while the queue is not full. That is harmless for the blocking
/// forms, but Full/Empty from the non-blocking and timed forms, qsize/empty/full, and the
/// contract's check order (shut down, then the timeout's sign, then full/empty) must all agree
/// on one state at one instant, and items must move in and out of one FIFO. So the deque, the
/// counters and the shutdown flag live under `mutex_`, every decision is taken under it from
/// the deque itself, and every semaphore release happens under it too. The semaphores are the
/// sleeping and waking mechanism, kept in balance by this invariant (R = free_room_'s count,
/// H = putters that acquired a count outside the mutex and have not yet used it, S =
/// `room_taken_from_sleepers_`, n = items queued):
///     R + H - S == maxsize - n   (and, for items, Q + G - S' == n)
/// A put that finds room under the mutex but no count left to try_acquire (because a woken
/// putter holds it on its way to the mutex) still goes on, and records that it used that
/// putter's count (S += 1); the woken putter, finding the queue full once it has the mutex,
/// knows its count was used (S -= 1) and sleeps again. So every decision is exact, no count is
/// lost or made up, and a sleeper with room (or an item) for it always has a count to acquire.
/// Gets are symmetric.
///
/// **Shutdown** must wake every sleeper, but a semaphore cannot wake "everyone". shutdown()
/// therefore adds one extra count to each semaphore, and every thread that wakes with a count
/// and then throws ShutDown gives its count back before leaving: the extra count is passed on
/// from sleeper to sleeper until none is left asleep (and stays there for any that come
/// later). Getters that find items still take them first, so a soft shutdown drains.
///
/// **Timeouts.** The deadline is fixed on steady_clock when the call starts; waits use
/// try_acquire_until(deadline), so a wake-up that finds nothing never restarts the timeout;
/// nanoseconds::max() (any timeout past the end of the clock) means an untimed acquire. When
/// the wait gives up, the decision (Full/Empty, or going on after all) is again made under the
/// mutex from the deque.
///
/// **Limits of the semaphores.** A semaphore counts at most `pclab::counting_semaphore<>::max()`
/// (2^31 - 1 with libstdc++): a maxsize above half that is refused with std::invalid_argument,
/// and an unbounded queue must never hold more than that many items (no queue here comes close:
/// that is gigabytes of items).
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
    using Counter = pclab::counting_semaphore<>;

  public:
    /// @brief Creates an empty, open queue.
    /// @param maxsize the most items it holds at once; 0 (the default) means unbounded. Must
    ///        not exceed `pclab::counting_semaphore<>::max() / 2` (else std::invalid_argument).
    explicit Queue(std::size_t maxsize = 0)
        : maxsize_(checked_maxsize(maxsize)), free_room_(static_cast<std::ptrdiff_t>(maxsize_)) {}

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
    void put(T item) { put_within(std::move(item), Deadline::none()); }

    /// @brief Like put(T), but waits for room at most `timeout`.
    ///
    /// Checks, in this order: `is_shutdown` → `pclab::ShutDown`; `timeout < 0` →
    /// `std::invalid_argument`; bounded and full → with `timeout == 0` throws `pclab::Full` at
    /// once, otherwise waits until there is room or the deadline (call time + `timeout`) has
    /// passed, then throws `pclab::Full`.
    /// Thread-safe. Blocks for at most `timeout` (then throws).
    void put(T item, std::chrono::nanoseconds timeout) {
        put_within(std::move(item), Deadline::after(timeout));
    }

    /// @brief Like put(T), but never waits: throws `pclab::Full` if the queue is full now.
    ///
    /// Checks, in this order: `is_shutdown` → `pclab::ShutDown`; bounded and full →
    /// `pclab::Full`.
    /// Thread-safe. Never blocks (beyond taking the lock).
    void put_nowait(T item) { put_within(std::move(item), Deadline::already()); }

    /// @brief Removes and returns the oldest item, waiting as long as needed for one.
    ///
    /// Checks, in this order: `is_shutdown` and empty → `pclab::ShutDown`; empty → waits until
    /// an item arrives (a shutdown during the wait throws `pclab::ShutDown` if the queue is still
    /// empty). Then removes the oldest item, wakes one waiting putter, returns the item.
    /// `unfinished_tasks` does not change.
    /// Thread-safe. Blocks (while empty).
    T get() { return get_within(Deadline::none()); }

    /// @brief Like get(), but waits for an item at most `timeout`.
    ///
    /// Checks, in this order: `is_shutdown` and empty → `pclab::ShutDown`; `timeout < 0` →
    /// `std::invalid_argument` (even when an item is available); empty → with `timeout == 0`
    /// throws `pclab::Empty` at once, otherwise waits until an item arrives or the deadline
    /// (call time + `timeout`) has passed, then throws `pclab::Empty`.
    /// Thread-safe. Blocks for at most `timeout` (then throws).
    T get(std::chrono::nanoseconds timeout) { return get_within(Deadline::after(timeout)); }

    /// @brief Like get(), but never waits: throws `pclab::Empty` if the queue is empty now.
    ///
    /// Checks, in this order: `is_shutdown` and empty → `pclab::ShutDown`; empty →
    /// `pclab::Empty`.
    /// Thread-safe. Never blocks (beyond taking the lock).
    T get_nowait() { return get_within(Deadline::already()); }

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
        if (unfinished_ == 0) {
            open_join_gate();
        }
    }

    /// @brief Blocks until `unfinished_tasks == 0` (lab 04).
    ///
    /// Returns at once when it is already 0. Any number of threads may join at once; all return
    /// once the count reaches 0. Never throws; has no timeout. An item taken by get() but not yet
    /// task_done() keeps every joiner blocked. A soft shutdown does not release joiners.
    /// Thread-safe. Blocks.
    void join() {
        std::unique_lock<pclab::mutex> held(mutex_);
        while (unfinished_ != 0) {
            // Registered under the mutex, so the task_done that reaches 0 counts this joiner
            // and releases a count for it, however late this thread gets to the acquire.
            ++joiners_asleep_;
            held.unlock();
            join_gate_.acquire();
            held.lock();
            // Re-check: new puts may have raised the count again since the gate opened.
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
        const std::scoped_lock held(mutex_);
        if (!is_shutdown_) {
            is_shutdown_ = true;
            // The relay counts: whoever wakes with one and leaves with ShutDown passes it on.
            queued_items_.release();
            if (bounded()) {
                free_room_.release();
            }
        }
        if (immediate) {
            const std::size_t discarded = items_.size();
            items_.clear();
            // The item counts of the discarded items stay: they only make woken getters look,
            // find the queue shut down and empty, and pass the count on.
            unfinished_ -= std::min(discarded, unfinished_);
            if (unfinished_ == 0) {
                open_join_gate();  // joiners return now; otherwise taken items still hold them
            }
        }
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
        return !has_room();
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

    // When a put or get must give up waiting, fixed as the call starts: already (nowait, or a
    // timeout of 0), at a steady_clock instant, or never.
    class Deadline {
      public:
        static Deadline already() { return Deadline(Kind::already, {}, {}); }
        static Deadline none() { return Deadline(Kind::never, {}, {}); }
        static Deadline after(std::chrono::nanoseconds timeout) {
            const Clock::time_point now = Clock::now();
            if (timeout <= timeout.zero()) {
                return Deadline(Kind::already, timeout, now);
            }
            if (timeout > Clock::time_point::max() - now) {
                return Deadline(Kind::never, timeout, {});  // past the end of the clock
            }
            return Deadline(Kind::at, timeout, now + timeout);
        }

        void refuse_negative(const char* who) const {
            if (timeout_ < timeout_.zero()) {
                throw std::invalid_argument(std::string(who) +
                                            ": the timeout must not be negative");
            }
        }

        bool passed_at_once() const { return kind_ == Kind::already; }

        // Takes one count of `counter`, sleeping until there is one or the deadline has
        // passed; returns whether it took one.
        bool take(Counter& counter) const {
            if (kind_ == Kind::never) {
                counter.acquire();
                return true;
            }
            return counter.try_acquire_until(at_);
        }

      private:
        enum class Kind { already, at, never };
        Deadline(Kind kind, std::chrono::nanoseconds timeout, Clock::time_point at)
            : kind_(kind), timeout_(timeout), at_(at) {}

        Kind kind_;
        std::chrono::nanoseconds timeout_;
        Clock::time_point at_;
    };

    static std::size_t checked_maxsize(std::size_t maxsize) {
        // Half the semaphore's range: the room count never exceeds maxsize plus one relay count
        // plus one per thread, so this leaves ample margin.
        if (maxsize > static_cast<std::size_t>(Counter::max() / 2)) {
            throw std::invalid_argument("Queue: maxsize exceeds what the room semaphore counts");
        }
        return maxsize;
    }

    bool bounded() const { return maxsize_ != 0; }
    bool has_room() const { return !bounded() || items_.size() < maxsize_; }

    // Under mutex_: wakes every registered joiner (one gate count each).
    void open_join_gate() {
        if (joiners_asleep_ != 0) {
            join_gate_.release(static_cast<std::ptrdiff_t>(joiners_asleep_));
            joiners_asleep_ = 0;
        }
    }

    void put_within(T&& item, Deadline deadline) {
        std::unique_lock<pclab::mutex> held(mutex_);
        if (is_shutdown_) {
            throw ShutDown();
        }
        deadline.refuse_negative("Queue::put");
        if (has_room()) {
            enqueue(std::move(item), /*holding_room=*/false);
            return;
        }
        if (deadline.passed_at_once()) {
            throw Full();
        }
        for (;;) {
            held.unlock();
            const bool holding_room = deadline.take(free_room_);
            held.lock();
            if (is_shutdown_) {
                if (holding_room) {
                    free_room_.release();  // pass it on: it may wake the next sleeping putter
                }
                throw ShutDown();  // nothing was enqueued
            }
            if (has_room()) {
                enqueue(std::move(item), holding_room);
                return;
            }
            if (!holding_room) {
                throw Full();  // the deadline passed and the queue is full right now
            }
            // Full although we hold a room count: a put that found room while we were on our
            // way to the mutex used our count (invariant: R + H - S == 0 with H >= 1, so S >= 1).
            --room_taken_from_sleepers_;
        }
    }

    T get_within(Deadline deadline) {
        std::unique_lock<pclab::mutex> held(mutex_);
        if (is_shutdown_ && items_.empty()) {
            throw ShutDown();
        }
        deadline.refuse_negative("Queue::get");
        if (!items_.empty()) {
            return dequeue(/*holding_item=*/false);
        }
        if (deadline.passed_at_once()) {
            throw Empty();
        }
        for (;;) {
            held.unlock();
            const bool holding_item = deadline.take(queued_items_);
            held.lock();
            if (!items_.empty()) {
                return dequeue(holding_item);  // also after a soft shutdown: drain first
            }
            if (is_shutdown_) {
                if (holding_item) {
                    queued_items_.release();  // pass it on to the next sleeping getter
                }
                throw ShutDown();
            }
            if (!holding_item) {
                throw Empty();  // the deadline passed and the queue is empty right now
            }
            // Empty although we hold an item count: a get that found the item while we were on
            // our way to the mutex took it and recorded so.
            --items_taken_from_sleepers_;
        }
    }

    // Under mutex_, with room: appends, counts the task, and keeps the counts in balance.
    void enqueue(T&& item, bool holding_room) {
        try {
            items_.push_back(std::move(item));  // strong guarantee
        } catch (...) {
            if (holding_room) {
                free_room_.release();  // unused: the queue is as it was
            }
            throw;
        }
        if (bounded() && !holding_room && !free_room_.try_acquire()) {
            ++room_taken_from_sleepers_;  // the room's count is held by a putter on its way
        }
        ++unfinished_;
        queued_items_.release();  // wakes a sleeping getter, if any
    }

    // Under mutex_, with an item: removes the oldest and keeps the counts in balance.
    T dequeue(bool holding_item) {
        T oldest = [&]() -> T {
            try {
                return std::move(items_.front());
            } catch (...) {
                if (holding_item) {
                    queued_items_.release();  // unused: the queue is as it was
                }
                throw;
            }
        }();
        items_.pop_front();
        if (!holding_item && !queued_items_.try_acquire()) {
            ++items_taken_from_sleepers_;  // the item's count is held by a getter on its way
        }
        if (bounded()) {
            free_room_.release();  // wakes a sleeping putter, if any
        }
        return oldest;
    }

    const std::size_t maxsize_;
    mutable pclab::mutex mutex_;  // guards every plain member below (the semaphores guard
                                  // themselves; they are only released while it is held)
    std::deque<T> items_;         // front: oldest
    std::size_t unfinished_ = 0;  // puts not yet matched by a task_done
    bool is_shutdown_ = false;    // sticky
    std::size_t room_taken_from_sleepers_ = 0;   // S in the file comment
    std::size_t items_taken_from_sleepers_ = 0;  // S' in the file comment
    std::size_t joiners_asleep_ = 0;             // registered joiners the gate has not released
    Counter free_room_;                          // R: room counts (bounded queues only)
    Counter queued_items_{0};                    // Q: item counts
    Counter join_gate_{0};                       // one count per joiner released
};

}  // namespace pclab
