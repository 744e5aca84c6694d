#include "check_runner.hpp"

#include <stdlib.h>
#include <unistd.h>

#include <iostream>
#include <mutex>
#include <optional>
#include <random>
#include <sstream>

#include <nlohmann/json.hpp>
#include <pclab/report_digest.hpp>

#include "file_contents.hpp"
#include "isolated_process.hpp"
#include "scratch_directory.hpp"

namespace pclab::grader {
namespace fs = std::filesystem;
namespace {

std::optional<nlohmann::json> parse_gtest_report(const std::optional<std::string>& text) {
    if (!text) {
        return std::nullopt;
    }
    nlohmann::json parsed = nlohmann::json::parse(*text, nullptr, /*allow_exceptions=*/false);
    if (parsed.is_discarded()) {
        return std::nullopt;
    }
    return parsed;
}

// A fresh key per run (pclab/report_digest.hpp): 128 bits from the system's entropy source.
std::string fresh_report_key() {
    std::random_device entropy;
    std::string key;
    for (int word = 0; word < 4; ++word) {
        char hex[9];
        std::snprintf(hex, sizeof hex, "%08x", static_cast<unsigned>(entropy()));
        key += hex;
    }
    return key;
}

// The statistics lines of pclab/explore/lab_exploration.hpp:
// `[explore] scenario=<s> strategy=<k> seed=<n> schedules=<n> failed=<0|1> seconds=<x>`.
std::vector<ExploreStatistic> explore_statistics(const std::string& output) {
    std::vector<ExploreStatistic> statistics;
    std::istringstream lines(output);
    for (std::string line; std::getline(lines, line);) {
        if (line.rfind("[explore] ", 0) != 0) {
            continue;
        }
        ExploreStatistic statistic;
        std::istringstream fields(line.substr(10));
        for (std::string field; fields >> field;) {
            const std::size_t equals = field.find('=');
            if (equals == std::string::npos) {
                continue;
            }
            const std::string key = field.substr(0, equals);
            const std::string value = field.substr(equals + 1);
            try {
                if (key == "scenario") {
                    statistic.scenario = value;
                } else if (key == "strategy") {
                    statistic.strategy = value;
                } else if (key == "schedules") {
                    statistic.schedules = static_cast<std::uint32_t>(std::stoul(value));
                } else if (key == "failed") {
                    statistic.failed = value == "1";
                } else if (key == "seconds") {
                    statistic.seconds = std::stod(value);
                }
            } catch (const std::exception&) {
                // a malformed number: the statistic keeps its default
            }
        }
        statistics.push_back(statistic);
    }
    return statistics;
}

}  // namespace

CheckRun run_check(const CheckRunRequest& request) {
    const bool tsan = request.tree->flavour == "tsan";
    const fs::path program =
        request.tree->lab_output_dir(request.lab->directory_name, request.impl_dir) /
        request.tree->program_name();
    const auto timeout = std::chrono::milliseconds(static_cast<std::int64_t>(
        static_cast<double>(request.check->timeout_seconds) * 1000.0 * request.timeout_scale));

    // The GoogleTest report and any files of the check program's own go here.
    const ScratchDirectory scratch("pclab-check");
    const fs::path report = scratch.path() / "gtest.json";

    ProcessSpec spec;
    spec.argv = {program.string(), "--gtest_filter=" + request.check->gtest_filter,
                 "--gtest_output=json:" + report.string(), "--gtest_color=no"};
    spec.working_directory = scratch.path();
    spec.environment["PCLAB_SEED"] = std::to_string(request.seed);
    const std::string report_key = fresh_report_key();
    spec.secret_on_fd3 = report_key;
    spec.environment[std::string(kReportKeyFdVariable)] = "3";
    spec.environment["PCLAB_TIMEOUT_MS"] = std::to_string(timeout.count());
    if (!request.explore_replay_command.empty()) {
        spec.environment["PCLAB_EXPLORE_REPLAY_COMMAND"] = request.explore_replay_command;
    }
    spec.limits.timeout = timeout;
    spec.limits.max_processes = kGraderUserProcessLimit;
    spec.limits.own_user = true;
    spec.limits.own_user_max_tasks = kCheckTaskLimit;
    if (tsan) {
        spec.environment["TSAN_OPTIONS"] = "halt_on_error=1:exitcode=66:second_deadlock_stack=1";
        spec.limits.disable_aslr = true;
        spec.limits.resident_bytes = request.memory.tsan_resident_bytes;
    } else {
        spec.limits.resident_bytes = request.check->memory_limit_mib > 0
                                         ? std::size_t(request.check->memory_limit_mib) << 20
                                         : request.memory.plain_resident_bytes;
        spec.limits.address_space_bytes = request.memory.plain_address_space_bytes;
    }

    const ProcessOutcome outcome = run_isolated(spec);
    const std::optional<std::string> report_text = read_file(report);
    const std::optional<std::string> digest = read_file(report.string() + ".digest");

    ClassifyContext context;
    context.report_sealed =
        report_text && digest && *digest == report_digest(report_key, *report_text);
    context.task_limit = outcome.own_user ? kCheckTaskLimit : kGraderUserProcessLimit;
    context.tsan_build = tsan;
    context.student_files = request.implementation_files;
    context.timeout = timeout;
    context.resident_limit_bytes = spec.limits.resident_bytes;

    CheckRun run;
    run.flavour = request.tree->flavour;
    run.wall = outcome.wall;
    run.verdict = classify_run(outcome, parse_gtest_report(report_text), context);
    run.own_user = outcome.own_user;
    if (::geteuid() == 0 && !outcome.own_user) {
        static std::once_flag warned;
        std::call_once(warned, [&] {
            const std::string reason =
                own_user_available()
                    ? "other users cannot execute " + program.string()
                    : "this grader cannot switch users (root inside a user namespace?)";
            std::cerr << "pclab: warning: checks run as root, because " << reason
                      << "; root ignores the process limit and may write the kit's files. Grade "
                         "from a directory everyone may read (chmod o+rx on each directory of "
                         "its path), as real root or as an unprivileged user "
                         "(docs/threat-model.md).\n";
        });
    }
    run.explore_statistics = explore_statistics(outcome.stdout_text);
    return run;
}

}  // namespace pclab::grader
