#include "pclab/explore/scheduler.hpp"

#include <pthread.h>
#include <sched.h>

#include <algorithm>
#include <cstdio>
#include <exception>
#include <mutex>
#include <thread>
#include <utility>

namespace pclab::explore {

namespace detail {

// What a managed thread is blocked on in the model.
enum class WaitKind : std::uint8_t {
    none,       // at a scheduling point, or running: enabled
    mutex,      // lock(), or re-taking the mutex after a condition wait: enabled when free
    condition,  // waiting for a notify (or its deadline): never enabled by itself
    semaphore,  // acquire(): enabled when the count is positive
    join,       // join(): enabled when the target has ended
    sleep,      // this_thread::sleep_for/until: enabled only when its deadline fires
    run_end,    // the body returned; waiting for every other thread to end
};

// How the last condition or semaphore wait of a thread ended.
enum class WakeReason : std::uint8_t { none, notified, spurious, timed_out };

// A managed thread: its baton (the only thing touched without holding the baton) and its
// model state (touched only by the baton holder).
struct ManagedThread {
    std::size_t index = 0;
    std::string name;
    std::function<void()> body;
    std::thread os_thread;  // empty for thread 0, which is the thread that called run()

    std::mutex baton_mutex;
    std::condition_variable baton_signal;
    bool has_baton = false;  // guarded by baton_mutex

    bool ended = false;
    bool detached = false;   // detach() was called: nothing will join it
    bool abandoned = false;  // detached and still running when the run ended: never resumed
    WaitKind waits_on = WaitKind::none;
    MutexState* mutex = nullptr;
    ConditionState* condition = nullptr;
    SemaphoreState* semaphore = nullptr;
    std::size_t join_target = no_thread;
    std::optional<std::chrono::nanoseconds> deadline;  // virtual time, for timed waits
    WakeReason wake = WakeReason::none;
    std::uint32_t spurious_in_a_row = 0;
    std::string blocked_operation;  // for deadlock reports
    std::source_location blocked_where;

    // Hands the baton to this thread. The notify happens under the mutex, so the receiver
    // cannot run ahead and end the run while the notifier still touches this record.
    void give_baton() {
        const std::lock_guard<std::mutex> guard(baton_mutex);
        has_baton = true;
        baton_signal.notify_one();
    }

    // Sleeps until this thread is handed the baton.
    void await_baton() {
        std::unique_lock<std::mutex> guard(baton_mutex);
        baton_signal.wait(guard, [this] { return has_baton; });
        has_baton = false;
    }

    bool timed_wait_pending() const noexcept {
        return deadline.has_value() &&
               (waits_on == WaitKind::condition || waits_on == WaitKind::semaphore ||
                waits_on == WaitKind::sleep);
    }
};

}  // namespace detail

namespace {

using detail::ManagedThread;
using detail::WaitKind;
using detail::WakeReason;

thread_local Scheduler* current_scheduler = nullptr;
thread_local ManagedThread* current_managed_thread = nullptr;

// Keeps the calling thread, and every thread it starts while this lives (they inherit the
// mask), on the CPU it runs on now. Only one managed thread runs at a time, so a run gains
// nothing from a second CPU; but handing the baton to a thread parked on another CPU costs a
// cross-CPU wake-up at every step. Measured on a 2-core machine: 1000 schedules of a
// 5-thread scenario take 0.4 s pinned and 5 s unpinned. Best effort: if the mask cannot be
// read or set, runs are slower, not different.
class PinnedToOneCpu {
  public:
    PinnedToOneCpu() {
        CPU_ZERO(&saved_);
        const int cpu = sched_getcpu();
        if (cpu < 0 || pthread_getaffinity_np(pthread_self(), sizeof saved_, &saved_) != 0) {
            return;
        }
        cpu_set_t one;
        CPU_ZERO(&one);
        CPU_SET(cpu, &one);
        pinned_ = pthread_setaffinity_np(pthread_self(), sizeof one, &one) == 0;
    }
    PinnedToOneCpu(const PinnedToOneCpu&) = delete;
    PinnedToOneCpu& operator=(const PinnedToOneCpu&) = delete;
    ~PinnedToOneCpu() {
        if (pinned_) {
            static_cast<void>(pthread_setaffinity_np(pthread_self(), sizeof saved_, &saved_));
        }
    }

  private:
    cpu_set_t saved_;
    bool pinned_ = false;
};

}  // namespace

std::string_view to_string(VerdictKind kind) noexcept {
    switch (kind) {
        case VerdictKind::passed:
            return "passed";
        case VerdictKind::deadlock:
            return "deadlock";
        case VerdictKind::check_failed:
            return "check failed";
        case VerdictKind::exception:
            return "exception";
        case VerdictKind::misuse:
            return "misuse";
        case VerdictKind::step_limit:
            return "step limit";
        case VerdictKind::replay_diverged:
            return "replay diverged";
    }
    return "unknown";
}

Scheduler::Scheduler(Strategy& strategy, const SchedulerOptions& options)
    : strategy_(strategy), options_(options) {}

Scheduler::~Scheduler() {
    for (auto& thread : threads_) {
        if (thread->abandoned) {
            // Its OS thread sleeps in await_baton() for good and keeps using the record.
            thread->os_thread.detach();
            static_cast<void>(thread.release());
            continue;
        }
        if (thread->os_thread.joinable()) {
            thread->os_thread.join();
        }
    }
}

Scheduler* Scheduler::current() noexcept {
    return current_scheduler;
}

std::size_t Scheduler::current_thread() const noexcept {
    return self().index;
}

ManagedThread& Scheduler::self() const noexcept {
    return *current_managed_thread;
}

// ---- run ------------------------------------------------------------------------------------

RunRecord Scheduler::run(const std::function<std::optional<std::string>()>& body) {
    const PinnedToOneCpu pinned;
    threads_.push_back(std::make_unique<ManagedThread>());
    ManagedThread& main = *threads_.front();
    main.index = 0;
    main.name = "main";
    strategy_.on_thread_started(0);
    current_scheduler = this;
    current_managed_thread = &main;

    try {
        std::optional<std::string> failure = body();
        if (failure.has_value()) {
            fail(Verdict{VerdictKind::check_failed, *failure, 0, std::nullopt, {}});
        }
    } catch (const RunAborted&) {
        // the run failed elsewhere; the verdict is set
    } catch (...) {
        record_exception(std::current_exception(), 0);
    }

    const auto others_alive = [this] {
        return std::any_of(threads_.begin() + 1, threads_.end(),
                           [](const auto& thread) { return !thread->ended; });
    };
    if (!winding_down_) {
        record_step(0, "return", {});
    }
    abandon_detached_threads();
    if (!winding_down_) {
        if (others_alive()) {
            fail(Verdict{VerdictKind::misuse,
                         "the test body returned while threads still ran",
                         0,
                         std::nullopt,
                         {}});
        }
    }
    main.waits_on = WaitKind::run_end;
    while (others_alive()) {
        switch_from(main);
    }
    main.ended = true;
    current_scheduler = nullptr;
    current_managed_thread = nullptr;
    for (auto& thread : threads_) {
        if (!thread->abandoned && thread->os_thread.joinable()) {
            thread->os_thread.join();
        }
    }

    RunRecord record;
    if (verdict_.has_value()) {
        record.verdict = std::move(*verdict_);
    } else if (winding_down_) {
        record.verdict = Verdict{VerdictKind::exception,
                                 "a thread unwound with joinable threads and the exception "
                                 "was caught before it ended the thread",
                                 std::nullopt,
                                 std::nullopt,
                                 {}};
    }
    record.choices = std::move(choices_);
    record.steps = std::move(steps_);
    for (const auto& thread : threads_) {
        record.thread_names.push_back(thread->name);
    }
    record.scheduling_points = scheduling_points_;
    record.virtual_time = virtual_now_;
    return record;
}

// A detached thread still running when the body ends would, in a real run, go on using
// objects the body has destroyed. The run fails, and the thread is never resumed: its
// OS thread stays parked for good (see the destructor), which is what keeps it harmless.
void Scheduler::abandon_detached_threads() noexcept {
    std::string names;
    for (auto& thread : threads_) {
        if (thread->detached && !thread->ended) {
            thread->abandoned = true;
            thread->ended = true;
            names += (names.empty() ? "" : ", ") + thread->name;
        }
    }
    if (!names.empty()) {
        fail(Verdict{VerdictKind::misuse,
                     "detached thread(s) still running when the test ended: " + names +
                         " (nothing waits for a detached thread, so it may go on using objects "
                         "that no longer exist)",
                     std::nullopt,
                     std::nullopt,
                     {}});
    }
}

void Scheduler::thread_main(ManagedThread& thread) {
    current_scheduler = this;
    current_managed_thread = &thread;
    thread.await_baton();
    if (!winding_down_) {
        try {
            thread.body();
        } catch (const RunAborted&) {
            // unwound on purpose: the run failed elsewhere
        } catch (...) {
            record_exception(std::current_exception(), thread.index);
        }
    }
    try {
        thread.body = nullptr;  // destroy what the body captured while still holding the baton
    } catch (...) {
        record_exception(std::current_exception(), thread.index);
    }
    current_scheduler = nullptr;
    current_managed_thread = nullptr;
    end_thread(thread);  // hands the baton on; this record is not touched afterwards
}

void Scheduler::end_thread(ManagedThread& thread) noexcept {
    if (!winding_down_) {
        record_step(thread.index, "end", {});
    }
    thread.ended = true;
    thread.waits_on = WaitKind::none;
    switch_from(thread);
}

void Scheduler::record_exception(std::exception_ptr error, std::size_t thread) noexcept {
    try {
        std::rethrow_exception(std::move(error));
    } catch (const CheckFailed& failure) {
        fail(Verdict{VerdictKind::check_failed, failure.what(), thread, failure.where(), {}});
    } catch (const std::exception& failure) {
        fail(Verdict{VerdictKind::exception,
                     std::string("uncaught exception: ") + failure.what(),
                     thread,
                     std::nullopt,
                     {}});
    } catch (...) {
        fail(Verdict{VerdictKind::exception,
                     "uncaught exception of unknown type",
                     thread,
                     std::nullopt,
                     {}});
    }
}

void Scheduler::fail(Verdict verdict) noexcept {
    if (!verdict_.has_value()) {
        verdict_ = std::move(verdict);
    }
    winding_down_ = true;
}

void Scheduler::wind_down_for_unwinding() noexcept {
    winding_down_ = true;
}

bool Scheduler::must_unwind() const noexcept {
    return winding_down_ && std::uncaught_exceptions() == 0;
}

// ---- the switch -----------------------------------------------------------------------------

void Scheduler::switch_from(ManagedThread& current) noexcept {
    ManagedThread* next = winding_down_ ? pick_while_winding_down(current) : pick_next(current);
    if (next == &current) {
        return;
    }
    // Read before the hand-over: from then on the record belongs to the baton holder, which may
    // write it (abandon_detached_threads() sets `ended` on a parked detached thread; a thread
    // that read it afterwards would skip await_baton() and run beside the holder).
    const bool ending = current.ended;
    next->give_baton();
    if (!ending) {
        current.await_baton();
    }
}

bool Scheduler::enabled(const ManagedThread& thread) const noexcept {
    if (thread.ended) {
        return false;
    }
    switch (thread.waits_on) {
        case WaitKind::none:
            return true;
        case WaitKind::mutex:
            return thread.mutex->owner == no_thread;
        case WaitKind::condition:
            return false;
        case WaitKind::semaphore:
            return thread.semaphore->count > 0;
        case WaitKind::join:
            return threads_[thread.join_target]->ended;
        case WaitKind::sleep:
            return false;
        case WaitKind::run_end:
            return std::all_of(threads_.begin() + 1, threads_.end(),
                               [](const auto& other) { return other->ended; });
    }
    return false;
}

bool Scheduler::enabled_while_winding_down(const ManagedThread& thread) const noexcept {
    if (thread.ended) {
        return false;
    }
    if (thread.waits_on == WaitKind::join || thread.waits_on == WaitKind::run_end) {
        return enabled(thread);
    }
    return true;  // its blocking operation throws RunAborted (or is granted while unwinding)
}

ManagedThread* Scheduler::pick_while_winding_down(ManagedThread& current) noexcept {
    if (enabled_while_winding_down(current)) {
        return &current;
    }
    for (auto& thread : threads_) {
        if (enabled_while_winding_down(*thread)) {
            return thread.get();
        }
    }
    std::fputs("pclab::explore: a failed run cannot wind down: its threads join each other\n",
               stderr);
    std::terminate();
}

ManagedThread* Scheduler::pick_next(ManagedThread& current) noexcept {
    ++scheduling_points_;
    if (scheduling_points_ > options_.max_steps) {
        fail(Verdict{VerdictKind::step_limit,
                     "the run took more than " + std::to_string(options_.max_steps) +
                         " steps (a livelock, or a test too big to explore)",
                     current.index,
                     std::nullopt,
                     {}});
        return pick_while_winding_down(current);
    }
    std::vector<Candidate> candidates;
    for (;;) {
        candidates.clear();
        for (const auto& thread : threads_) {
            if (enabled(*thread)) {
                candidates.push_back(Candidate{thread->index, false});
            }
        }
        if (!candidates.empty()) {
            break;
        }
        // Nobody can run: the earliest deadline fires, or this is a deadlock.
        const ManagedThread* earliest = nullptr;
        for (const auto& thread : threads_) {
            if (!thread->ended && thread->timed_wait_pending() &&
                (earliest == nullptr || *thread->deadline < *earliest->deadline)) {
                earliest = thread.get();
            }
        }
        if (earliest == nullptr) {
            declare_deadlock();
            return pick_while_winding_down(current);
        }
        fire_timeouts_until(*earliest->deadline);
    }
    if (options_.offer_timeouts) {
        for (const auto& thread : threads_) {
            if (!thread->ended && thread->timed_wait_pending() && !enabled(*thread)) {
                candidates.push_back(Candidate{thread->index, true});
            }
        }
    }
    std::size_t pick = 0;
    if (candidates.size() > 1 || strategy_.sees_every_step()) {
        pick = strategy_.pick_candidate(candidates, scheduling_points_, current.index);
        if (pick >= candidates.size()) {
            fail(Verdict{VerdictKind::replay_diverged,
                         "the choice list has no valid answer for step " +
                             std::to_string(scheduling_points_),
                         current.index,
                         std::nullopt,
                         {}});
            return pick_while_winding_down(current);
        }
    }
    if (candidates.size() > 1) {
        // Forced steps are not choices: a replay of the list asks only the real ones.
        choices_.push_back(Choice{ChoiceKind::next_step, static_cast<std::uint32_t>(pick),
                                  static_cast<std::uint32_t>(candidates.size())});
    }
    const Candidate chosen = candidates[pick];
    ManagedThread& next = *threads_[chosen.thread];
    if (chosen.times_out) {
        fire_timeouts_until(*next.deadline);
    }
    return &next;
}

std::size_t Scheduler::choose(ChoiceKind kind, std::size_t option_count) noexcept {
    if (option_count < 2) {
        return 0;
    }
    const std::size_t pick = strategy_.pick_option(kind, option_count);
    if (pick >= option_count) {
        fail(Verdict{VerdictKind::replay_diverged,
                     "the choice list has no valid answer for a "
                     "notify target or a spurious wake-up",
                     self().index,
                     std::nullopt,
                     {}});
        return 0;
    }
    choices_.push_back(
        Choice{kind, static_cast<std::uint32_t>(pick), static_cast<std::uint32_t>(option_count)});
    return pick;
}

void Scheduler::fire_timeouts_until(std::chrono::nanoseconds deadline) noexcept {
    virtual_now_ = std::max(virtual_now_, deadline);
    for (auto& thread : threads_) {
        if (!thread->ended && thread->timed_wait_pending() && *thread->deadline <= virtual_now_ &&
            !enabled(*thread)) {
            time_out(*thread);
        }
    }
}

void Scheduler::time_out(ManagedThread& thread) noexcept {
    if (thread.waits_on == WaitKind::condition) {
        auto& waiters = thread.condition->waiters;
        waiters.erase(std::remove(waiters.begin(), waiters.end(), thread.index), waiters.end());
        thread.waits_on = WaitKind::mutex;  // re-takes its mutex before returning
    } else {
        thread.waits_on = WaitKind::none;
    }
    thread.deadline.reset();
    thread.wake = WakeReason::timed_out;
}

void Scheduler::declare_deadlock() noexcept {
    Verdict verdict{VerdictKind::deadlock,
                    "no thread can run and no timed wait is pending",
                    std::nullopt,
                    std::nullopt,
                    {}};
    for (const auto& thread : threads_) {
        if (!thread->ended && thread->waits_on != WaitKind::run_end) {
            verdict.blocked.push_back(BlockedThread{thread->index, thread->blocked_operation,
                                                    thread->blocked_where, describe_wait(*thread)});
        }
    }
    fail(std::move(verdict));
}

std::string Scheduler::describe_wait(const ManagedThread& thread) const {
    switch (thread.waits_on) {
        case WaitKind::mutex: {
            const std::string label = object_labels_.at(thread.mutex);
            const std::size_t owner = thread.mutex->owner;
            if (owner == thread.index) {
                return label + ", which it holds itself";
            }
            return label + ", held by " +
                   (owner == no_thread ? std::string("nobody") : threads_[owner]->name);
        }
        case WaitKind::condition:
            return "a notify on " + object_labels_.at(thread.condition) + " (holding no lock)";
        case WaitKind::semaphore:
            return object_labels_.at(thread.semaphore) + " to be released (count " +
                   std::to_string(thread.semaphore->count) + ")";
        case WaitKind::join:
            return threads_[thread.join_target]->name + " to end";
        case WaitKind::sleep:
            return "its sleep to end";
        case WaitKind::run_end:
            return "every thread to end";
        case WaitKind::none:
            break;
    }
    return "nothing (it could run)";
}

// ---- recording ------------------------------------------------------------------------------

void Scheduler::record_step(std::size_t thread, std::string operation, std::source_location where) {
    if (winding_down_) {
        return;
    }
    steps_.push_back(Step{steps_.size() + 1, thread, std::move(operation), where});
}

std::string Scheduler::object_label(std::string_view kind, const void* object) {
    auto found = object_labels_.find(object);
    if (found != object_labels_.end()) {
        return found->second;
    }
    auto count = label_counts_.find(kind);
    if (count == label_counts_.end()) {
        count = label_counts_.emplace(std::string(kind), 0).first;
    }
    ++count->second;
    std::string label = std::string(kind) + " #" + std::to_string(count->second);
    object_labels_.emplace(object, label);
    return label;
}

// ---- operations -----------------------------------------------------------------------------

void Scheduler::lock(MutexState& mutex, Operation operation) {
    ManagedThread& me = self();
    if (winding_down_) {
        if (must_unwind()) {
            throw RunAborted{};
        }
        mutex.owner = me.index;  // unwinding: grant it, so destructors that lock still run
        return;
    }
    me.blocked_operation = std::string(operation.name) + " " + object_label("mutex", &mutex);
    me.blocked_where = operation.where;
    record_step(me.index, me.blocked_operation, operation.where);
    me.waits_on = WaitKind::mutex;
    me.mutex = &mutex;
    switch_from(me);
    me.waits_on = WaitKind::none;
    if (must_unwind()) {
        throw RunAborted{};
    }
    mutex.owner = me.index;
}

bool Scheduler::try_lock(MutexState& mutex, Operation operation) {
    ManagedThread& me = self();
    if (!winding_down_) {
        record_step(me.index, std::string(operation.name) + " " + object_label("mutex", &mutex),
                    operation.where);
        switch_from(me);
    }
    if (must_unwind()) {
        throw RunAborted{};
    }
    if (mutex.owner != no_thread && !winding_down_) {
        return false;
    }
    mutex.owner = me.index;
    return true;
}

void Scheduler::unlock(MutexState& mutex, Operation operation) noexcept {
    ManagedThread& me = self();
    if (mutex.owner != me.index) {
        if (!winding_down_) {
            fail(Verdict{VerdictKind::misuse,
                         "unlock of " + object_label("mutex", &mutex) +
                             ", which the calling thread does not hold",
                         me.index,
                         operation.where,
                         {}});
        }
        return;
    }
    mutex.owner = no_thread;
    if (winding_down_) {
        return;
    }
    record_step(me.index, std::string(operation.name) + " " + object_label("mutex", &mutex),
                operation.where);
    switch_from(me);
}

std::cv_status Scheduler::wait(ConditionState& condition, MutexState& mutex,
                               std::optional<std::chrono::nanoseconds> timeout,
                               Operation operation) {
    ManagedThread& me = self();
    if (!winding_down_ && mutex.owner != me.index) {
        fail(Verdict{
            VerdictKind::misuse,
            "wait on " + object_label("condition", &condition) + " without holding its mutex",
            me.index,
            operation.where,
            {}});
    }
    if (winding_down_) {
        if (must_unwind()) {
            throw RunAborted{};
        }
        return std::cv_status::no_timeout;
    }
    const std::string label = object_label("condition", &condition);
    me.blocked_operation = std::string(operation.name) + " " + label;
    me.blocked_where = operation.where;
    record_step(me.index, me.blocked_operation, operation.where);
    mutex.owner = no_thread;
    me.mutex = &mutex;
    me.condition = &condition;
    me.deadline.reset();
    if (timeout.has_value() && *timeout <= std::chrono::nanoseconds::zero()) {
        me.waits_on = WaitKind::mutex;  // the deadline has passed: time out at once
        me.wake = WakeReason::timed_out;
    } else if (me.spurious_in_a_row < options_.max_spurious_wakes_in_a_row &&
               choose(ChoiceKind::spurious_wake, 2) == 1) {
        ++me.spurious_in_a_row;
        me.waits_on = WaitKind::mutex;
        me.wake = WakeReason::spurious;
    } else {
        me.spurious_in_a_row = 0;
        condition.waiters.push_back(me.index);
        me.waits_on = WaitKind::condition;
        me.wake = WakeReason::none;
        if (timeout.has_value()) {
            me.deadline = virtual_now_ + *timeout;
        }
    }
    switch_from(me);
    me.deadline.reset();
    if (winding_down_) {
        auto& waiters = condition.waiters;
        waiters.erase(std::remove(waiters.begin(), waiters.end(), me.index), waiters.end());
        me.waits_on = WaitKind::none;
        if (must_unwind()) {
            throw RunAborted{};
        }
        mutex.owner = me.index;
        return std::cv_status::no_timeout;
    }
    me.waits_on = WaitKind::none;
    mutex.owner = me.index;
    const WakeReason reason = me.wake;
    me.wake = WakeReason::none;
    const char* how = reason == WakeReason::timed_out  ? "wake (timed out) "
                      : reason == WakeReason::spurious ? "wake (spurious) "
                                                       : "wake (notified) ";
    record_step(me.index, how + label, operation.where);
    return reason == WakeReason::timed_out ? std::cv_status::timeout : std::cv_status::no_timeout;
}

void Scheduler::notify_one(ConditionState& condition, Operation operation) noexcept {
    if (winding_down_) {
        return;
    }
    ManagedThread& me = self();
    std::string description =
        std::string(operation.name) + " " + object_label("condition", &condition);
    if (condition.waiters.empty()) {
        description += " (no waiter)";
    } else {
        const std::size_t pick = choose(ChoiceKind::notify_target, condition.waiters.size());
        ManagedThread& woken = *threads_[condition.waiters[pick]];
        condition.waiters.erase(condition.waiters.begin() + static_cast<std::ptrdiff_t>(pick));
        woken.waits_on = WaitKind::mutex;
        woken.deadline.reset();
        woken.wake = WakeReason::notified;
        description += " (wakes " + woken.name + ")";
    }
    record_step(me.index, std::move(description), operation.where);
    switch_from(me);
}

void Scheduler::notify_all(ConditionState& condition, Operation operation) noexcept {
    if (winding_down_) {
        return;
    }
    ManagedThread& me = self();
    std::string description = std::string(operation.name) + " " +
                              object_label("condition", &condition) + " (wakes " +
                              std::to_string(condition.waiters.size()) + ")";
    for (const std::size_t waiter : condition.waiters) {
        ManagedThread& woken = *threads_[waiter];
        woken.waits_on = WaitKind::mutex;
        woken.deadline.reset();
        woken.wake = WakeReason::notified;
    }
    condition.waiters.clear();
    record_step(me.index, std::move(description), operation.where);
    switch_from(me);
}

void Scheduler::acquire(SemaphoreState& semaphore, Operation operation) {
    ManagedThread& me = self();
    if (winding_down_) {
        if (must_unwind()) {
            throw RunAborted{};
        }
        return;
    }
    me.blocked_operation =
        std::string(operation.name) + " " + object_label("semaphore", &semaphore);
    me.blocked_where = operation.where;
    record_step(me.index, me.blocked_operation, operation.where);
    me.waits_on = WaitKind::semaphore;
    me.semaphore = &semaphore;
    switch_from(me);
    me.waits_on = WaitKind::none;
    if (winding_down_) {
        if (must_unwind()) {
            throw RunAborted{};
        }
        return;
    }
    --semaphore.count;
}

bool Scheduler::try_acquire(SemaphoreState& semaphore, Operation operation) {
    ManagedThread& me = self();
    if (!winding_down_) {
        record_step(me.index,
                    std::string(operation.name) + " " + object_label("semaphore", &semaphore),
                    operation.where);
        switch_from(me);
    }
    if (must_unwind()) {
        throw RunAborted{};
    }
    if (winding_down_ || semaphore.count <= 0) {
        return false;
    }
    --semaphore.count;
    return true;
}

bool Scheduler::try_acquire_for(SemaphoreState& semaphore, std::chrono::nanoseconds timeout,
                                Operation operation) {
    if (timeout <= std::chrono::nanoseconds::zero()) {
        return try_acquire(semaphore, operation);
    }
    ManagedThread& me = self();
    if (winding_down_) {
        if (must_unwind()) {
            throw RunAborted{};
        }
        return false;
    }
    const std::string label = object_label("semaphore", &semaphore);
    me.blocked_operation = std::string(operation.name) + " " + label;
    me.blocked_where = operation.where;
    record_step(me.index, me.blocked_operation, operation.where);
    me.waits_on = WaitKind::semaphore;
    me.semaphore = &semaphore;
    me.deadline = virtual_now_ + timeout;
    me.wake = WakeReason::none;
    switch_from(me);
    me.waits_on = WaitKind::none;
    me.deadline.reset();
    const bool timed_out = me.wake == WakeReason::timed_out;
    me.wake = WakeReason::none;
    if (winding_down_) {
        if (must_unwind()) {
            throw RunAborted{};
        }
        return false;
    }
    if (timed_out) {
        record_step(me.index, "timed out " + label, operation.where);
        return false;
    }
    --semaphore.count;
    return true;
}

void Scheduler::release(SemaphoreState& semaphore, std::ptrdiff_t update,
                        Operation operation) noexcept {
    ManagedThread& me = self();
    if (update < 0 || semaphore.count > semaphore.max - update) {
        if (!winding_down_) {
            fail(Verdict{VerdictKind::misuse,
                         "release(" + std::to_string(update) + ") of " +
                             object_label("semaphore", &semaphore) + " at count " +
                             std::to_string(semaphore.count) + " would pass its maximum " +
                             std::to_string(semaphore.max),
                         me.index,
                         operation.where,
                         {}});
        }
        return;
    }
    semaphore.count += update;
    if (winding_down_) {
        return;
    }
    record_step(me.index, std::string(operation.name) + " " + object_label("semaphore", &semaphore),
                operation.where);
    switch_from(me);
}

void Scheduler::yield(Operation operation) {
    ManagedThread& me = self();
    if (!winding_down_) {
        record_step(me.index, std::string(operation.name), operation.where);
        switch_from(me);
    }
    if (must_unwind()) {
        throw RunAborted{};
    }
}

std::size_t Scheduler::start_thread(std::string name, std::function<void()> body,
                                    Operation operation) {
    ManagedThread& me = self();
    if (winding_down_) {
        throw RunAborted{};
    }
    threads_.push_back(std::make_unique<ManagedThread>());
    ManagedThread& started = *threads_.back();
    started.index = threads_.size() - 1;
    started.name = name.empty() ? "thread " + std::to_string(started.index) : std::move(name);
    started.body = std::move(body);
    strategy_.on_thread_started(started.index);
    record_step(me.index, std::string(operation.name) + " " + started.name, operation.where);
    try {
        started.os_thread = std::thread([this, &started] { thread_main(started); });
    } catch (...) {
        started.ended = true;  // it never ran; the model must not wait for it
        throw;
    }
    // No RunAborted here even if the run failed meanwhile: the caller must get the handle, or
    // nobody would join the new thread before the objects it uses are destroyed.
    switch_from(me);
    return started.index;
}

void Scheduler::join(std::size_t thread, Operation operation) {
    ManagedThread& me = self();
    if (thread >= threads_.size() || thread == me.index) {
        fail(Verdict{VerdictKind::misuse,
                     "join of a thread that cannot be joined",
                     me.index,
                     operation.where,
                     {}});
        if (must_unwind()) {
            throw RunAborted{};
        }
        return;
    }
    me.blocked_operation = std::string(operation.name) + " " + threads_[thread]->name;
    me.blocked_where = operation.where;
    record_step(me.index, me.blocked_operation, operation.where);
    me.waits_on = WaitKind::join;
    me.join_target = thread;
    switch_from(me);
    me.waits_on = WaitKind::none;
}

void Scheduler::detach(std::size_t thread, Operation operation) {
    ManagedThread& me = self();
    if (thread >= threads_.size() || thread == 0) {
        fail(Verdict{VerdictKind::misuse,
                     "detach of a thread that cannot be detached",
                     me.index,
                     operation.where,
                     {}});
    } else if (!winding_down_) {
        threads_[thread]->detached = true;
        record_step(me.index, std::string(operation.name) + " " + threads_[thread]->name,
                    operation.where);
        switch_from(me);
    }
    if (must_unwind()) {
        throw RunAborted{};
    }
}

void Scheduler::sleep(std::chrono::nanoseconds duration, Operation operation) {
    ManagedThread& me = self();
    if (!winding_down_) {
        me.blocked_operation = std::string(operation.name);
        me.blocked_where = operation.where;
        record_step(me.index, me.blocked_operation, operation.where);
        me.waits_on = WaitKind::sleep;
        me.deadline = virtual_now_ + std::max(duration, std::chrono::nanoseconds::zero());
        switch_from(me);
        me.deadline.reset();
        me.waits_on = WaitKind::none;
    }
    if (must_unwind()) {
        throw RunAborted{};
    }
}

void Scheduler::set_thread_name(std::string name) {
    self().name = std::move(name);
}

}  // namespace pclab::explore
