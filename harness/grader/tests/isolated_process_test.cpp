// Runs real processes: every test here forks. Timing assertions are generous and relative to
// the limits they test, never exact.
#include "isolated_process.hpp"

#include <poll.h>
#include <signal.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <cerrno>
#include <filesystem>
#include <fstream>
#include <future>
#include <regex>
#include <sstream>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#ifndef PCLAB_TEST_MEMORY_HOG
#error "PCLAB_TEST_MEMORY_HOG must name the memory_hog helper executable"
#endif

namespace pclab::grader {
namespace {

using namespace std::chrono_literals;

// Far above anything these children need, so that only a hang would reach it.
constexpr std::chrono::milliseconds generous_timeout = 20s;

ProcessSpec shell(const std::string& script) {
    ProcessSpec spec;
    spec.argv = {"/bin/sh", "-c", script};
    spec.limits.timeout = generous_timeout;
    return spec;
}

// Waits for the process to terminate. A process sent SIGKILL finishes dying asynchronously, so
// the wait is on the kernel's exit event (pidfd), bounded only to fail instead of hanging.
bool terminates_within(pid_t pid, std::chrono::milliseconds limit) {
    const long fd = ::syscall(SYS_pidfd_open, pid, 0);
    if (fd < 0) {
        return errno == ESRCH;
    }
    pollfd exit_event{static_cast<int>(fd), POLLIN, 0};
    const int ready = ::poll(&exit_event, 1, static_cast<int>(limit.count()));
    ::close(static_cast<int>(fd));
    return ready == 1;
}

bool is_running(pid_t pid) {
    return !terminates_within(pid, 0ms);
}

pid_t first_line_as_pid(const std::string& text) {
    std::istringstream lines(text);
    long pid = 0;
    lines >> pid;
    return static_cast<pid_t>(pid);
}

TEST(IsolatedProcess, ReportsTheExitCode) {
    const auto outcome = run_isolated(shell("echo out; echo err >&2; exit 3"));
    EXPECT_EQ(outcome.end, ProcessEnd::exited);
    EXPECT_EQ(outcome.exit_code, 3);
    EXPECT_EQ(outcome.stdout_text, "out\n");
    EXPECT_EQ(outcome.stderr_text, "err\n");
    EXPECT_FALSE(outcome.stdout_truncated);
    EXPECT_FALSE(outcome.stderr_truncated);
}

TEST(IsolatedProcess, ReportsTheSignalThatEndedTheChild) {
    const auto outcome = run_isolated(shell("kill -SEGV $$"));
    EXPECT_EQ(outcome.end, ProcessEnd::signalled);
    EXPECT_EQ(outcome.signal, SIGSEGV);
    EXPECT_EQ(signal_name(outcome.signal), "SIGSEGV (segmentation fault)");
}

TEST(IsolatedProcess, KillsTheWholeGroupAtTheTimeout) {
    auto spec = shell("sleep 1000 & echo $!; sleep 1000");
    spec.limits.timeout = 300ms;
    const auto outcome = run_isolated(spec);
    EXPECT_EQ(outcome.end, ProcessEnd::timed_out);
    EXPECT_GE(outcome.wall, 300ms);
    EXPECT_LT(outcome.wall, 10s);
    const pid_t grandchild = first_line_as_pid(outcome.stdout_text);
    ASSERT_GT(grandchild, 0) << "stdout: " << outcome.stdout_text;
    EXPECT_TRUE(terminates_within(grandchild, 5s))
        << "grandchild " << grandchild << " survived the timeout";
}

TEST(IsolatedProcess, KillsTheGroupWhenTheChildExits) {
    // The shell exits at once and leaves a background sleep in its group.
    const auto outcome = run_isolated(shell("sleep 1000 & echo $!"));
    EXPECT_EQ(outcome.end, ProcessEnd::exited);
    EXPECT_LT(outcome.wall, 10s);
    const pid_t grandchild = first_line_as_pid(outcome.stdout_text);
    ASSERT_GT(grandchild, 0) << "stdout: " << outcome.stdout_text;
    EXPECT_TRUE(terminates_within(grandchild, 5s))
        << "grandchild " << grandchild << " outlived the run";
}

TEST(IsolatedProcess, DoesNotWaitForAnEscapedProcessHoldingThePipe) {
    // The sleep leaves the group (setsid) and keeps the run's stderr open. head prints its pid
    // only once it has left, so the group kill at the shell's exit cannot catch it.
    const auto outcome = run_isolated(
        shell("(setsid sh -c 'echo $$; exec sleep 1000' &) | head -n 1; echo started"));
    const pid_t escaped = first_line_as_pid(outcome.stdout_text);
    ASSERT_GT(escaped, 0) << "stdout: " << outcome.stdout_text;
    EXPECT_TRUE(is_running(escaped)) << "the test did not set up an escaped process";
    ::kill(escaped, SIGKILL);
    EXPECT_EQ(outcome.end, ProcessEnd::exited);
    EXPECT_EQ(outcome.exit_code, 0);
    EXPECT_NE(outcome.stdout_text.find("started"), std::string::npos);
    EXPECT_LT(outcome.wall, 10s);
}

TEST(IsolatedProcess, CapsOutputAndKeepsReading) {
    auto spec = shell("head -c 50M /dev/zero; echo done >&2");
    spec.limits.output_cap_bytes = std::size_t{64} * 1024;
    const auto outcome = run_isolated(spec);
    EXPECT_EQ(outcome.end, ProcessEnd::exited);
    EXPECT_EQ(outcome.exit_code, 0) << "the writer must not die of a full or closed pipe";
    EXPECT_TRUE(outcome.stdout_truncated);
    const std::string note = "\n[pclab: output truncated after 65536 bytes]";
    EXPECT_EQ(outcome.stdout_text.size(), std::size_t{64} * 1024 + note.size());
    EXPECT_TRUE(outcome.stdout_text.ends_with(note));
    EXPECT_FALSE(outcome.stderr_truncated);
    EXPECT_EQ(outcome.stderr_text, "done\n");
}

TEST(IsolatedProcess, KillsAChildAboveTheResidentLimit) {
    ProcessSpec spec;
    spec.argv = {PCLAB_TEST_MEMORY_HOG, "8", "4096"};
    spec.limits.timeout = generous_timeout;
    spec.limits.resident_bytes = 64u << 20;
    const auto outcome = run_isolated(spec);
    EXPECT_EQ(outcome.end, ProcessEnd::memory_exceeded) << outcome.stdout_text;
    EXPECT_EQ(outcome.stdout_text.find("allocated 4096 MiB"), std::string::npos);
}

TEST(IsolatedProcess, AddressSpaceLimitMakesNewFail) {
    ProcessSpec spec;
    spec.argv = {PCLAB_TEST_MEMORY_HOG, "16", "4096"};
    spec.limits.timeout = generous_timeout;
    spec.limits.address_space_bytes = 256u << 20;
    const auto outcome = run_isolated(spec);
    EXPECT_EQ(outcome.end, ProcessEnd::exited);
    EXPECT_EQ(outcome.exit_code, 3);
    EXPECT_NE(outcome.stdout_text.find("bad_alloc after"), std::string::npos);
}

TEST(IsolatedProcess, FileSizeLimitStopsAWriter) {
    const auto file = std::filesystem::path(::testing::TempDir()) / "pclab_file_size_limit";
    auto spec = shell("exec head -c 2M /dev/zero > \"$0\"");
    spec.argv.push_back(file.string());
    spec.limits.file_size_bytes = 1u << 20;
    const auto outcome = run_isolated(spec);
    std::error_code ignored;
    const auto written = std::filesystem::file_size(file, ignored);
    std::filesystem::remove(file, ignored);
    EXPECT_EQ(outcome.end, ProcessEnd::signalled);
    EXPECT_EQ(outcome.signal, SIGXFSZ);
    EXPECT_LE(written, 1u << 20);
}

TEST(IsolatedProcess, DisablesCoreDumps) {
    const auto outcome = run_isolated(shell("ulimit -c"));
    EXPECT_EQ(outcome.stdout_text, "0\n");
}

TEST(IsolatedProcess, LimitsProcessesOnRequest) {
    // /proc rather than `ulimit`, whose flag for RLIMIT_NPROC differs between shells.
    auto spec = shell("exec grep 'Max processes' /proc/self/limits");
    spec.limits.max_processes = 123;
    const auto outcome = run_isolated(spec);
    EXPECT_TRUE(std::regex_search(outcome.stdout_text, std::regex(R"(Max processes +123 +123 )")))
        << outcome.stdout_text;
}

TEST(IsolatedProcess, ReadsStdinFromDevNull) {
    const auto outcome = run_isolated(shell("cat; echo end of input"));
    EXPECT_EQ(outcome.end, ProcessEnd::exited);
    EXPECT_EQ(outcome.stdout_text, "end of input\n");
}

TEST(IsolatedProcess, ReportsAMissingProgramAsFailedToStart) {
    ProcessSpec spec;
    spec.argv = {"/nonexistent/pclab-check"};
    const auto outcome = run_isolated(spec);
    EXPECT_EQ(outcome.end, ProcessEnd::failed_to_start);
    EXPECT_EQ(outcome.start_error, "execve: No such file or directory");
}

TEST(IsolatedProcess, ReportsAMissingWorkingDirectoryAsFailedToStart) {
    auto spec = shell("true");
    spec.working_directory = "/nonexistent/pclab-directory";
    const auto outcome = run_isolated(spec);
    EXPECT_EQ(outcome.end, ProcessEnd::failed_to_start);
    EXPECT_EQ(outcome.start_error, "chdir: No such file or directory");
}

TEST(IsolatedProcess, RunsInTheWorkingDirectory) {
    auto spec = shell("pwd");
    spec.working_directory = "/tmp";
    EXPECT_EQ(run_isolated(spec).stdout_text, "/tmp\n");
}

TEST(IsolatedProcess, SearchesPathForAProgramWithoutSlash) {
    ProcessSpec spec;
    spec.argv = {"echo", "found"};
    const auto outcome = run_isolated(spec);
    EXPECT_EQ(outcome.end, ProcessEnd::exited);
    EXPECT_EQ(outcome.stdout_text, "found\n");
}

TEST(IsolatedProcess, PassesTheEnvironmentOnTopOfTheGradersOwn) {
    auto spec = shell("echo \"$PCLAB_SEED\"; test -n \"$PATH\" && echo inherited");
    spec.environment["PCLAB_SEED"] = "18446744073709551615";
    const auto outcome = run_isolated(spec);
    EXPECT_EQ(outcome.stdout_text, "18446744073709551615\ninherited\n");
}

TEST(IsolatedProcess, DisablesAddressRandomisationOnRequest) {
    constexpr unsigned long addr_no_randomize = 0x0040000;
    auto spec = shell("cat /proc/self/personality");
    spec.limits.disable_aslr = true;
    const auto outcome = run_isolated(spec);
    ASSERT_EQ(outcome.end, ProcessEnd::exited) << outcome.stderr_text;
    const unsigned long personality = std::stoul(outcome.stdout_text, nullptr, 16);
    EXPECT_NE(personality & addr_no_randomize, 0u) << outcome.stdout_text;

    std::ifstream own("/proc/self/personality");
    std::string own_text;
    own >> own_text;
    if ((std::stoul(own_text, nullptr, 16) & addr_no_randomize) == 0) {
        spec.limits.disable_aslr = false;
        const auto randomised = run_isolated(spec);
        EXPECT_EQ(std::stoul(randomised.stdout_text, nullptr, 16) & addr_no_randomize, 0u);
    }
}

TEST(IsolatedProcess, ConcurrentRunsDoNotHoldEachOthersPipes) {
    // If a slow child inherited a fast run's pipe, the fast run would wait for the slow child.
    auto slow_spec = shell("sleep 5");
    auto slow = std::async(std::launch::async, [&] { return run_isolated(slow_spec); });
    std::vector<std::future<ProcessOutcome>> fast;
    fast.reserve(16);
    for (int i = 0; i < 16; ++i) {
        fast.push_back(std::async(std::launch::async, [i] {
            auto spec = shell("echo $0");
            spec.argv.push_back(std::to_string(i));
            return run_isolated(spec);
        }));
    }
    for (int i = 0; i < 16; ++i) {
        const auto outcome = fast[static_cast<std::size_t>(i)].get();
        EXPECT_EQ(outcome.stdout_text, std::to_string(i) + "\n");
        EXPECT_LT(outcome.wall, 4s) << "run " << i << " waited for another run's child";
    }
    EXPECT_EQ(slow.get().end, ProcessEnd::exited);
}

TEST(SignalName, NamesCommonSignalsAndFallsBackToTheNumber) {
    EXPECT_EQ(signal_name(SIGABRT), "SIGABRT (aborted)");
    EXPECT_EQ(signal_name(SIGKILL), "SIGKILL (killed)");
    EXPECT_EQ(signal_name(SIGXFSZ), "SIGXFSZ (file size limit exceeded)");
    EXPECT_EQ(signal_name(200), "signal 200");
}

}  // namespace
}  // namespace pclab::grader
