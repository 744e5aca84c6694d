#pragma once

#include <chrono>
#include <cstddef>
#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace pclab::grader {

/// Resource limits for one check process and everything it starts.
struct ProcessLimits {
    /// Wall-clock budget; when it passes, the whole process group gets SIGKILL.
    std::chrono::milliseconds timeout{30000};
    /// Bytes kept per stream (stdout, stderr). The rest is still read, so the child never blocks
    /// on a full pipe, and discarded.
    std::size_t output_cap_bytes = 1 << 20;
    /// RLIMIT_AS of the child. Plain builds only: sanitizers reserve terabytes of address space.
    std::optional<std::size_t> address_space_bytes;
    /// Resident-set ceiling of the main child, polled about every 20 ms from /proc; above it the
    /// whole group is killed and the run ends memory_exceeded.
    std::optional<std::size_t> resident_bytes;
    /// RLIMIT_NPROC of the child: processes and threads of the grader's user, counted by the
    /// kernel across the whole user, so it bounds a fork bomb rather than sizing a check.
    /// Root is exempt from it (CAP_SYS_RESOURCE); see own_user.
    std::optional<std::size_t> max_processes;
    /// When the grader runs as root, run the child as a user of its own: a fresh numeric uid and
    /// gid that no account uses, no supplementary groups. Then
    /// - RLIMIT_NPROC applies and counts this run's processes and threads only
    ///   (own_user_max_tasks), so a fork or thread bomb stops at that many;
    /// - the child can write only where anybody may (its working directory is given to that
    ///   uid; /tmp): not the kit, its tests, its build trees or the grader's reports;
    /// - every process of that uid is killed when the run ends, also one that left the process
    ///   group with setsid().
    /// Only when others may execute the program (every directory on its path searchable by
    /// anyone); otherwise, and when the grader is not root, the run keeps the grader's user and
    /// ProcessOutcome::own_user says so.
    bool own_user = false;
    /// RLIMIT_NPROC of a run with its own user.
    std::size_t own_user_max_tasks = 512;
    /// RLIMIT_FSIZE of the child: no check may fill the disk.
    std::size_t file_size_bytes = 64u << 20;
    /// personality(ADDR_NO_RANDOMIZE) before exec: ThreadSanitizer cannot map its shadow memory
    /// on kernels with high mmap randomisation.
    bool disable_aslr = false;
};

/// What to run.
struct ProcessSpec {
    /// argv[0] is executed with execve (no shell). A name without '/' is searched in PATH.
    std::vector<std::string> argv;
    /// Added to, or overriding, the grader's own environment.
    std::map<std::string, std::string> environment;
    /// When not empty: the child finds these bytes on file descriptor 3, a pipe the grader has
    /// already closed for writing (so a read sees them, then end of file). Nothing else of the
    /// grader's reaches the child: a secret passed so never shows in its environment or
    /// arguments.
    std::string secret_on_fd3;
    /// Empty: the grader's working directory.
    std::filesystem::path working_directory;
    ProcessLimits limits;
    /// The child is a grader (or the kit's driver running one), which stops its own children
    /// when it gets SIGTERM. An interrupted grader sends it SIGTERM and waits for it to exit,
    /// where any other child gets SIGKILL: SIGKILL would leave the grandchildren running.
    bool stops_its_children_on_sigterm = false;
};

enum class ProcessEnd { exited, signalled, timed_out, memory_exceeded, failed_to_start };

/// How one run ended and what it printed.
struct ProcessOutcome {
    ProcessEnd end = ProcessEnd::failed_to_start;
    int exit_code = -1;  ///< meaningful when end == exited
    int signal = 0;      ///< meaningful when end == signalled
    /// Captured output, at most output_cap_bytes of each stream plus, when truncated, the note
    /// "\n[pclab: output truncated after N bytes]".
    std::string stdout_text, stderr_text;
    bool stdout_truncated = false, stderr_truncated = false;
    std::chrono::milliseconds wall{0};
    /// When end == failed_to_start: the step and the system error, e.g.
    /// "execve: No such file or directory".
    std::string start_error;
    /// The child ran as a user of its own (ProcessLimits::own_user was granted).
    bool own_user = false;
    /// Processes of the run other than the child that were still alive when it ended (or was
    /// killed), counted just before they were killed: members of its process group and, with
    /// own_user, every process of its uid. A fork bomb leaves hundreds; a correct check none.
    std::size_t processes_left = 0;
    /// The most threads the child was seen with (sampled with the resident set, so a burst
    /// between two samples can be missed).
    std::size_t peak_threads = 0;
};

/// Runs spec.argv as a child in a new process group with stdin from /dev/null, stdout and stderr
/// captured, core dumps off and the limits applied.
///
/// Guarantees:
/// - Returns only after the child has been reaped and its process group (with own_user: every
///   process of its uid) has been sent SIGKILL, so no grandchild outlives the call. A grandchild
///   that keeps the output pipes open delays the return by at most a short grace period after the
///   child ends.
/// - A child that cannot be started (missing program, bad working directory, ...) gives
///   end == failed_to_start with start_error set, never a guessed exit code.
/// - end == timed_out / memory_exceeded whenever the grader itself killed the run, even if the
///   child's own status says SIGKILL.
/// - The grader never receives SIGPIPE from this call.
///
/// Requires: spec.argv is not empty (otherwise failed_to_start).
/// Thread-safe: several threads may run processes at once. Blocks until the child is gone.
ProcessOutcome run_isolated(const ProcessSpec& spec);

/// Makes SIGINT, SIGTERM and SIGHUP stop every child that run_isolated() is running before
/// the grader dies of the signal. Those children live in process groups of their own, so a
/// Ctrl-C at the terminal (or a CI job cancelled with SIGTERM) reaches the grader alone; without
/// this an interrupted batch would leave its builds and checks running.
///
/// On the signal: each running child's group gets SIGKILL, except children with
/// stops_its_children_on_sigterm, which get SIGTERM and up to 5 s to exit (they stop their own
/// children the same way) before their group gets SIGKILL too. Then the grader dies of the
/// signal, as it would have without this, so its parent sees the same status.
///
/// Not covered: a process that left its group with setsid() (with own_user, the end of a normal
/// run kills those; an interrupt does not), and a child forked in the instant the signal arrives.
/// Call once, early in main(), before any thread starts.
void stop_children_when_interrupted();

/// True when runs can have a user of their own (ProcessLimits::own_user): the grader is root in
/// the initial user namespace (root inside `unshare -r` cannot become an unmapped uid). Probed
/// once per process by a child that tries.
bool own_user_available();

/// A signal's name and a plain meaning, e.g. "SIGSEGV (segmentation fault)";
/// "signal N" for a number it does not know.
std::string signal_name(int signal);

}  // namespace pclab::grader
