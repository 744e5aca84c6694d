#include "isolated_process.hpp"

#include <dirent.h>
#include <fcntl.h>
#include <grp.h>
#include <poll.h>
#include <signal.h>
#include <sys/personality.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <array>
#include <atomic>
#include <cerrno>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string_view>
#include <system_error>
#include <utility>

namespace pclab::grader {
namespace {

using Clock = std::chrono::steady_clock;

// How often the resident set is sampled: often enough that a runaway allocation loop cannot grow
// far past the limit, rare enough to cost nothing next to the check itself.
constexpr std::chrono::milliseconds resident_poll_interval{20};
// How long output is still read after the child is reaped and its group killed. Only a process
// that left the group (setsid) can keep the pipes open that long; it must not hang the grader.
constexpr std::chrono::milliseconds drain_grace{200};
// Without a pidfd the child's exit is noticed at this period at worst.
constexpr std::chrono::milliseconds exit_check_interval{20};

// The children run_isolated() is running, for the interrupt handler: a slot holds a child's
// pid (also its process group id), negated for a child that stops its own children on SIGTERM,
// or 0. Lock-free atomics are all a signal handler may touch. More children than this at once
// would be a grader far beyond --jobs; the surplus is simply not tracked.
constexpr std::size_t tracked_children_capacity = 256;
std::array<std::atomic<pid_t>, tracked_children_capacity> running_children{};
static_assert(std::atomic<pid_t>::is_always_lock_free);

// Threads between fork() and putting the child in running_children. The handler waits for
// them (a thread in that window has the interrupt signals blocked, so it is never the one
// running the handler): otherwise a child forked just before the signal would be missed.
std::atomic<int> forks_in_flight{0};
static_assert(std::atomic<int>::is_always_lock_free);

// How long an interrupted grader waits for a child grader to stop its own children, and at
// most for a fork in flight (which takes microseconds).
constexpr int graceful_stop_ticks = 250;
constexpr long graceful_stop_tick_ns = 20'000'000;  // 250 × 20 ms = 5 s
constexpr int fork_wait_ticks = 250;
constexpr long fork_wait_tick_ns = 1'000'000;  // 250 × 1 ms

// The signals that mean "stop" (stop_children_when_interrupted).
sigset_t interrupt_signals() {
    sigset_t signals;
    sigemptyset(&signals);
    for (const int signal : {SIGINT, SIGTERM, SIGHUP}) {
        sigaddset(&signals, signal);
    }
    return signals;
}

/// The interrupt signals, blocked in this thread while this lives.
class InterruptsBlocked {
  public:
    InterruptsBlocked() {
        const sigset_t interrupts = interrupt_signals();
        ::pthread_sigmask(SIG_BLOCK, &interrupts, &previous_);
    }
    InterruptsBlocked(const InterruptsBlocked&) = delete;
    InterruptsBlocked& operator=(const InterruptsBlocked&) = delete;
    ~InterruptsBlocked() { ::pthread_sigmask(SIG_SETMASK, &previous_, nullptr); }

  private:
    sigset_t previous_{};
};

/// Keeps a child in running_children while it runs (the slot is freed when this ends).
class RunningChildSlot {
  public:
    RunningChildSlot(pid_t pid, bool stops_its_children) {
        const pid_t entry = stops_its_children ? -pid : pid;
        for (std::size_t i = 0; i < running_children.size(); ++i) {
            pid_t free_slot = 0;
            if (running_children[i].compare_exchange_strong(free_slot, entry)) {
                index_ = i;
                return;
            }
        }
    }
    RunningChildSlot(const RunningChildSlot&) = delete;
    RunningChildSlot& operator=(const RunningChildSlot&) = delete;
    ~RunningChildSlot() {
        if (index_ < running_children.size()) {
            running_children[index_].store(0);
        }
    }

  private:
    std::size_t index_ = running_children.size();
};

// Async-signal-safe from here to the end: kill, waitpid, nanosleep, signal, raise.
extern "C" void stop_children_and_die(int signal) {
    for (int tick = 0; forks_in_flight.load() > 0 && tick < fork_wait_ticks; ++tick) {
        const timespec pause{0, fork_wait_tick_ns};
        ::nanosleep(&pause, nullptr);
    }
    bool waiting_for_graceful = false;
    for (auto& slot : running_children) {
        const pid_t entry = slot.load();
        if (entry > 0) {
            ::kill(-entry, SIGKILL);
        } else if (entry < 0) {
            ::kill(entry, SIGTERM);  // a negative pid names the group
            waiting_for_graceful = true;
        }
    }
    for (int tick = 0; waiting_for_graceful && tick < graceful_stop_ticks; ++tick) {
        const timespec pause{0, graceful_stop_tick_ns};
        ::nanosleep(&pause, nullptr);
        waiting_for_graceful = false;
        for (auto& slot : running_children) {
            const pid_t entry = slot.load();
            // 0: still running. Reaped here or by the thread that ran it (-1): it is gone.
            if (entry < 0 && ::waitpid(-entry, nullptr, WNOHANG) == 0) {
                waiting_for_graceful = true;
            }
        }
    }
    for (auto& slot : running_children) {
        const pid_t entry = slot.load();
        if (entry < 0) {
            ::kill(entry, SIGKILL);
        }
    }
    ::signal(signal, SIG_DFL);
    ::raise(signal);  // delivered when the handler returns: the grader dies of it
}

std::string system_error_text(int error) {
    return std::error_code(error, std::system_category()).message();
}

/// An owned file descriptor, closed once.
class FileDescriptor {
  public:
    FileDescriptor() = default;
    explicit FileDescriptor(int fd) : fd_(fd) {}
    FileDescriptor(FileDescriptor&& other) noexcept : fd_(std::exchange(other.fd_, -1)) {}
    FileDescriptor& operator=(FileDescriptor&& other) noexcept {
        if (this != &other) {
            reset();
            fd_ = std::exchange(other.fd_, -1);
        }
        return *this;
    }
    FileDescriptor(const FileDescriptor&) = delete;
    FileDescriptor& operator=(const FileDescriptor&) = delete;
    ~FileDescriptor() { reset(); }

    int get() const { return fd_; }
    bool valid() const { return fd_ >= 0; }
    void reset() {
        if (fd_ >= 0) {
            ::close(fd_);
            fd_ = -1;
        }
    }

  private:
    int fd_ = -1;
};

struct Pipe {
    FileDescriptor read_end, write_end;
};

// O_CLOEXEC from creation: a child that another grader thread forks concurrently must not keep
// our pipes open past its exec.
std::optional<Pipe> make_pipe() {
    int fds[2];
    if (::pipe2(fds, O_CLOEXEC) != 0) {
        return std::nullopt;
    }
    return Pipe{FileDescriptor(fds[0]), FileDescriptor(fds[1])};
}

/// Everything the child needs, prepared before fork: between fork and exec the child of a
/// multi-threaded process may only call async-signal-safe functions (no allocation).
struct ExecPlan {
    std::string program;
    std::vector<std::string> argument_storage;
    std::vector<std::string> environment_storage;
    std::vector<char*> argument_pointers;
    std::vector<char*> environment_pointers;
};

std::map<std::string, std::string> merged_environment(const ProcessSpec& spec) {
    std::map<std::string, std::string> merged;
    for (char** entry = environ; entry != nullptr && *entry != nullptr; ++entry) {
        const std::string_view text(*entry);
        const auto equals = text.find('=');
        if (equals != std::string_view::npos) {
            merged.emplace(std::string(text.substr(0, equals)),
                           std::string(text.substr(equals + 1)));
        }
    }
    for (const auto& [name, value] : spec.environment) {
        merged[name] = value;
    }
    return merged;
}

// The shell's rule: a name without '/' is looked up in PATH; the first executable file wins.
std::optional<std::string> resolve_program(const std::string& name,
                                           const std::map<std::string, std::string>& environment) {
    if (name.find('/') != std::string::npos) {
        return name;
    }
    const auto path = environment.find("PATH");
    const std::string_view directories =
        path != environment.end() ? std::string_view(path->second) : "/usr/local/bin:/usr/bin:/bin";
    std::size_t begin = 0;
    while (begin <= directories.size()) {
        auto end = directories.find(':', begin);
        if (end == std::string_view::npos) {
            end = directories.size();
        }
        std::string directory(directories.substr(begin, end - begin));
        const std::string candidate = (directory.empty() ? "." : directory) + "/" + name;
        if (::access(candidate.c_str(), X_OK) == 0) {
            return candidate;
        }
        begin = end + 1;
    }
    return std::nullopt;
}

ExecPlan make_exec_plan(const ProcessSpec& spec, std::string program,
                        const std::map<std::string, std::string>& environment) {
    ExecPlan plan;
    plan.program = std::move(program);
    plan.argument_storage = spec.argv;
    for (const auto& [name, value] : environment) {
        plan.environment_storage.push_back(name + "=" + value);
    }
    for (auto& argument : plan.argument_storage) {
        plan.argument_pointers.push_back(argument.data());
    }
    plan.argument_pointers.push_back(nullptr);
    for (auto& entry : plan.environment_storage) {
        plan.environment_pointers.push_back(entry.data());
    }
    plan.environment_pointers.push_back(nullptr);
    return plan;
}

/// The step of the child's setup that failed, sent to the parent with errno.
enum class ChildStep : int { setpgid, personality, rlimit, setuid, chdir, redirect, execve };

const char* step_name(ChildStep step) {
    switch (step) {
        case ChildStep::setpgid:
            return "setpgid";
        case ChildStep::personality:
            return "personality";
        case ChildStep::rlimit:
            return "setrlimit";
        case ChildStep::setuid:
            return "setuid";
        case ChildStep::chdir:
            return "chdir";
        case ChildStep::redirect:
            return "dup2";
        case ChildStep::execve:
            return "execve";
    }
    return "start";
}

struct ChildFailure {
    ChildStep step;
    int error;
};

[[noreturn]] void fail_in_child(int report_fd, ChildStep step) {
    const ChildFailure failure{step, errno};
    // A short write to a pipe of this size is atomic; nothing useful can be done if it fails.
    [[maybe_unused]] const auto written = ::write(report_fd, &failure, sizeof failure);
    ::_exit(127);
}

struct ChildFds {
    int stdin_fd, stdout_fd, stderr_fd, report_fd;
    int secret_fd;  ///< becomes fd 3; -1: none
};

/// The uid and gid a run of its own runs as (ProcessLimits::own_user).
struct OwnUser {
    uid_t uid;
    gid_t gid;
};

// The raw system calls: glibc's setuid() in a forked child of a multi-threaded process is not
// async-signal-safe (it signals the parent's other threads, which the child does not have).
bool become_user(OwnUser user) {
    return ::syscall(SYS_setgroups, 0, nullptr) == 0 && ::syscall(SYS_setgid, user.gid) == 0 &&
           ::syscall(SYS_setuid, user.uid) == 0;
}

// Runs in the forked child: only async-signal-safe calls from here to execve.
[[noreturn]] void become_check_process(const ExecPlan& plan, const ProcessLimits& limits,
                                       std::optional<OwnUser> own_user,
                                       const char* working_directory, ChildFds fds) {
    if (::setpgid(0, 0) != 0) {
        fail_in_child(fds.report_fd, ChildStep::setpgid);
    }
    // The grader's own signal state must not leak into the check: dispositions set to SIG_IGN
    // survive exec, and so does the signal mask.
    struct sigaction default_action {};
    default_action.sa_handler = SIG_DFL;
    for (int signal = 1; signal < NSIG; ++signal) {
        if (signal != SIGKILL && signal != SIGSTOP) {
            ::sigaction(signal, &default_action, nullptr);
        }
    }
    sigset_t nothing_blocked;
    sigemptyset(&nothing_blocked);
    ::sigprocmask(SIG_SETMASK, &nothing_blocked, nullptr);

    if (limits.disable_aslr) {
        const int current = ::personality(0xffffffff);
        if (current == -1 ||
            ::personality(static_cast<unsigned long>(current) | ADDR_NO_RANDOMIZE) == -1) {
            fail_in_child(fds.report_fd, ChildStep::personality);
        }
    }
    const auto set_limit = [&](int resource, rlim_t value) {
        // Never above the current hard limit: an unprivileged grader cannot raise it.
        struct rlimit current {};
        if (::getrlimit(resource, &current) == 0 && current.rlim_max != RLIM_INFINITY &&
            current.rlim_max < value) {
            value = current.rlim_max;
        }
        const struct rlimit limit { value, value };
        if (::setrlimit(resource, &limit) != 0) {
            fail_in_child(fds.report_fd, ChildStep::rlimit);
        }
    };
    set_limit(RLIMIT_CORE, 0);
    set_limit(RLIMIT_FSIZE, static_cast<rlim_t>(limits.file_size_bytes));
    if (limits.address_space_bytes) {
        set_limit(RLIMIT_AS, static_cast<rlim_t>(*limits.address_space_bytes));
    }
    if (own_user) {
        set_limit(RLIMIT_NPROC, static_cast<rlim_t>(limits.own_user_max_tasks));
        if (!become_user(*own_user)) {
            fail_in_child(fds.report_fd, ChildStep::setuid);
        }
    } else if (limits.max_processes) {
        set_limit(RLIMIT_NPROC, static_cast<rlim_t>(*limits.max_processes));
    }
    if (working_directory != nullptr && ::chdir(working_directory) != 0) {
        fail_in_child(fds.report_fd, ChildStep::chdir);
    }
    if (::dup2(fds.stdin_fd, STDIN_FILENO) < 0 || ::dup2(fds.stdout_fd, STDOUT_FILENO) < 0 ||
        ::dup2(fds.stderr_fd, STDERR_FILENO) < 0) {
        fail_in_child(fds.report_fd, ChildStep::redirect);
    }
    constexpr int secret_target = 3;
    if (fds.secret_fd == secret_target) {
        // dup2 onto itself would keep O_CLOEXEC
        if (::fcntl(secret_target, F_SETFD, 0) != 0) {
            fail_in_child(fds.report_fd, ChildStep::redirect);
        }
    } else if (fds.secret_fd >= 0 && ::dup2(fds.secret_fd, secret_target) < 0) {
        fail_in_child(fds.report_fd, ChildStep::redirect);
    }
    ::execve(plan.program.c_str(), plan.argument_pointers.data(), plan.environment_pointers.data());
    fail_in_child(fds.report_fd, ChildStep::execve);
}

/// One captured stream: keeps the first `cap` bytes and counts the rest.
class CapturedStream {
  public:
    CapturedStream(FileDescriptor fd, std::size_t cap) : fd_(std::move(fd)), cap_(cap) {}

    bool open() const { return fd_.valid(); }
    int fd() const { return fd_.get(); }

    /// Reads what is available now; closes the stream at end of file.
    void read_available() {
        std::array<char, 65536> buffer;
        while (fd_.valid()) {
            const ssize_t count = ::read(fd_.get(), buffer.data(), buffer.size());
            if (count > 0) {
                const auto received = static_cast<std::size_t>(count);
                if (text_.size() < cap_) {
                    text_.append(buffer.data(), std::min(received, cap_ - text_.size()));
                }
                total_ += received;
            } else if (count < 0 && errno == EINTR) {
                continue;
            } else if (count < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
                return;
            } else {
                fd_.reset();  // end of file, or an error: either way no more output comes
            }
        }
    }

    void close() { fd_.reset(); }

    bool truncated() const { return total_ > cap_; }

    std::string take_text() {
        if (truncated()) {
            text_ += "\n[pclab: output truncated after " + std::to_string(cap_) + " bytes]";
        }
        return std::move(text_);
    }

  private:
    FileDescriptor fd_;
    std::size_t cap_;
    std::string text_;
    std::size_t total_ = 0;
};

/// What /proc/PID/status says of a running process; a zombie has no VmRSS line.
struct StatusSample {
    std::optional<std::size_t> resident_bytes;
    std::size_t threads = 0;
};

StatusSample sample_status(pid_t pid) {
    std::ifstream status("/proc/" + std::to_string(pid) + "/status");
    StatusSample sample;
    std::string line;
    while (std::getline(status, line)) {
        try {
            if (line.rfind("VmRSS:", 0) == 0) {
                sample.resident_bytes =
                    static_cast<std::size_t>(std::stoull(line.substr(6))) * 1024;
            } else if (line.rfind("Threads:", 0) == 0) {
                sample.threads = static_cast<std::size_t>(std::stoull(line.substr(8)));
            }
        } catch (const std::exception&) {
            // a malformed line: that field stays unknown
        }
    }
    return sample;
}

/// Processes other than `child` in its process group or, when `uid` is given, owned by that
/// uid: what a run leaves behind. Reads /proc once; a process that ends meanwhile is skipped.
std::size_t count_processes_left(pid_t child, std::optional<uid_t> uid) {
    std::size_t count = 0;
    DIR* proc = ::opendir("/proc");
    if (proc == nullptr) {
        return 0;
    }
    while (const dirent* entry = ::readdir(proc)) {
        char* end = nullptr;
        const long pid = std::strtol(entry->d_name, &end, 10);
        if (*end != '\0' || pid <= 0 || pid == child) {
            continue;
        }
        const std::string directory = std::string("/proc/") + entry->d_name;
        // /proc/PID/stat: "pid (comm) state ppid pgrp ..."; comm may hold spaces and parentheses.
        std::ifstream stat_file(directory + "/stat");
        std::string text;
        std::getline(stat_file, text);
        const auto close = text.rfind(')');
        if (close == std::string::npos) {
            continue;  // ended meanwhile
        }
        std::istringstream fields(text.substr(close + 1));
        std::string state;
        long parent = 0, group = 0;
        if (!(fields >> state >> parent >> group) || state == "Z") {
            continue;  // a zombie is dead already; only its parent's wait removes it
        }
        struct stat owner {};
        if (group == child ||
            (uid && ::stat(directory.c_str(), &owner) == 0 && owner.st_uid == *uid)) {
            ++count;
        }
    }
    ::closedir(proc);
    return count;
}

// Each run of its own gets a uid nobody else uses: far above the ranges distributions hand out
// (< 2^16 for accounts, 100000+ for containers' subordinate ranges), different per grader
// process and per run, so two graders at once never share one.
OwnUser fresh_own_user() {
    static std::atomic<std::uint32_t> runs{0};
    constexpr std::uint32_t first = 0x60000000U;
    constexpr std::uint32_t span = 0x01000000U;
    const auto grader = static_cast<std::uint32_t>(::getpid());
    const std::uint32_t offset = (grader * 4099U + runs.fetch_add(1)) % span;
    return OwnUser{static_cast<uid_t>(first + offset), static_cast<gid_t>(first + offset)};
}

// True when anyone may run `program`: the file is executable by others and every directory on
// its absolute path searchable by others.
bool others_may_execute(const std::string& program) {
    std::error_code error;
    std::filesystem::path path = std::filesystem::absolute(program, error);
    if (error) {
        return false;
    }
    struct stat file {};
    if (::stat(path.c_str(), &file) != 0 || (file.st_mode & S_IXOTH) == 0) {
        return false;
    }
    for (path = path.parent_path(); !path.empty(); path = path.parent_path()) {
        struct stat directory {};
        if (::stat(path.c_str(), &directory) != 0 || (directory.st_mode & S_IXOTH) == 0) {
            return false;
        }
        if (path == path.root_path()) {
            break;
        }
    }
    return true;
}

// Whether this grader can become another user at all: root in the initial user namespace can;
// "root" inside an unprivileged user namespace (unshare -r) cannot set an unmapped uid. Probed
// once, by a child that tries.
}  // namespace

void stop_children_when_interrupted() {
    struct sigaction action {};
    action.sa_handler = stop_children_and_die;
    action.sa_mask = interrupt_signals();  // a second Ctrl-C waits for the first to finish
    for (const int signal : {SIGINT, SIGTERM, SIGHUP}) {
        struct sigaction previous {};
        // A signal the grader was started with ignored (nohup) stays ignored.
        if (::sigaction(signal, nullptr, &previous) == 0 && previous.sa_handler != SIG_IGN) {
            ::sigaction(signal, &action, nullptr);
        }
    }
}

bool own_user_available() {
    static const bool possible = [] {
        if (::geteuid() != 0) {
            return false;
        }
        const pid_t probe = ::fork();
        if (probe == 0) {
            ::_exit(become_user(fresh_own_user()) ? 0 : 1);
        }
        if (probe < 0) {
            return false;
        }
        int status = 0;
        while (::waitpid(probe, &status, 0) < 0 && errno == EINTR) {
        }
        return WIFEXITED(status) && WEXITSTATUS(status) == 0;
    }();
    return possible;
}

namespace {

// Kills every process of `user`, from a short-lived child that becomes that user and sends
// SIGKILL to all it may signal (kill(-1) spares only init and the sender). Repeated while any
// remain: a fork bomb forks between the kernel's visit of one process and the next.
void kill_every_process_of(OwnUser user) {
    constexpr int attempts = 20;
    for (int attempt = 0; attempt < attempts; ++attempt) {
        const pid_t killer = ::fork();
        if (killer == 0) {
            if (become_user(user)) {
                ::kill(-1, SIGKILL);
            }
            ::_exit(0);
        }
        if (killer < 0) {
            return;
        }
        int status = 0;
        while (::waitpid(killer, &status, 0) < 0 && errno == EINTR) {
        }
        if (count_processes_left(-1, user.uid) == 0) {
            return;
        }
    }
}

// A pidfd turns "the child exited" into a poll event; kernels before 5.3 lack it.
FileDescriptor open_pidfd(pid_t pid) {
#ifdef SYS_pidfd_open
    const long fd = ::syscall(SYS_pidfd_open, pid, 0);
    if (fd >= 0) {
        ::fcntl(static_cast<int>(fd), F_SETFD, FD_CLOEXEC);
        return FileDescriptor(static_cast<int>(fd));
    }
#endif
    (void)pid;
    return FileDescriptor();
}

// True once the child has terminated; it is left a zombie so that its pid, which is also the
// process group id, cannot be reused before the group is killed.
bool child_has_terminated(pid_t pid) {
    siginfo_t info{};
    while (::waitid(P_PID, static_cast<id_t>(pid), &info, WEXITED | WNOHANG | WNOWAIT) != 0) {
        if (errno != EINTR) {
            return true;  // no such child: nothing left to wait for
        }
    }
    return info.si_pid == pid;
}

int reap(pid_t pid) {
    int status = 0;
    while (::waitpid(pid, &status, 0) < 0) {
        if (errno != EINTR) {
            return 0;
        }
    }
    return status;
}

void set_nonblocking(int fd) {
    ::fcntl(fd, F_SETFL, ::fcntl(fd, F_GETFL) | O_NONBLOCK);
}

}  // namespace

ProcessOutcome run_isolated(const ProcessSpec& spec) {
    const auto started = Clock::now();
    ProcessOutcome outcome;
    const auto fail_to_start = [&](std::string error) {
        outcome.end = ProcessEnd::failed_to_start;
        outcome.start_error = std::move(error);
        outcome.wall =
            std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now() - started);
        return outcome;
    };
    if (spec.argv.empty()) {
        return fail_to_start("no program given");
    }
    const auto environment = merged_environment(spec);
    const auto program = resolve_program(spec.argv.front(), environment);
    if (!program) {
        return fail_to_start("execve: " + spec.argv.front() + ": not found in PATH");
    }
    const ExecPlan plan = make_exec_plan(spec, *program, environment);
    const std::string working_directory = spec.working_directory.string();

    FileDescriptor dev_null(::open("/dev/null", O_RDONLY | O_CLOEXEC));
    if (!dev_null.valid()) {
        return fail_to_start("open /dev/null: " + system_error_text(errno));
    }
    auto stdout_pipe = make_pipe();
    auto stderr_pipe = make_pipe();
    auto report_pipe = make_pipe();
    if (!stdout_pipe || !stderr_pipe || !report_pipe) {
        return fail_to_start("pipe2: " + system_error_text(errno));
    }
    std::optional<Pipe> secret_pipe;
    if (!spec.secret_on_fd3.empty()) {
        secret_pipe = make_pipe();
        // A few dozen bytes: far below the pipe's buffer, so this write never blocks.
        if (!secret_pipe ||
            ::write(secret_pipe->write_end.get(), spec.secret_on_fd3.data(),
                    spec.secret_on_fd3.size()) != static_cast<ssize_t>(spec.secret_on_fd3.size())) {
            return fail_to_start("secret pipe: " + system_error_text(errno));
        }
        secret_pipe->write_end.reset();
    }
    std::optional<OwnUser> own_user;
    if (spec.limits.own_user && own_user_available() && others_may_execute(*program)) {
        own_user = fresh_own_user();
        if (!working_directory.empty() &&
            ::chown(working_directory.c_str(), own_user->uid, own_user->gid) != 0) {
            own_user.reset();
        }
    }
    outcome.own_user = own_user.has_value();

    // From the fork until the child is tracked, an interrupt waits (see forks_in_flight).
    std::optional<InterruptsBlocked> interrupts_blocked(std::in_place);
    forks_in_flight.fetch_add(1);
    const pid_t pid = ::fork();
    if (pid < 0) {
        forks_in_flight.fetch_sub(1);
        return fail_to_start("fork: " + system_error_text(errno));
    }
    if (pid == 0) {
        become_check_process(
            plan, spec.limits, own_user,
            working_directory.empty() ? nullptr : working_directory.c_str(),
            ChildFds{dev_null.get(), stdout_pipe->write_end.get(), stderr_pipe->write_end.get(),
                     report_pipe->write_end.get(), secret_pipe ? secret_pipe->read_end.get() : -1});
    }
    // Both sides set the group so that it exists before the parent may signal it; EACCES after
    // the child's exec is harmless.
    ::setpgid(pid, pid);
    const RunningChildSlot tracked(pid, spec.stops_its_children_on_sigterm);
    forks_in_flight.fetch_sub(1);
    interrupts_blocked.reset();
    dev_null.reset();
    if (secret_pipe) {
        secret_pipe->read_end.reset();
    }
    stdout_pipe->write_end.reset();
    stderr_pipe->write_end.reset();
    report_pipe->write_end.reset();

    // Here: the report pipe reaches end of file at the child's successful exec (O_CLOEXEC), or
    // carries the step that failed.
    ChildFailure failure{};
    ssize_t report_size;
    do {
        report_size = ::read(report_pipe->read_end.get(), &failure, sizeof failure);
    } while (report_size < 0 && errno == EINTR);
    if (report_size == static_cast<ssize_t>(sizeof failure)) {
        reap(pid);
        return fail_to_start(std::string(step_name(failure.step)) + ": " +
                             system_error_text(failure.error));
    }

    const auto& limits = spec.limits;
    CapturedStream out(std::move(stdout_pipe->read_end), limits.output_cap_bytes);
    CapturedStream err(std::move(stderr_pipe->read_end), limits.output_cap_bytes);
    set_nonblocking(out.fd());
    set_nonblocking(err.fd());
    const FileDescriptor pidfd = open_pidfd(pid);

    const auto deadline = started + limits.timeout;
    auto next_resident_check = started;
    std::optional<uid_t> own_uid;
    if (own_user) {
        own_uid = own_user->uid;
    }
    std::optional<ProcessEnd> killed_for;
    std::optional<Clock::time_point> drain_until;  // set once the child is reaped
    int status = 0;

    while (true) {
        const auto now = Clock::now();
        if (!drain_until) {
            if (now >= deadline) {
                killed_for = ProcessEnd::timed_out;
            } else if (limits.resident_bytes && now >= next_resident_check) {
                next_resident_check = now + resident_poll_interval;
                const StatusSample sample = sample_status(pid);
                outcome.peak_threads = std::max(outcome.peak_threads, sample.threads);
                if (sample.resident_bytes && *sample.resident_bytes > *limits.resident_bytes) {
                    killed_for = ProcessEnd::memory_exceeded;
                }
            }
            if (killed_for || child_has_terminated(pid)) {
                // Here: the child is running or a zombie, so its pid still names our group.
                outcome.processes_left = count_processes_left(pid, own_uid);
                ::kill(-pid, SIGKILL);
                if (own_user) {
                    kill_every_process_of(*own_user);
                }
                status = reap(pid);
                drain_until = Clock::now() + drain_grace;
            }
        }
        if (!out.open() && !err.open() && drain_until) {
            break;
        }
        if (drain_until && Clock::now() >= *drain_until) {
            break;
        }

        std::array<pollfd, 3> watched{};
        nfds_t count = 0;
        for (const CapturedStream* stream : {&out, &err}) {
            if (stream->open()) {
                watched[count++] = pollfd{stream->fd(), POLLIN, 0};
            }
        }
        if (pidfd.valid() && !drain_until) {
            watched[count++] = pollfd{pidfd.get(), POLLIN, 0};
        }
        auto wake_at = drain_until ? *drain_until : deadline;
        if (!drain_until && limits.resident_bytes) {
            wake_at = std::min(wake_at, next_resident_check);
        }
        if (!drain_until && !pidfd.valid()) {
            wake_at = std::min(wake_at, Clock::now() + exit_check_interval);
        }
        const auto wait = std::chrono::ceil<std::chrono::milliseconds>(wake_at - Clock::now());
        const int timeout_ms = static_cast<int>(std::max<std::int64_t>(0, wait.count()));
        if (::poll(watched.data(), count, timeout_ms) < 0 && errno != EINTR) {
            break;
        }
        out.read_available();
        err.read_available();
    }
    out.close();
    err.close();

    if (killed_for) {
        outcome.end = *killed_for;
    } else if (WIFEXITED(status)) {
        outcome.end = ProcessEnd::exited;
        outcome.exit_code = WEXITSTATUS(status);
    } else if (WIFSIGNALED(status)) {
        outcome.end = ProcessEnd::signalled;
        outcome.signal = WTERMSIG(status);
    }
    outcome.stdout_truncated = out.truncated();
    outcome.stderr_truncated = err.truncated();
    outcome.stdout_text = out.take_text();
    outcome.stderr_text = err.take_text();
    outcome.wall = std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now() - started);
    return outcome;
}

std::string signal_name(int signal) {
    switch (signal) {
        case SIGSEGV:
            return "SIGSEGV (segmentation fault)";
        case SIGABRT:
            return "SIGABRT (aborted)";
        case SIGBUS:
            return "SIGBUS (bus error)";
        case SIGFPE:
            return "SIGFPE (arithmetic error, e.g. division by zero)";
        case SIGILL:
            return "SIGILL (illegal instruction)";
        case SIGKILL:
            return "SIGKILL (killed)";
        case SIGTERM:
            return "SIGTERM (terminated)";
        case SIGINT:
            return "SIGINT (interrupted)";
        case SIGQUIT:
            return "SIGQUIT (quit)";
        case SIGHUP:
            return "SIGHUP (hangup)";
        case SIGPIPE:
            return "SIGPIPE (wrote to a closed pipe)";
        case SIGALRM:
            return "SIGALRM (alarm clock)";
        case SIGTRAP:
            return "SIGTRAP (trace trap)";
        case SIGSYS:
            return "SIGSYS (bad system call)";
        case SIGXCPU:
            return "SIGXCPU (CPU time limit exceeded)";
        case SIGXFSZ:
            return "SIGXFSZ (file size limit exceeded)";
        case SIGUSR1:
            return "SIGUSR1 (user signal 1)";
        case SIGUSR2:
            return "SIGUSR2 (user signal 2)";
        default:
            return "signal " + std::to_string(signal);
    }
}

}  // namespace pclab::grader
