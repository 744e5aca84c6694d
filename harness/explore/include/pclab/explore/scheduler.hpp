/// @file
/// @ingroup exploration
/// @brief The controlled scheduler: `pclab::explore::Scheduler` runs a test body and every
///        thread it starts one at a time, choosing each next step through a Strategy and
///        recording it, so one schedule can be explored, reported and replayed exactly.
///
/// **Baton passing.** Every managed thread is a real `std::thread`, but only the holder of the
/// *baton* runs; the others sleep, each on its own `std::mutex` + `std::condition_variable`.
/// The holder runs until it reaches a *scheduling point* (any operation of the wrappers in
/// `<pclab/explore/sync.hpp>`: lock, unlock, try_lock, wait, notify, acquire, release,
/// try_acquire, yield, thread start, join, thread end). There it records a Step, updates the
/// model (who owns which mutex, who waits where, the semaphore counts), asks the Strategy which
/// enabled thread goes next, hands the baton to that thread and sleeps until it gets it back.
/// The baton hand-over is a mutex-protected flag, so everything one holder wrote
/// happens-before everything the next holder reads: the scheduler's own state needs no further
/// locking, and the program under test sees at least the ordering its own synchronisation
/// promises (in fact more: the run is sequentially consistent, so weak-memory bugs are out of
/// reach of this mode; ThreadSanitizer or the perturbed runs are the tools for those).
///
/// **Enabled threads.** A thread blocked in `lock(m)` is enabled when `m` is free; in
/// `acquire(s)` when the count of `s` is positive; in `join(t)` when `t` has ended; in a
/// condition-variable wait once notified (or timed out, or spuriously woken) *and* its mutex is
/// free. A thread at any other scheduling point is enabled.
///
/// **Virtual time.** A run never sleeps. Timed waits (`wait_for`, `wait_until`,
/// `try_acquire_for`, ...) get a deadline on the run's virtual clock, which starts at 0 and
/// only moves forward when a timeout fires: either the Strategy picks "this timed wait times
/// out" among the candidates of a step, or no thread is enabled and the waiter with the earliest
/// deadline (lowest index on ties) times out. Firing sets the virtual clock to that deadline;
/// every other timed wait whose deadline it reached times out with it.
///
/// **Verdicts.** A run ends *passed*, or at the first failure: a *deadlock* (no thread enabled
/// and no timed wait pending; the verdict lists where each thread waits), a *check failure*
/// (a CheckFailed thrown by check()), an *exception* escaping a thread or the body, a *misuse*
/// of a primitive (unlocking a mutex one does not own, releasing a semaphore past its maximum),
/// a run longer than SchedulerOptions::max_steps, or a replay that diverged from its choice
/// list. After a failure the scheduler *winds the run down*: each thread blocked in the model is
/// resumed, one at a time, and its blocking operation throws RunAborted so that its stack
/// unwinds (a thread already unwinding gets the operation granted instead, so destructors
/// that lock still run); non-blocking operations just return.
///
/// **Thread safety.** Only managed threads may call into a Scheduler, and only while holding
/// the baton, which the wrappers guarantee. A sync object must be used entirely inside one run
/// or entirely outside any run.
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <limits>
#include <map>
#include <memory>
#include <optional>
#include <source_location>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include "pclab/explore/strategy.hpp"

namespace pclab::explore {

/// @brief The index meaning "no thread" (e.g. the owner of a free mutex).
inline constexpr std::size_t no_thread = std::numeric_limits<std::size_t>::max();

/// @brief A scheduling point as the caller names it: the operation and where in the source it
///        was called from.
struct Operation {
    std::string_view name;       ///< e.g. "lock", "wait_for"; must name a string literal
    std::source_location where;  ///< the caller's location (a wrapper's default argument)
};

/// @brief The model state of one `pclab::explore::mutex`: who owns it.
struct MutexState {
    std::size_t owner = no_thread;  ///< the owning thread's index, or no_thread when free
};

/// @brief The model state of one `pclab::explore::condition_variable`: who waits on it.
struct ConditionState {
    std::vector<std::size_t> waiters;  ///< indices of the waiting threads, oldest first
};

/// @brief The model state of one `pclab::explore::counting_semaphore`: its count.
struct SemaphoreState {
    std::ptrdiff_t count = 0;  ///< the current count, in `[0, max]`
    std::ptrdiff_t max = 0;    ///< the largest count allowed (the semaphore's `max()`)
};

/// @brief One row of a run's step list: who did what where.
struct Step {
    std::uint64_t number = 0;    ///< 1 for the first step of the run, then 2, 3, ...
    std::size_t thread = 0;      ///< the index of the thread that took it (0: the test body)
    std::string operation;       ///< what it did, e.g. "lock mutex #1", "wake (notified)"
    std::source_location where;  ///< where in the source it did it
};

/// @brief Where one thread was stuck when a run deadlocked.
struct BlockedThread {
    std::size_t thread = 0;      ///< the thread's index
    std::string operation;       ///< the blocking operation, e.g. "lock mutex #2"
    std::source_location where;  ///< where it was called
    std::string waits_for;       ///< what it needs, e.g. "mutex #2, held by consumer 1"
};

/// @brief How a run ended.
enum class VerdictKind : std::uint8_t {
    passed,           ///< every thread ended and the body returned without a failure
    deadlock,         ///< no thread could run and no timed wait was pending
    check_failed,     ///< check() failed, or the body returned a failure message
    exception,        ///< an exception other than CheckFailed escaped a thread or the body
    misuse,           ///< a primitive was used against its contract (see the file comment)
    step_limit,       ///< the run took more than SchedulerOptions::max_steps steps
    replay_diverged,  ///< a replayed choice list did not fit the run
};

/// @brief The name of `kind` as the reports spell it, e.g. "deadlock", "check failed".
/// @param kind any kind.
std::string_view to_string(VerdictKind kind) noexcept;

/// @brief The outcome of a run.
struct Verdict {
    VerdictKind kind = VerdictKind::passed;     ///< how the run ended
    std::string message;                        ///< one line saying why (empty when passed)
    std::optional<std::size_t> thread;          ///< the thread that failed, when one did
    std::optional<std::source_location> where;  ///< where it failed, when known
    std::vector<BlockedThread> blocked;         ///< for a deadlock: every thread still alive

    /// @brief True unless the run passed.
    bool failed() const noexcept { return kind != VerdictKind::passed; }
};

/// @brief Thrown by check() when a checked condition does not hold; the run's verdict becomes
///        `check_failed` with its message and location.
class CheckFailed : public std::runtime_error {
  public:
    /// @brief Records what failed and where.
    /// @param message what did not hold.
    /// @param where the check's location.
    CheckFailed(const std::string& message, std::source_location where)
        : std::runtime_error(message), where_(where) {}

    /// @brief Where the failed check is.
    const std::source_location& where() const noexcept { return where_; }

  private:
    std::source_location where_;
};

/// @brief Throws CheckFailed(`message`) unless `condition` holds. Use it in the body and in
///        managed threads to state invariants; it works outside a run too (it just throws).
/// @param condition what must hold.
/// @param message what to report when it does not.
/// @param where the caller's location (leave the default).
inline void check(bool condition, std::string_view message,
                  std::source_location where = std::source_location::current()) {
    if (!condition) {
        throw CheckFailed(std::string(message), where);
    }
}

/// @brief Thrown from a blocking operation while a failed run winds down, to unwind the thread
///        that called it. Deliberately not a `std::exception`: let it pass (do not swallow it
///        with `catch (...)` without rethrowing).
struct RunAborted {};

/// @brief Limits and budgets of a run.
struct SchedulerOptions {
    /// @brief A run longer than this many steps ends with a `step_limit` verdict (a livelock,
    ///        or a test too big to explore). 20000: far above any lab test's few hundred steps.
    std::uint64_t max_steps = 20000;
    /// @brief At most this many spurious returns in a row from one thread's waits; the next
    ///        wait really blocks. 1: enough to catch every `if`-instead-of-`while`, and a
    ///        correct waiter's loop stays short.
    std::uint32_t max_spurious_wakes_in_a_row = 1;
    /// @brief Offer "this timed wait times out now" as a candidate to the Strategy whenever a
    ///        timed wait is pending. false: timeouts fire only when no thread is enabled.
    bool offer_timeouts = true;
};

/// @brief Everything a finished run leaves behind.
struct RunRecord {
    Verdict verdict;                           ///< how it ended
    std::vector<Choice> choices;               ///< every choice, in order (replayable)
    std::vector<Step> steps;                   ///< every step, in order, up to the failure
    std::vector<std::string> thread_names;     ///< by thread index; names as set last
    std::uint64_t scheduling_points = 0;       ///< how many scheduling points the run passed
    std::chrono::nanoseconds virtual_time{0};  ///< the virtual clock when the run ended
};

/// @cond PCLAB_INTERNAL
namespace detail {
struct ManagedThread;  // a managed thread's record (scheduler.cpp)
}  // namespace detail
/// @endcond

/// @brief Runs a test body and the threads it starts under a Strategy, one thread at a time.
///
/// Abstract state: the managed threads (index, name, alive or ended, what each is blocked on),
/// the virtual clock, the step list, the choice list, and the verdict so far. A Scheduler runs
/// one body once; make a new one per schedule.
///
/// The operations below (lock, wait, ...) are what the wrappers of `<pclab/explore/sync.hpp>`
/// call; tests may call them directly. Each requires: the calling thread is managed by this
/// Scheduler (current() returns it) and the state objects outlive the run. Each is a scheduling
/// point: it may hand the baton to another thread before returning. While a failed run winds
/// down (see the file comment), lock, try_lock, wait, acquire, try_acquire, try_acquire_for and
/// yield throw RunAborted; start_thread throws it only when called after the failure (once it
/// has started a thread it returns the index, so the caller can join it); join never does.
class Scheduler {
  public:
    /// @brief Prepares a run driven by `strategy`, which must outlive the Scheduler.
    /// @param strategy the decision-maker.
    /// @param options limits and budgets.
    explicit Scheduler(Strategy& strategy, const SchedulerOptions& options = {});
    Scheduler(const Scheduler&) = delete;             ///< Not copyable.
    Scheduler& operator=(const Scheduler&) = delete;  ///< Not copyable.
    /// @brief Joins every OS thread the run started. Requires: run() has returned (or was
    ///        never called).
    ~Scheduler();

    /// @brief Runs `body` on the calling thread as managed thread 0 (named "main"), with every
    ///        thread it starts, until all have ended; returns the record.
    ///
    /// Requires: called once, from a thread that no Scheduler manages. `body` returns nullopt
    /// to pass or a message to fail (verdict `check_failed`); exceptions it throws become
    /// verdicts too. Never lets an exception of the body escape. Blocks until the run is over
    /// and every OS thread of the run has exited.
    /// @param body the test body.
    RunRecord run(const std::function<std::optional<std::string>()>& body);

    /// @brief The Scheduler managing the calling thread, or nullptr outside any run (then the
    ///        wrappers behave as the `std::` types). Thread-safe. Never blocks.
    static Scheduler* current() noexcept;

    /// @brief The index of the calling managed thread (0 for the body). Requires: current()
    ///        is this Scheduler.
    std::size_t current_thread() const noexcept;

    /// @brief Takes `mutex` once it is free (a scheduling point, then the take).
    /// @param mutex the mutex's model state.
    /// @param operation what to record.
    void lock(MutexState& mutex, Operation operation);
    /// @brief Takes `mutex` if it is free after the scheduling point; returns whether it did.
    /// @param mutex the mutex's model state.
    /// @param operation what to record.
    bool try_lock(MutexState& mutex, Operation operation);
    /// @brief Releases `mutex` (then a scheduling point). Unlocking a mutex the caller does
    ///        not own ends the run with a `misuse` verdict. Never throws.
    /// @param mutex the mutex's model state.
    /// @param operation what to record.
    void unlock(MutexState& mutex, Operation operation) noexcept;

    /// @brief Releases `mutex`, waits on `condition` until notified, timed out (if `timeout`)
    ///        or woken spuriously (within the budget, if the Strategy says so), re-takes
    ///        `mutex`; returns whether the wait timed out.
    ///
    /// Requires: the caller owns `mutex` (otherwise `misuse`).
    /// @param condition the condition variable's model state.
    /// @param mutex the state of the mutex the caller's lock holds.
    /// @param timeout how long to wait at most on the virtual clock; nullopt: no limit.
    /// @param operation what to record.
    std::cv_status wait(ConditionState& condition, MutexState& mutex,
                        std::optional<std::chrono::nanoseconds> timeout, Operation operation);
    /// @brief Wakes one waiter of `condition`, the one the Strategy picks. Never throws.
    /// @param condition the condition variable's model state.
    /// @param operation what to record.
    void notify_one(ConditionState& condition, Operation operation) noexcept;
    /// @brief Wakes every waiter of `condition`. Never throws.
    /// @param condition the condition variable's model state.
    /// @param operation what to record.
    void notify_all(ConditionState& condition, Operation operation) noexcept;

    /// @brief Decrements `semaphore` once its count is positive.
    /// @param semaphore the semaphore's model state.
    /// @param operation what to record.
    void acquire(SemaphoreState& semaphore, Operation operation);
    /// @brief Decrements `semaphore` if its count is positive after the scheduling point;
    ///        returns whether it did.
    /// @param semaphore the semaphore's model state.
    /// @param operation what to record.
    bool try_acquire(SemaphoreState& semaphore, Operation operation);
    /// @brief Like acquire(), but gives up (returning false) after `timeout` of virtual time.
    /// @param semaphore the semaphore's model state.
    /// @param timeout how long to wait at most.
    /// @param operation what to record.
    bool try_acquire_for(SemaphoreState& semaphore, std::chrono::nanoseconds timeout,
                         Operation operation);
    /// @brief Adds `update` to the count (past `max`: a `misuse` verdict). Never throws.
    /// @param semaphore the semaphore's model state.
    /// @param update how much to add (at least 0).
    /// @param operation what to record.
    void release(SemaphoreState& semaphore, std::ptrdiff_t update, Operation operation) noexcept;

    /// @brief A bare scheduling point: lets the Strategy run another thread here.
    /// @param operation what to record.
    void yield(Operation operation);

    /// @brief Starts a managed thread that runs `body`; returns its index.
    /// @param name the thread's name in reports; empty: "thread N".
    /// @param body what it runs; exceptions escaping it become the run's verdict.
    /// @param operation what to record (in the starting thread's column).
    std::size_t start_thread(std::string name, std::function<void()> body, Operation operation);
    /// @brief Waits until thread `thread` has ended. Does not throw RunAborted: a failed run
    ///        still waits here until `thread` has unwound.
    /// @param thread an index start_thread returned, not yet joined, not the caller's own.
    /// @param operation what to record.
    void join(std::size_t thread, Operation operation);
    /// @brief Renames the calling thread in reports (e.g. "producer 1").
    /// @param name the new name.
    void set_thread_name(std::string name);

    /// @brief Detaches managed thread `thread`: nothing will join it. A scheduling point.
    ///
    /// If it is still running when the test body ends, the run fails (a `misuse` verdict
    /// naming it) and the thread is never resumed.
    /// @param thread the thread's index (from start_thread()).
    /// @param operation "detach" and the caller's location.
    void detach(std::size_t thread, Operation operation);

    /// @brief Blocks the calling thread until the virtual clock has advanced by `duration`
    ///        (nothing sleeps for real). A scheduling point.
    /// @param duration how long to sleep (negative: not at all, but still a scheduling point).
    /// @param operation "sleep_for" or "sleep_until" and the caller's location.
    void sleep(std::chrono::nanoseconds duration, Operation operation);

    /// @brief The virtual clock: 0 at the start of the run, moved only by timeouts.
    std::chrono::nanoseconds virtual_now() const noexcept { return virtual_now_; }

    /// @brief Winds the run down without a verdict yet: for a thread that is unwinding (an
    ///        exception is on its way to the run's catch, which sets the verdict) and must
    ///        first join threads it owns. Never throws.
    void wind_down_for_unwinding() noexcept;

    /// @brief True once the run has failed (or is unwinding) and is winding down.
    bool winding_down() const noexcept { return winding_down_; }

  private:
    detail::ManagedThread& self() const noexcept;
    void record_step(std::size_t thread, std::string operation, std::source_location where);
    std::string object_label(std::string_view kind, const void* object);
    bool enabled(const detail::ManagedThread& thread) const noexcept;
    bool enabled_while_winding_down(const detail::ManagedThread& thread) const noexcept;
    void switch_from(detail::ManagedThread& current) noexcept;
    detail::ManagedThread* pick_next(detail::ManagedThread& current) noexcept;
    detail::ManagedThread* pick_while_winding_down(detail::ManagedThread& current) noexcept;
    void fire_timeouts_until(std::chrono::nanoseconds deadline) noexcept;
    void time_out(detail::ManagedThread& thread) noexcept;
    void declare_deadlock() noexcept;
    std::string describe_wait(const detail::ManagedThread& thread) const;
    std::size_t choose(ChoiceKind kind, std::size_t option_count) noexcept;
    void fail(Verdict verdict) noexcept;
    bool must_unwind() const noexcept;
    void thread_main(detail::ManagedThread& thread);
    void end_thread(detail::ManagedThread& thread) noexcept;
    void record_exception(std::exception_ptr error, std::size_t thread) noexcept;
    void abandon_detached_threads() noexcept;

    Strategy& strategy_;
    SchedulerOptions options_;
    std::vector<std::unique_ptr<detail::ManagedThread>> threads_;
    std::chrono::nanoseconds virtual_now_{0};
    std::uint64_t scheduling_points_ = 0;
    std::vector<Choice> choices_;
    std::vector<Step> steps_;
    std::optional<Verdict> verdict_;
    bool winding_down_ = false;
    std::map<const void*, std::string> object_labels_;
    std::map<std::string, std::size_t, std::less<>> label_counts_;
};

}  // namespace pclab::explore
