// What every end-to-end test of the grader shares: running `pclab-grader` as a user runs it,
// reading the JSON report it writes, and describing a run when an expectation fails.
#pragma once

#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <map>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "isolated_process.hpp"
#include "lab_catalog.hpp"

namespace pclab::end_to_end {

namespace fs = std::filesystem;

inline const fs::path kRoot = PCLAB_SOURCE_DIR;
inline const fs::path kScratch = PCLAB_SCRATCH_DIR;

// A grading of one lab takes seconds; ten minutes means the grader hangs.
inline constexpr std::chrono::minutes kGradingTimeout{10};

struct GraderRun {
    pclab::grader::ProcessOutcome outcome;
    nlohmann::json report;  // null when no report was written
};

/// Runs `pclab-grader --root <kit> ARGS...`; a `grade` also gets `--format json --output FILE`,
/// and FILE is parsed into the run's report. `environment` is added to the grader's own, and
/// the grader passes it on to every check process it starts.
inline GraderRun run_grader(std::vector<std::string> args,
                            const std::map<std::string, std::string>& environment = {}) {
    fs::create_directories(kScratch);
    // ctest runs several of these programs at once (one per lab's variants): one report each.
    const fs::path report = kScratch / ("report-" + std::to_string(::getpid()) + ".json");
    fs::remove(report);
    pclab::grader::ProcessSpec spec;
    spec.argv = {PCLAB_GRADER, "--root", kRoot.string()};
    spec.argv.insert(spec.argv.end(), args.begin(), args.end());
    if (!args.empty() && args.front() == "grade") {
        spec.argv.insert(spec.argv.end(), {"--format", "json", "--output", report.string()});
    }
    spec.environment = environment;
    spec.limits.timeout = kGradingTimeout;
    spec.limits.file_size_bytes = std::size_t{1} << 40;
    GraderRun run;
    run.outcome = pclab::grader::run_isolated(spec);
    std::ifstream in(report);
    if (in) {
        run.report = nlohmann::json::parse(in, nullptr, false);
    }
    return run;
}

inline std::string describe(const GraderRun& run) {
    return "exit " + std::to_string(run.outcome.exit_code) + "\nstderr:\n" +
           run.outcome.stderr_text + "\nreport:\n" + run.report.dump(2);
}

inline const pclab::grader::LabCatalog& catalog() {
    static const pclab::grader::LabCatalog loaded = pclab::grader::LabCatalog::load(kRoot);
    return loaded;
}

/// False in the student release (`./pclab release`), which ships neither solutions/ nor
/// hidden-checks/: tests that grade the reference solutions skip with `kNeedsSolutions`.
inline bool kit_has_solutions() {
    return fs::is_directory(kRoot / "solutions");
}
inline constexpr const char* kNeedsSolutions =
    "needs the reference solutions (solutions/), which the student release does not ship";

inline std::string read_text(const fs::path& path) {
    std::ifstream in(path);
    return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

}  // namespace pclab::end_to_end
