#include "pclab/testkit/watchdog.hpp"

#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <stdexcept>
#include <string_view>
#include <vector>

#include "pclab/testkit/kernel_thread.hpp"
#include "pclab/testkit/seed.hpp"
#include "pclab/testkit/thread_registry.hpp"

namespace pclab::testkit {
namespace {

std::mutex footer_mutex;
std::string& footer() {
    static std::string text;  // guarded by footer_mutex
    return text;
}

// write(2) rather than iostreams or stdio: it takes no user-space lock, so the report gets out
// even if a stuck thread holds the lock of std::cerr or stderr.
void write_all(int fd, std::string_view text) {
    while (!text.empty()) {
        const ssize_t written = ::write(fd, text.data(), text.size());
        if (written <= 0) {
            return;  // nowhere left to report to; exiting is all that remains
        }
        text.remove_prefix(static_cast<std::size_t>(written));
    }
}

}  // namespace

std::optional<std::chrono::milliseconds> Watchdog::budget_from_environment() {
    const char* text = std::getenv("PCLAB_TIMEOUT_MS");
    if (text == nullptr) {
        return std::nullopt;
    }
    // Same digits-only rule as seeds; a budget of 0 would fire before any test ran.
    const std::optional<std::uint64_t> ms = parse_seed(text);
    if (!ms || *ms == 0 || *ms > 1'000'000'000ULL) {
        throw std::invalid_argument(std::string("PCLAB_TIMEOUT_MS must be a positive number of "
                                                "milliseconds, got \"") +
                                    text + "\"");
    }
    return std::chrono::milliseconds(static_cast<std::int64_t>(*ms));
}

Watchdog::Watchdog(std::chrono::milliseconds budget) {
    const auto fire_after =
        std::chrono::duration_cast<std::chrono::steady_clock::duration>(budget * kFireFraction);
    const auto deadline = std::chrono::steady_clock::now() + fire_after;
    note_progress();  // "no progress for" counts from here at the latest
    timer_ = std::thread([this, deadline] { wait_then_fire(deadline); });
}

Watchdog::~Watchdog() {
    {
        const std::lock_guard<std::mutex> lock(mutex_);
        stopped_ = true;
    }
    stop_requested_.notify_one();
    timer_.join();
}

bool Watchdog::everyone_else_asleep() {
    const pid_t self = KernelThread::calling_thread().tid();
    // Observers watch, and no thread waits for them (ThreadKind::observer), so whether they run
    // says nothing about a deadlock. The list is a snapshot: a thread that stops being an
    // observer just after it is left out of this one look, while the rule needs every look of
    // a whole quiet window.
    const std::vector<pid_t> observers = observer_thread_ids();
    std::vector<KernelThread> others = KernelThread::all_in_process();
    std::erase_if(others, [self, &observers](const KernelThread& thread) {
        return thread.tid() == self ||
               std::find(observers.begin(), observers.end(), thread.tid()) != observers.end();
    });
    // wait_until_settled looks twice, 1 ms apart: a thread passing through a contended mutex
    // sleeps for microseconds; a thread in a deadlock stays asleep.
    constexpr auto kTwoLooks = std::chrono::milliseconds(5);
    return wait_until_settled(others, kTwoLooks);
}

void Watchdog::wait_then_fire(std::chrono::steady_clock::time_point deadline) {
    using Clock = std::chrono::steady_clock;
    // The last time a look found some thread awake; quiet means asleep at every look since.
    auto last_seen_awake = Clock::now();
    WatchdogRule rule = WatchdogRule::late;
    while (true) {
        {
            std::unique_lock<std::mutex> lock(mutex_);
            const auto next_look = std::min(deadline, Clock::now() + kSampleInterval);
            if (stop_requested_.wait_until(lock, next_look, [this] { return stopped_; })) {
                return;
            }
        }
        if (Clock::now() >= deadline) {
            break;  // still running at 80% of the budget
        }
        if (!everyone_else_asleep()) {
            last_seen_awake = Clock::now();
        } else if (Clock::now() - last_seen_awake >= kQuietWindow &&
                   time_since_progress() >= kQuietWindow) {
            rule = WatchdogRule::everyone_asleep;
            break;  // nobody has run for the whole window, so nobody can wake anybody
        }
    }
    // Here: nobody stopped us, and the process is hung. Report and end it before the grader's
    // kill would silence it.
    const std::string report = format_deadlock_report(time_since_progress(), rule);
    std::fflush(stdout);  // GoogleTest's "[ RUN ]" line first, so the report follows it
    write_all(STDERR_FILENO, report);
    std::_Exit(kExitStatus);
}

std::string format_deadlock_report(std::chrono::milliseconds idle, WatchdogRule rule) {
    std::string report =
        "[pclab:deadlock] no progress for " + std::to_string(idle.count()) +
        (rule == WatchdogRule::everyone_asleep ? " ms, everyone asleep\n"
                                               : " ms, 80% of the time budget used\n");
    for (const std::string& line : describe_watched_threads()) {
        report += line;
        report += '\n';
    }
    const std::lock_guard<std::mutex> lock(footer_mutex);
    report += footer();
    return report;
}

void set_deadlock_report_footer(std::string text) {
    const std::lock_guard<std::mutex> lock(footer_mutex);
    footer() = std::move(text);
}

}  // namespace pclab::testkit
