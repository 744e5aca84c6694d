#include "fairness_command.hpp"

#include <signal.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <fstream>
#include <iomanip>
#include <iostream>
#include <map>
#include <sstream>

#include "grade_command.hpp"
#include "grading_run.hpp"
#include "lab_catalog.hpp"
#include "measurement_record.hpp"

namespace pclab::grader {
namespace fs = std::filesystem;
namespace {

/// Processes that spin on the CPU until the measurement ends (or the grader dies: each asks
/// the kernel for SIGKILL when its parent goes).
class BusyLoad {
  public:
    explicit BusyLoad(int processes) {
        for (int i = 0; i < processes; ++i) {
            const pid_t pid = ::fork();
            if (pid == 0) {
                ::prctl(PR_SET_PDEATHSIG, SIGKILL);
                volatile unsigned long spins = 0;
                for (;;) {
                    spins = spins + 1;
                }
            }
            if (pid > 0) {
                pids_.push_back(pid);
            }
        }
    }
    BusyLoad(const BusyLoad&) = delete;
    BusyLoad& operator=(const BusyLoad&) = delete;
    ~BusyLoad() {
        for (const pid_t pid : pids_) {
            ::kill(pid, SIGKILL);
            ::waitpid(pid, nullptr, 0);
        }
    }

  private:
    std::vector<pid_t> pids_;
};

struct CorrectImplementation {
    std::string label;                   ///< "solution" or the submission's directory name
    std::optional<fs::path> submission;  ///< absent: the kit's reference solution
};

struct LabTally {
    int runs = 0;
    int full_marks = 0;
    std::vector<std::string> lost;  ///< "run 7 (seed 7): check-name: category"
};

// The labs to grade a correct submission on: those of the labs asked for (all when none is)
// whose student files the submission holds (in the kit's layout). An alternative need not cover
// every lab — none is written for lab 06, whose one fast queue is the reference — and a lab it
// does not cover would only lose points as `missing-file`, which says nothing about fairness.
// Empty when it covers none of them: then it is not graded at all.
std::vector<std::string> labs_covered(const fs::path& root, const fs::path& submission,
                                      const std::vector<std::string>& asked) {
    const LabCatalog catalog = LabCatalog::load(root);
    std::vector<std::string> wanted;
    for (const std::string& name : asked) {
        wanted.push_back(catalog.resolve(name).id);
    }
    std::vector<std::string> covered;
    for (const Lab& lab : catalog.labs()) {
        const bool is_wanted =
            wanted.empty() || std::find(wanted.begin(), wanted.end(), lab.id) != wanted.end();
        const bool holds_every_file = std::all_of(
            lab.student_files.begin(), lab.student_files.end(), [&](const std::string& file) {
                return fs::is_regular_file(submission / "labs" / lab.directory_name / file);
            });
        if (is_wanted && holds_every_file) {
            covered.push_back(lab.id);
        }
    }
    return covered;
}

double median(std::vector<double> values) {
    if (values.empty()) {
        return 0;
    }
    std::sort(values.begin(), values.end());
    return values[values.size() / 2];
}

}  // namespace

int measure_fairness(const FairnessOptions& options) {
    if (options.runs < 1 || options.load < 0) {
        std::cerr << "pclab fairness: --runs must be at least 1 and --load at least 0\n";
        return kUsageError;
    }
    std::vector<CorrectImplementation> impls = {{"solution", std::nullopt}};
    std::vector<fs::path> submissions = options.submissions;
    if (submissions.empty()) {
        std::error_code error;
        for (const auto& entry :
             fs::directory_iterator(options.root / "solutions" / "alternatives", error)) {
            if (entry.is_directory()) {
                submissions.push_back(entry.path());
            }
        }
        std::sort(submissions.begin(), submissions.end());
    }
    for (const fs::path& submission : submissions) {
        impls.push_back({submission.filename().string(), submission});
    }

    const BusyLoad load(options.load);
    std::map<std::string, std::map<std::string, LabTally>> tallies;  // impl → lab → tally
    std::map<std::string, std::vector<double>> seconds;              // impl → per run
    std::vector<double> scales;
    // The page as it stands after `rounds` rounds: rewritten after each one, so a measurement
    // stopped early still leaves what it measured.
    const auto render = [&](int rounds) {
        std::ostringstream page;
        page << "# Fairness: correct code never loses a point {#fairness}\n\n"
             << measured_on_today() << " with\n\n    ./pclab fairness";
        for (const std::string& lab : options.labs) {
            page << ' ' << lab;
        }
        page << " --runs " << options.runs << " --first-seed " << options.first_seed << " --load "
             << options.load << "\n\nEach implementation was graded " << rounds
             << (rounds == options.runs
                     ? ""
                     : " (of the " + std::to_string(options.runs) + " asked for)")
             << " times in a row (every check of every build), seeds " << options.first_seed << ".."
             << options.first_seed + static_cast<std::uint64_t>(rounds) - 1 << ", while "
             << options.load
             << " busy process(es) spun on the CPU beside the grader at normal priority. Timeout "
                "scales the calibration chose: median "
             << std::fixed << std::setprecision(2) << median(scales) << ", max "
             << (scales.empty() ? 0.0 : *std::max_element(scales.begin(), scales.end()))
             << ".\n\n| Implementation | Lab | Full marks | Lost points (run, seed, check, "
                "category) "
                "|\n|---|---|---|---|\n";
        for (const CorrectImplementation& impl : impls) {
            for (const auto& [lab, tally] : tallies[impl.label]) {
                std::string lost;
                for (const std::string& entry : tally.lost) {
                    lost += (lost.empty() ? "" : "; ") + entry;
                }
                page << "| `" << impl.label << "` | " << lab << " | " << tally.full_marks << "/"
                     << tally.runs << " | " << (lost.empty() ? "—" : lost) << " |\n";
            }
        }
        page << "\n| Implementation | Grading time, median | slowest |\n|---|---|---|\n";
        for (const CorrectImplementation& impl : impls) {
            const auto& times = seconds[impl.label];
            if (times.empty()) {
                continue;  // not graded: it covers none of the labs asked for
            }
            page << "| `" << impl.label << "` | " << std::setprecision(1) << median(times)
                 << " s | " << *std::max_element(times.begin(), times.end()) << " s |\n";
        }
        return page.str();
    };

    // The labs each implementation is graded on, the same in every round.
    std::map<std::string, std::vector<std::string>> labs_of;
    for (const CorrectImplementation& impl : impls) {
        labs_of[impl.label] = impl.submission
                                  ? labs_covered(options.root, *impl.submission, options.labs)
                                  : options.labs;
    }

    for (int run_index = 0; run_index < options.runs; ++run_index) {
        const std::uint64_t seed = options.first_seed + static_cast<std::uint64_t>(run_index);
        for (const CorrectImplementation& impl : impls) {
            GradeOptions grade;
            grade.root = options.root;
            grade.labs = labs_of[impl.label];
            grade.impl = impl.submission ? "student" : "solution";
            grade.submission = impl.submission;
            grade.seed = seed;
            if (impl.submission && grade.labs.empty()) {
                continue;  // an alternative for none of the labs asked for
            }
            GradingRun run;
            if (const int status = run_grading(grade, run); status != kGraded) {
                return status;
            }
            seconds[impl.label].push_back(static_cast<double>(run.duration.count()) / 1000.0);
            scales.push_back(run.timeout_scale);
            for (const LabResult& lab : run.labs) {
                LabTally& tally = tallies[impl.label][lab.id + " " + lab.slug];
                ++tally.runs;
                tally.full_marks += lab.score() == lab.max_score() ? 1 : 0;
                for (const CheckResult& check : lab.checks) {
                    if (lab.awarded(check) != check.max_score) {
                        tally.lost.push_back("run " + std::to_string(run_index + 1) + " (seed " +
                                             std::to_string(seed) + "): " + check.name + ": " +
                                             lab.category_of(check));
                    }
                }
            }
            std::cerr << "pclab fairness: run " << run_index + 1 << "/" << options.runs << " "
                      << impl.label << ": " << run.score() << "/" << run.max_score() << '\n';
        }
        if (options.output) {
            std::ofstream(*options.output) << render(run_index + 1);
        }
    }

    const std::string page = render(options.runs);
    const bool fair = std::all_of(tallies.begin(), tallies.end(), [](const auto& by_lab) {
        return std::all_of(by_lab.second.begin(), by_lab.second.end(),
                           [](const auto& lab) { return lab.second.lost.empty(); });
    });
    if (options.output) {
        std::ofstream(*options.output) << page;
        std::cerr << "pclab fairness: written to " << options.output->string() << '\n';
    } else {
        std::cout << page;
    }
    return fair ? 0 : 1;
}

}  // namespace pclab::grader
