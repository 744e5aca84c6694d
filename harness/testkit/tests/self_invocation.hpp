// Runs this test program again as a subprocess, to observe what only a whole process shows:
// the real main(), the seed listener's output, the watchdog's report and exit status.
#pragma once

#include <sys/wait.h>

#include <array>
#include <cstdio>
#include <filesystem>
#include <stdexcept>
#include <string>

namespace pclab::testkit::test {

struct ProgramRun {
    int exit_status = -1;  // -1 if it did not exit normally
    std::string output;    // stdout and stderr, interleaved
};

// The subprocess starts from a clean slate (no inherited PCLAB_SEED / PCLAB_TIMEOUT_MS), then
// gets `environment` ("NAME=value NAME2=value2"). DISABLED_ tests are runnable by filter: they
// are the subprocess subjects, which never run in a normal pass.
inline ProgramRun run_this_program(const std::string& environment, const std::string& filter) {
    const std::string program = std::filesystem::read_symlink("/proc/self/exe").string();
    const std::string command =
        "env -u PCLAB_SEED -u PCLAB_TIMEOUT_MS " + environment + " '" + program +
        "' --gtest_also_run_disabled_tests --gtest_filter=" + filter + " 2>&1";
    FILE* pipe = ::popen(command.c_str(), "r");
    if (pipe == nullptr) {
        throw std::runtime_error("popen failed for: " + command);
    }
    ProgramRun run;
    std::array<char, 4096> buffer{};
    std::size_t read = 0;
    while ((read = std::fread(buffer.data(), 1, buffer.size(), pipe)) > 0) {
        run.output.append(buffer.data(), read);
    }
    const int status = ::pclose(pipe);
    if (status != -1 && WIFEXITED(status)) {
        run.exit_status = WEXITSTATUS(status);
    }
    return run;
}

inline std::string this_program() {
    return std::filesystem::read_symlink("/proc/self/exe").string();
}

}  // namespace pclab::testkit::test
