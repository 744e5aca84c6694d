// The GoogleTest main() of every pclab test program (target pclab::testkit_main).
//
// Beyond GoogleTest's own main it: fixes the run's base seed (PCLAB_SEED, or a drawn one it
// announces), installs the SeedListener (every failure prints [pclab:seed] and a replay command)
// and, when PCLAB_TIMEOUT_MS is set, starts the Watchdog. When the grader passes a report key
// (pclab/report_digest.hpp) it reads it before any test code runs and seals the JSON report
// after the last test. A malformed PCLAB_SEED, PCLAB_TIMEOUT_MS or PCLAB_REPORT_KEY_FD is the
// harness's mistake, not the student's: it ends the run with status 2 and says which variable
// is wrong.
#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdlib>
#include <exception>
#include <fstream>
#include <iostream>
#include <iterator>
#include <optional>
#include <stdexcept>
#include <string>

#include "pclab/report_digest.hpp"
#include "pclab/testkit/seed.hpp"
#include "pclab/testkit/seed_listener.hpp"
#include "pclab/testkit/watchdog.hpp"

namespace {
constexpr int kBadEnvironmentStatus = 2;  // same as a usage error

// The grader's key, read whole from its descriptor, which is then closed: the tests that run
// afterwards find nothing there.
std::optional<std::string> take_report_key() {
    const char* variable = std::getenv(pclab::kReportKeyFdVariable.data());
    if (variable == nullptr) {
        return std::nullopt;
    }
    char* end = nullptr;
    const long fd = std::strtol(variable, &end, 10);
    if (*variable == '\0' || *end != '\0' || fd < 0) {
        throw std::runtime_error(std::string(pclab::kReportKeyFdVariable) + "='" + variable +
                                 "' is not a file descriptor");
    }
    std::string key;
    char buffer[256];
    for (ssize_t count; (count = ::read(static_cast<int>(fd), buffer, sizeof buffer)) != 0;) {
        if (count < 0) {
            throw std::runtime_error("cannot read the report key from descriptor " +
                                     std::to_string(fd));
        }
        key.append(buffer, static_cast<std::size_t>(count));
    }
    ::close(static_cast<int>(fd));
    return key;
}

// Writes <report>.digest beside the JSON report GoogleTest has just written.
void seal_report(const std::string& key) {
    const std::string output = GTEST_FLAG_GET(output);
    constexpr std::string_view json_prefix = "json:";
    if (output.rfind(json_prefix, 0) != 0) {
        return;
    }
    const std::string path = output.substr(json_prefix.size());
    std::ifstream report(path, std::ios::binary);
    const std::string text{std::istreambuf_iterator<char>(report),
                           std::istreambuf_iterator<char>()};
    std::ofstream(path + ".digest") << pclab::report_digest(key, text);
}
}  // namespace

int main(int argc, char** argv) {
    std::optional<std::string> report_key;
    try {
        report_key = take_report_key();
    } catch (const std::exception& error) {
        std::cerr << "pclab: " << error.what() << "\n";
        return kBadEnvironmentStatus;
    }
    ::testing::InitGoogleTest(&argc, argv);
    try {
        const std::uint64_t seed = pclab::testkit::base_seed();
        const auto budget = pclab::testkit::Watchdog::budget_from_environment();
        ::testing::UnitTest::GetInstance()->listeners().Append(
            new pclab::testkit::SeedListener(seed, argc > 0 ? argv[0] : "tests", std::cerr));
        std::optional<pclab::testkit::Watchdog> watchdog;
        if (budget) {
            watchdog.emplace(*budget);
        }
        const int status = RUN_ALL_TESTS();
        if (report_key) {
            seal_report(*report_key);
        }
        return status;
    } catch (const std::exception& error) {
        std::cerr << "pclab: " << error.what() << "\n";
        return kBadEnvironmentStatus;
    }
}
