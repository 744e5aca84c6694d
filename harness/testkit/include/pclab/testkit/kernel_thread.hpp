/// @file
/// @ingroup testkit
/// @brief KernelThread and running_thread_count(): what the kernel says about this process's
///        threads (Linux `/proc/self/task`).
///
/// Two questions a test about blocking and termination cannot answer from inside the code under
/// test:
///
/// - *Is that thread asleep yet?* A test of "shutdown wakes every blocked getter" is only sharp
///   when the getters really are waiting inside the queue when shutdown comes; a getter that
///   arrives after the shutdown returns at once and proves nothing. Each such thread records
///   `KernelThread::calling_thread()` before its call; the test then waits until all of them are
///   asleep in the kernel (`S`), which for a thread inside `get()` on an empty queue means it is
///   waiting on the condition variable (or, for microseconds, on the mutex).
/// - *Did the code under test leave threads behind?* running_thread_count() before and after a
///   call that must join everything it started.
///
/// Neither is synchronisation: a correct implementation gives the same results whatever they
/// return. They only decide *when* a test acts, to make a bug more likely to show.
///
/// Header-only (a few system calls), so a lab's tests can use it without a new library source.
#pragma once

#include <dirent.h>
#include <sys/types.h>
#include <unistd.h>

#include <chrono>
#include <cstddef>
#include <fstream>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

namespace pclab::testkit {

namespace kernel_thread_detail {

struct Stat {
    char state = '?';
    bool exiting = true;
};

// Fields of /proc/self/task/<tid>/stat: "tid (comm) state ppid pgrp session tty_nr tpgid
// flags ..."; the command name may itself contain ')', so fields count from the last one.
inline Stat read_stat(pid_t tid) {
    std::ifstream stat("/proc/self/task/" + std::to_string(tid) + "/stat");
    std::string line;
    if (!std::getline(stat, line)) {
        return {};
    }
    const std::size_t close = line.rfind(')');
    if (close == std::string::npos) {
        return {};
    }
    std::istringstream fields(line.substr(close + 1));
    Stat parsed;
    std::string skipped;
    unsigned long flags = 0;  // NOLINT(google-runtime-int): the kernel's own type
    fields >> parsed.state >> skipped >> skipped >> skipped >> skipped >> skipped >> flags;
    if (!fields) {
        return {};
    }
    constexpr unsigned long kPfExiting = 0x4;  // include/linux/sched.h: PF_EXITING
    parsed.exiting = (flags & kPfExiting) != 0;
    return parsed;
}

}  // namespace kernel_thread_detail

/// @brief A handle on one thread of this process, by its kernel thread id.
///
/// Abstract state: the thread id. Copyable; reading it is thread-safe.
class KernelThread {
  public:
    /// @brief The calling thread. Never blocks.
    static KernelThread calling_thread() { return KernelThread(::gettid()); }

    /// @brief The thread's scheduler state letter from `/proc/self/task/<tid>/stat`: `R`
    ///        running or runnable, `S` asleep (waiting on a futex, a condition variable, a
    ///        mutex...), `D` uninterruptible sleep, ...; `?` when the thread has ended.
    ///
    /// Thread-safe. Never blocks for long (reads one small /proc file).
    char state() const { return kernel_thread_detail::read_stat(tid_).state; }

    /// @brief True when the thread is asleep in the kernel or has ended: it is not about to
    ///        do anything by itself.
    bool settled() const {
        const char now = state();
        return now == 'S' || now == 'D' || now == '?';
    }

    /// @brief The kernel thread id.
    pid_t tid() const { return tid_; }

    /// @brief Every thread of this process, as `/proc/self/task` lists them now (threads that
    ///        are exiting included). Thread-safe. Never blocks for long.
    static std::vector<KernelThread> all_in_process() {
        std::vector<KernelThread> threads;
        DIR* tasks = ::opendir("/proc/self/task");
        if (tasks == nullptr) {
            return threads;
        }
        while (const dirent* entry = ::readdir(tasks)) {
            if (entry->d_name[0] != '.') {
                threads.push_back(KernelThread(static_cast<pid_t>(std::stoi(entry->d_name))));
            }
        }
        ::closedir(tasks);
        return threads;
    }

    /// @brief True when the thread has begun to exit (or has ended): the kernel's PF_EXITING
    ///        flag. A thread that std::thread::join() has seen end may linger in
    ///        `/proc/self/task` for microseconds more, always with this flag set.
    bool exiting() const { return kernel_thread_detail::read_stat(tid_).exiting; }

  private:
    explicit KernelThread(pid_t tid) : tid_(tid) {}
    pid_t tid_;
};

/// @brief Waits until every thread in `threads` is settled (asleep or ended) in two polls in a
///        row, or until `patience` has passed.
///
/// Two polls in a row, because a thread can sleep for a microsecond on a contended mutex on its
/// way into a long wait; a thread in a real wait stays asleep. The pause between polls is a
/// polling interval, not synchronisation: callers must be correct whatever this returns.
/// @return true if all were settled; false if `patience` ran out first.
/// Blocks for at most about `patience`.
inline bool wait_until_settled(const std::vector<KernelThread>& threads,
                               std::chrono::milliseconds patience) {
    // Short against the microseconds a thread needs to reach its wait; long enough that the
    // polls do not steal a core from the threads they wait for on a 2-core machine.
    constexpr auto kPollInterval = std::chrono::milliseconds(1);
    const auto give_up_at = std::chrono::steady_clock::now() + patience;
    int settled_polls_in_a_row = 0;
    while (settled_polls_in_a_row < 2) {
        bool all_settled = true;
        for (const KernelThread& thread : threads) {
            all_settled = all_settled && thread.settled();
        }
        settled_polls_in_a_row = all_settled ? settled_polls_in_a_row + 1 : 0;
        if (settled_polls_in_a_row == 2) {
            break;
        }
        if (std::chrono::steady_clock::now() >= give_up_at) {
            return false;
        }
        std::this_thread::sleep_for(kPollInterval);
    }
    return true;
}

/// @brief How many threads of this process are running right now: entries of
///        `/proc/self/task` that have not begun to exit. Includes the calling thread, the
///        watchdog's and any sanitizer's helper threads.
///
/// Compare two counts taken on the same thread around a call: a call that joined every thread
/// it started leaves the count as it found it (a joined thread still leaving the kernel is not
/// counted), while a thread it detached and that is still running its code is counted.
/// Thread-safe. Never blocks for long.
inline std::size_t running_thread_count() {
    std::size_t running = 0;
    for (const KernelThread& thread : KernelThread::all_in_process()) {
        running += thread.exiting() ? 0 : 1;
    }
    return running;
}

}  // namespace pclab::testkit
