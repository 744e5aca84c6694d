#include "pclab/testkit/thread_registry.hpp"

#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cstdint>
#include <list>
#include <mutex>

namespace pclab::testkit {

// One registration. Role and kind are fixed at construction; state and call are written only by
// the attached thread (or the owner before attaching), tid only by the attached thread, and all
// three are read by the watchdog.
struct ThreadRecord {
    std::string role;
    ThreadKind kind = ThreadKind::participant;
    std::atomic<const char*> state{"starting"};
    std::atomic<const char*> call{nullptr};  // innermost ScopedActivity, or null
    std::atomic<pid_t> tid{0};               // the attached thread's kernel id, or 0
};

namespace {

using Clock = std::chrono::steady_clock;

// The registry: the watchdog's view of every live registration, in registration order.
// Held only to insert, erase or read the list, never while a thread runs test code.
std::mutex registry_mutex;
std::list<ThreadRecord*>& registered_records() {
    static std::list<ThreadRecord*> records;  // guarded by registry_mutex
    return records;
}

// The registration of the calling thread (null if none): what ScopedActivity updates.
thread_local ThreadRecord* attached_record = nullptr;

std::int64_t now_ticks() {
    return Clock::now().time_since_epoch().count();
}

// Relaxed: a timestamp for the report, not a synchronisation point.
std::atomic<std::int64_t> last_progress_ticks{now_ticks()};

// Progress, unless `record` (the registration that changed) is an observer's.
void note_progress_of(const ThreadRecord* record) {
    if (record == nullptr || record->kind != ThreadKind::observer) {
        last_progress_ticks.store(now_ticks(), std::memory_order_relaxed);
    }
}

}  // namespace

void note_progress() {
    note_progress_of(attached_record);
}

std::chrono::milliseconds time_since_progress() {
    const Clock::duration idle{now_ticks() - last_progress_ticks.load(std::memory_order_relaxed)};
    return std::chrono::duration_cast<std::chrono::milliseconds>(idle);
}

WatchedThread::WatchedThread(std::string role, ThreadKind kind)
    : record_(std::make_unique<ThreadRecord>()) {
    record_->role = std::move(role);
    record_->kind = kind;
    const std::lock_guard<std::mutex> lock(registry_mutex);
    registered_records().push_back(record_.get());
    note_progress();  // the registering thread's (a test starting its workers)
}

WatchedThread::~WatchedThread() {
    const std::lock_guard<std::mutex> lock(registry_mutex);
    registered_records().remove(record_.get());
}

WatchedThread::Attachment WatchedThread::attach_current_thread() {
    ThreadRecord* previous = attached_record;
    attached_record = record_.get();
    record_->tid.store(::gettid(), std::memory_order_relaxed);
    return Attachment(record_.get(), previous);
}

WatchedThread::Attachment::~Attachment() {
    record_->call.store(nullptr, std::memory_order_relaxed);
    record_->state.store("finished", std::memory_order_relaxed);
    // From here the thread is no longer this registration's: if it was an observer, the
    // watchdog looks at it again (it is about to exit, or goes on as something else).
    record_->tid.store(0, std::memory_order_relaxed);
    attached_record = previous_;
    note_progress_of(record_);
}

void WatchedThread::set_state(const char* state) {
    record_->state.store(state, std::memory_order_relaxed);
    note_progress_of(record_.get());
}

ScopedActivity::ScopedActivity(const char* call)
    : record_(attached_record),
      previous_(record_ == nullptr ? nullptr
                                   : record_->call.exchange(call, std::memory_order_relaxed)) {
    note_progress_of(record_);
}

ScopedActivity::~ScopedActivity() {
    if (record_ != nullptr) {
        record_->call.store(previous_, std::memory_order_relaxed);
    }
    note_progress_of(record_);
}

std::vector<std::string> describe_watched_threads() {
    const std::lock_guard<std::mutex> lock(registry_mutex);
    std::vector<std::string> lines;
    for (const ThreadRecord* record : registered_records()) {
        std::string line = "  " + record->role + ": ";
        if (const char* call = record->call.load(std::memory_order_relaxed)) {
            // An observer is never the stuck one (nobody waits for it): say where it is
            // without sending the reader to look for a bug in the call it happens to be in.
            line += record->kind == ThreadKind::observer ? "observing, in " : "blocked in ";
            line += call;
        } else {
            line += record->state.load(std::memory_order_relaxed);
        }
        lines.push_back(std::move(line));
    }
    return lines;
}

std::vector<pid_t> observer_thread_ids() {
    const std::lock_guard<std::mutex> lock(registry_mutex);
    std::vector<pid_t> tids;
    for (const ThreadRecord* record : registered_records()) {
        const pid_t tid = record->tid.load(std::memory_order_relaxed);
        if (record->kind == ThreadKind::observer && tid != 0) {
            tids.push_back(tid);
        }
    }
    return tids;
}

}  // namespace pclab::testkit
