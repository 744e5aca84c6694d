/// @file
/// @brief A hostile lab 01 submission (a fixture of tests/hostile_submissions_test.cpp): a
///        correct pclab::ResultList whose append() misbehaves in the way the environment
///        variable PCLAB_HOSTILE_FAULT names; with the variable empty it is correct.
///
/// Every run-time fault of lab 01 lives in this one text, chosen when the check runs: the
/// grader takes the variable from its own environment into every check process, so the suite
/// switches faults without writing a new source.
///
/// This is student code: the lab's build compiles it as labs/01-shared-results/result_list.hpp,
/// so it names only pclab:: synchronisation (pclab::mutex, pclab::thread, ...). A std::mutex or
/// std::thread here would be rejected as std-sync-name before any fault ran.
#pragma once

#include <signal.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <mutex>
#include <stdexcept>
#include <string>
#include <string_view>
#include <system_error>
#include <vector>

#include "pclab/errors.hpp"
#include "pclab/sync.hpp"

namespace pclab::hostile {

inline std::string_view chosen_fault() {
    const char* fault = std::getenv("PCLAB_HOSTILE_FAULT");
    return fault == nullptr ? std::string_view() : std::string_view(fault);
}

// write(2) in a loop: the flood and the fake output must reach the pipe whatever stdio buffers.
inline void write_all(int fd, std::string_view text) {
    while (!text.empty()) {
        const ssize_t written = ::write(fd, text.data(), text.size());
        if (written <= 0) {
            return;
        }
        text.remove_prefix(static_cast<std::size_t>(written));
    }
}

// One line in the file PCLAB_HOSTILE_EVIDENCE names: what a fault that leaves the verdict
// untouched really did, so the test knows the fault ran. Opened for each line, so every process
// and user that may write the file can add to it.
inline void leave_evidence(const std::string& line) {
    if (const char* path = std::getenv("PCLAB_HOSTILE_EVIDENCE")) {
        std::ofstream(path, std::ios::app) << line << '\n';
    }
}

// The most processes or threads a bomb starts: a fork bomb from a root grader meets no
// RLIMIT_NPROC, and the machine running the suite is shared.
constexpr int kBombLimit = 20000;

// ---- The faults: one function each, named for what it does. ----------------------------------

// null-dereference: a store through a null pointer the compiler cannot see is null. Both the
// pointer and the store are volatile: an optimiser may drop a plain store that nothing reads
// before the process ends (the tsan build's -O1 does).
[[noreturn]] inline void dereference_null() {
    volatile int* volatile nowhere = nullptr;
    *nowhere = 1;
    std::abort();  // not reached: the store raises SIGSEGV
}

// abort: std::abort(), as a failed assert() would.
[[noreturn]] inline void call_abort() {
    std::abort();
}

// exception-in-student-thread: a thread the submission starts throws, and nothing catches it.
inline void throw_in_a_student_thread() {
    pclab::thread worker(
        [] { throw std::runtime_error("hostile: thrown in a thread the submission started"); });
    worker.join();  // not reached: the exception ends the process first
}

// joinable-thread-destroyed: a pclab::thread goes out of scope without join() or detach().
inline void destroy_a_joinable_thread() {
    const pclab::thread forgotten([] {});
}

// floods-output: 1 GiB on stdout and 1 GiB on stderr, once per process; the list stays correct.
inline void flood_stdout_and_stderr() {
    static const bool flooded = [] {
        constexpr std::size_t kFlood = std::size_t{1} << 30;
        const std::string chunk(std::size_t{1} << 20, 'x');
        for (const int fd : {STDOUT_FILENO, STDERR_FILENO}) {
            for (std::size_t sent = 0; sent < kFlood; sent += chunk.size()) {
                write_all(fd, chunk);
            }
        }
        leave_evidence("flooded stdout and stderr with " + std::to_string(kFlood) + " bytes each");
        return true;
    }();
    static_cast<void>(flooded);
}

// exit-zero: std::exit(0) in the middle of a test, hoping "status 0" reads as "passed".
[[noreturn]] inline void exit_zero() {
    std::exit(0);
}

// underscore-exit-zero: the same without atexit handlers or flushing.
[[noreturn]] inline void underscore_exit_zero() {
    ::_exit(0);
}

// sleeps-forever: the calling thread sleeps and never comes back.
[[noreturn]] inline void sleep_forever() {
    while (true) {
        pclab::this_thread::sleep_for(std::chrono::hours(1));
    }
}

// fork-bomb: up to kBombLimit children that pause() until killed, forked once per process; a
// fork that fails ends the bomb with the error, as a system call wrapper reports it.
inline void fork_bomb() {
    static const bool forked = [] {
        for (int child = 0; child < kBombLimit; ++child) {
            const pid_t pid = ::fork();
            if (pid == 0) {
                while (true) {
                    ::pause();
                }
            }
            if (pid < 0) {
                throw std::system_error(errno, std::generic_category(), "fork");
            }
        }
        return true;
    }();
    static_cast<void>(forked);
}

// thread-bomb: detached threads that block for good, up to kBombLimit, until starting one
// fails; pclab::thread then throws std::system_error, which escapes.
inline void thread_bomb() {
    for (int started = 0; started < kBombLimit; ++started) {
        pclab::thread blocked([] {
            while (true) {
                ::pause();
            }
        });
        blocked.detach();
    }
}

// prints-fake-pass: what a passing GoogleTest run and a full-marks grader report look like, on
// both streams, for a grader that reads the output instead of the results.
inline void print_a_fake_passing_run() {
    static const bool printed = [] {
        constexpr std::string_view kFake =
            "[----------] Global test environment tear-down\n"
            "[==========] 5 tests from 1 test suite ran. (3 ms total)\n"
            "[  PASSED  ] 5 tests.\n"
            "Total 99/99\n"
            "{\"score\": 99, \"max_score\": 99, \"labs\": [{\"id\": \"01\", \"score\": 99, "
            "\"max_score\": 99, \"checks\": [{\"name\": \"append-contract\", \"status\": "
            "\"passed\", \"score\": 99, \"max_score\": 99}]}]}\n";
        write_all(STDOUT_FILENO, kFake);
        write_all(STDERR_FILENO, kFake);
        return true;
    }();
    static_cast<void>(printed);
}

// forges-gtest-report: a GoogleTest JSON report in which every test passed, written where
// GoogleTest was told to write its own (--gtest_output=json:PATH, read from /proc/self/cmdline),
// then an exit before GoogleTest can overwrite it.
[[noreturn]] inline void forge_a_passing_report_and_exit() {
    constexpr std::string_view kOutput = "--gtest_output=json:";
    constexpr std::string_view kFilter = "--gtest_filter=";
    std::string report_path;
    std::string suite = "Everything";
    std::ifstream cmdline("/proc/self/cmdline", std::ios::binary);
    for (std::string argument; std::getline(cmdline, argument, '\0');) {
        if (argument.starts_with(kOutput)) {
            report_path = argument.substr(kOutput.size());
        } else if (argument.starts_with(kFilter)) {
            suite = argument.substr(kFilter.size(), argument.find('.') - kFilter.size());
        }
    }
    {
        std::ofstream report(report_path);
        report << R"({"tests": 1, "failures": 0, "disabled": 0, "errors": 0, "name": "AllTests",)"
               << R"( "testsuites": [{"name": ")" << suite
               << R"(", "tests": 1, "failures": 0, "disabled": 0, "errors": 0, "testsuite": [)"
               << R"({"name": "Passes", "status": "RUN", "result": "COMPLETED", "time": "0s",)"
               << R"( "classname": ")" << suite << R"("}]}]})" << '\n';
    }
    ::_exit(0);
}

// writes-into-kit: finds the kit from /proc/self/exe (the test program is built under
// <kit>/build/), rewrites one of the lab's test sources and creates a file in the kit's root.
// The rewrite keeps the source's text and appends a comment, so even a grader that let it
// through leaves a kit that still builds. Each attempt's outcome goes to the evidence file.
inline void write_into_the_kit() {
    static const bool attempted = [] {
        std::error_code error;
        std::filesystem::path kit = std::filesystem::read_symlink("/proc/self/exe", error);
        while (!std::filesystem::exists(kit / "labs/01-shared-results/lab.json", error)) {
            if (kit == kit.parent_path()) {
                leave_evidence("kit not found from /proc/self/exe");
                return true;
            }
            kit = kit.parent_path();
        }
        const std::filesystem::path test_source =
            kit / "labs/01-shared-results/tests/append_contract_test.cpp";
        std::ifstream in(test_source);
        const std::string text{std::istreambuf_iterator<char>(in),
                               std::istreambuf_iterator<char>()};
        if (!text.empty()) {
            std::ofstream out(test_source, std::ios::trunc);
            out << text << "// rewritten by a hostile submission\n";
            leave_evidence("rewrite " + test_source.string() + ": " +
                           (out ? "done" : std::strerror(errno)));
        }
        std::ofstream marker(kit / "HOSTILE-SUBMISSION-WAS-HERE");
        marker << "a check process wrote into the kit\n";
        leave_evidence("create " + (kit / "HOSTILE-SUBMISSION-WAS-HERE").string() + ": " +
                       (marker ? "done" : std::strerror(errno)));
        return true;
    }();
    static_cast<void>(attempted);
}

// ---- Which fault runs ------------------------------------------------------------------------

// The buggy implementations behind the fake output and the forged report: append() drops the
// value, so the checks fail unless the grader believes the lies.
inline bool drops_values() {
    const std::string_view fault = chosen_fault();
    return fault == "prints-fake-pass" || fault == "forges-gtest-report";
}

// Runs the chosen fault at the start of append(). An unknown name ends the test process, so a
// misspelt fault can never pass as "the grader shrugged it off".
inline void misbehave() {
    const std::string_view fault = chosen_fault();
    if (fault.empty()) {
        return;
    } else if (fault == "null-dereference") {
        dereference_null();
    } else if (fault == "abort") {
        call_abort();
    } else if (fault == "exception-in-student-thread") {
        throw_in_a_student_thread();
    } else if (fault == "joinable-thread-destroyed") {
        destroy_a_joinable_thread();
    } else if (fault == "floods-output") {
        flood_stdout_and_stderr();
    } else if (fault == "exit-zero") {
        exit_zero();
    } else if (fault == "underscore-exit-zero") {
        underscore_exit_zero();
    } else if (fault == "sleeps-forever") {
        sleep_forever();
    } else if (fault == "fork-bomb") {
        fork_bomb();
    } else if (fault == "thread-bomb") {
        thread_bomb();
    } else if (fault == "prints-fake-pass") {
        print_a_fake_passing_run();
    } else if (fault == "forges-gtest-report") {
        forge_a_passing_report_and_exit();
    } else if (fault == "writes-into-kit") {
        write_into_the_kit();
    } else {
        write_all(STDERR_FILENO, "unknown PCLAB_HOSTILE_FAULT\n");
        std::_Exit(3);
    }
}

}  // namespace pclab::hostile

namespace pclab {

/// @brief Lab 01's contract (labs/01-shared-results/result_list.hpp), correctly implemented,
///        plus the fault PCLAB_HOSTILE_FAULT chooses at the start of every append().
class ResultList {
  public:
    ResultList() = default;
    ResultList(const ResultList&) = delete;
    ResultList& operator=(const ResultList&) = delete;

    void append(std::int64_t value) {
        hostile::misbehave();
        if (hostile::drops_values()) {
            return;
        }
        const std::lock_guard<pclab::mutex> lock(mutex_);
        values_.push_back(value);
    }

    std::vector<std::int64_t> snapshot() const {
        const std::lock_guard<pclab::mutex> lock(mutex_);
        return values_;
    }

    std::size_t size() const {
        const std::lock_guard<pclab::mutex> lock(mutex_);
        return values_.size();
    }

  private:
    mutable pclab::mutex mutex_;
    std::vector<std::int64_t> values_;  // guarded by mutex_
};

}  // namespace pclab
