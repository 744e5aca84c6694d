#include "pclab/testkit/thread_registry.hpp"

#include <algorithm>
#include <atomic>
#include <cstdint>
#include <list>
#include <mutex>

namespace pclab::testkit {

// One registration. The role is fixed at construction; state and call are written only by the
// attached thread (or the owner before attaching) and read by the watchdog.
struct ThreadRecord {
    std::string role;
    std::atomic<const char*> state{"starting"};
    std::atomic<const char*> call{nullptr};  // innermost ScopedActivity, or null
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

}  // namespace

void note_progress() {
    last_progress_ticks.store(now_ticks(), std::memory_order_relaxed);
}

std::chrono::milliseconds time_since_progress() {
    const Clock::duration idle{now_ticks() - last_progress_ticks.load(std::memory_order_relaxed)};
    return std::chrono::duration_cast<std::chrono::milliseconds>(idle);
}

WatchedThread::WatchedThread(std::string role) : record_(std::make_unique<ThreadRecord>()) {
    record_->role = std::move(role);
    const std::lock_guard<std::mutex> lock(registry_mutex);
    registered_records().push_back(record_.get());
    note_progress();
}

WatchedThread::~WatchedThread() {
    const std::lock_guard<std::mutex> lock(registry_mutex);
    registered_records().remove(record_.get());
}

WatchedThread::Attachment WatchedThread::attach_current_thread() {
    ThreadRecord* previous = attached_record;
    attached_record = record_.get();
    return Attachment(record_.get(), previous);
}

WatchedThread::Attachment::~Attachment() {
    record_->call.store(nullptr, std::memory_order_relaxed);
    record_->state.store("finished", std::memory_order_relaxed);
    attached_record = previous_;
    note_progress();
}

void WatchedThread::set_state(const char* state) {
    record_->state.store(state, std::memory_order_relaxed);
    note_progress();
}

ScopedActivity::ScopedActivity(const char* call)
    : record_(attached_record),
      previous_(record_ == nullptr ? nullptr
                                   : record_->call.exchange(call, std::memory_order_relaxed)) {
    note_progress();
}

ScopedActivity::~ScopedActivity() {
    if (record_ != nullptr) {
        record_->call.store(previous_, std::memory_order_relaxed);
    }
    note_progress();
}

std::vector<std::string> describe_watched_threads() {
    const std::lock_guard<std::mutex> lock(registry_mutex);
    std::vector<std::string> lines;
    for (const ThreadRecord* record : registered_records()) {
        std::string line = "  " + record->role + ": ";
        if (const char* call = record->call.load(std::memory_order_relaxed)) {
            line += "blocked in ";
            line += call;
        } else {
            line += record->state.load(std::memory_order_relaxed);
        }
        lines.push_back(std::move(line));
    }
    return lines;
}

}  // namespace pclab::testkit
