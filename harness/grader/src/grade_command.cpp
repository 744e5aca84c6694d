#include "grade_command.hpp"

#include <algorithm>
#include <chrono>
#include <functional>
#include <iostream>
#include <iterator>
#include <map>
#include <random>
#include <set>

#include "build_tree.hpp"
#include "check_runner.hpp"
#include "explore_command.hpp"
#include "file_contents.hpp"
#include "grading_run.hpp"
#include "include_directives.hpp"
#include "lab_catalog.hpp"
#include "machine_calibration.hpp"
#include "report_output.hpp"
#include "submission_staging.hpp"
#include "sync_name_scan.hpp"

namespace pclab::grader {
namespace fs = std::filesystem;
namespace {

using Clock = std::chrono::steady_clock;

std::chrono::milliseconds since(Clock::time_point start) {
    return std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now() - start);
}

class UsageError : public std::runtime_error {
  public:
    using runtime_error::runtime_error;
};

// What `--impl` means for one lab: the build's directory name for it, and the files whose
// lines explanations should point at.
struct Implementation {
    std::string dir;
    std::vector<std::string> files;
};

Implementation implementation_for(const Lab& lab, const std::string& impl) {
    Implementation chosen;
    if (impl == "student" || impl == "solution") {
        chosen.dir = impl;
        chosen.files = lab.student_files;
        return chosen;
    }
    const std::string prefix = "unsafe:";
    if (impl.rfind(prefix, 0) != 0) {
        throw UsageError("--impl must be student, solution or unsafe:NAME, not '" + impl + "'");
    }
    const std::string name = impl.substr(prefix.size());
    const UnsafeVariant* variant = lab.find_variant(name);
    if (variant == nullptr) {
        std::string known;
        for (const UnsafeVariant& v : lab.unsafe_variants) {
            known += (known.empty() ? "" : ", ") + v.name;
        }
        throw UsageError("lab " + lab.id + " has no unsafe variant '" + name +
                         "'; its variants are: " + (known.empty() ? "(none)" : known));
    }
    chosen.dir = "unsafe-" + name;
    for (const auto& [student_file, variant_file] : variant->files) {
        chosen.files.push_back(variant_file);
    }
    chosen.files.insert(chosen.files.end(), lab.student_files.begin(), lab.student_files.end());
    return chosen;
}

// A location the classifier found in one of the implementation's files (a name relative to
// the lab directory, e.g. "result_list.hpp" or "unsafe/unsynchronised_vector.hpp"), as the path
// a student's clone of the kit has: labs/NN-slug/FILE. Reports link to it (GitHub annotations)
// and a student can open it as it stands. Other locations (a test or harness file, known by its
// base name only) are kept as they are.
std::string repository_relative(const Lab& lab, const Implementation& impl,
                                const std::string& file) {
    if (std::find(impl.files.begin(), impl.files.end(), file) == impl.files.end()) {
        return file;
    }
    return (fs::path("labs") / lab.directory_name / file).generic_string();
}

std::string replay_command(const GradeOptions& options, const Lab& lab, const CheckSpec& check,
                           std::uint64_t seed) {
    std::string command = "./pclab grade " + lab.id + " --impl " + shell_quote(options.impl);
    if (options.submission && !options.replay_in_kit) {
        command += " --submission " + shell_quote(fs::absolute(*options.submission).string());
    }
    return command + " --check " + check.name + " --seed " + std::to_string(seed);
}

// Runs one check in every build it lists and folds the runs into one result. A data race
// explains every other symptom of the same run (lost items, crashes), so it is reported
// first; otherwise the first failing build's verdict (in the order lab.json lists them)
// stands. The TSan build runs first: once it has reported a race the verdict is settled, and
// the other builds are skipped unless every build is wanted (`./pclab rates` measures each
// technique) — a racy variant's plain run often hangs until its timeout (measured: lab 02's
// no_synchronisation, 5 min of grading, 4.8 of them in three plain runs waiting to be killed).
//
// A run that ends as `deadlock` after the machine has become much slower than the timeout scale
// assumed is repeated at the new scale (rerun_at_new_scale); the new scale then serves the
// checks that follow. Not when the scale was given (--timeout-scale): that is a choice.
CheckResult grade_check(const GradeOptions& options, const Lab& lab, const CheckSpec& check,
                        const Implementation& impl, const std::map<std::string, BuildTree>& trees,
                        std::uint64_t seed, double& timeout_scale) {
    CheckResult result;
    result.name = check.name;
    result.explains = check.explains;
    result.builds = check.builds;
    result.max_score = check.points;
    result.hidden = check.hidden;
    result.gated_by_all = check.gated_by_all;
    const Clock::time_point start = Clock::now();

    std::vector<std::string> run_order;
    for (const std::string& flavour : check.builds) {
        if (options.builds.empty() || std::find(options.builds.begin(), options.builds.end(),
                                                flavour) != options.builds.end()) {
            run_order.push_back(flavour);
        }
    }
    std::stable_partition(run_order.begin(), run_order.end(),
                          [](const std::string& flavour) { return flavour == "tsan"; });
    std::map<std::string, Verdict> failures;  // by build flavour
    for (const std::string& flavour : run_order) {
        const bool race_reported = std::any_of(failures.begin(), failures.end(), [](const auto& f) {
            return f.second.category == Category::data_race;
        });
        if (race_reported && !options.every_build) {
            break;
        }
        CheckRunRequest request;
        request.lab = &lab;
        request.check = &check;
        request.tree = &trees.at(flavour);
        request.impl_dir = impl.dir;
        request.seed = seed;
        request.implementation_files = impl.files;
        request.timeout_scale = timeout_scale;
        if (flavour == "explore") {
            request.explore_replay_command = explore_command_line(
                lab.id, options.impl, options.replay_in_kit ? std::nullopt : options.submission);
        }
        std::cerr << "  " << check.name << " [" << flavour << "] ... " << std::flush;
        CheckRun run = run_check(request);
        if (!run.verdict.passed && run.verdict.category == Category::deadlock &&
            !options.timeout_scale) {
            const MachineCalibration now = calibrate_machine();
            if (rerun_at_new_scale(timeout_scale, now.timeout_scale)) {
                std::cerr << "deadlock at timeouts x" << timeout_scale
                          << ", but the machine has slowed down since (reference workload "
                          << now.measured.count() / 1000 << " ms): again at x" << now.timeout_scale
                          << " ... " << std::flush;
                timeout_scale = now.timeout_scale;
                request.timeout_scale = timeout_scale;
                run = run_check(request);
            }
        }
        result.explore_statistics.insert(result.explore_statistics.end(),
                                         run.explore_statistics.begin(),
                                         run.explore_statistics.end());
        std::cerr << (run.verdict.passed ? "passed" : "FAILED") << " ("
                  << static_cast<double>(run.wall.count()) / 1000.0 << " s)\n";
        if (!run.verdict.passed) {
            result.failed_builds[flavour] =
                run.verdict.category ? std::string(to_string(*run.verdict.category)) : "assertion";
            failures.emplace(flavour, run.verdict);
        }
    }
    std::optional<Verdict> failure;
    for (const std::string& flavour : check.builds) {
        const auto found = failures.find(flavour);
        if (found == failures.end()) {
            continue;
        }
        const bool is_race = found->second.category == Category::data_race;
        if (!failure || (is_race && failure->category != Category::data_race)) {
            failure = found->second;
            if (check.builds.size() > 1) {
                failure->message += "\n(" + flavour + " build)";
            }
        }
    }
    result.duration = since(start);
    result.passed = !failure.has_value();
    result.score = result.passed ? check.points : 0;
    if (failure) {
        result.category = failure->category ? std::string(to_string(*failure->category))
                                            : std::string("assertion");
        result.message = failure->message;
        result.seed = failure->seed ? failure->seed : std::optional<std::uint64_t>(seed);
        result.where = failure->where;
        if (result.where) {
            result.where->file = repository_relative(lab, impl, result.where->file);
        }
        result.replay_command = replay_command(options, lab, check, seed);
    }
    return result;
}

void fail_every_check(LabResult& lab_result, const std::vector<const CheckSpec*>& checks,
                      const std::string& category, const std::string& message) {
    lab_result.lab_error_category = category;
    lab_result.lab_error = message;
    for (const CheckSpec* check : checks) {
        CheckResult result;
        result.name = check->name;
        result.explains = check->explains;
        result.builds = check->builds;
        result.max_score = check->points;
        result.hidden = check->hidden;
        result.gated_by_all = check->gated_by_all;
        result.category = category;
        result.message = message;
        lab_result.checks.push_back(result);
    }
}

void fail_forbidden_include(LabResult& lab_result, const std::vector<const CheckSpec*>& checks,
                            const std::vector<std::string>& included) {
    std::string files;
    for (const std::string& file : included) {
        files += "\n  " + file;
    }
    fail_every_check(lab_result, checks, "forbidden-include",
                     "The code includes files from outside the labs, so no check ran. A student "
                     "file may include the standard library, <pclab/...> and the labs' own "
                     "files; it included:" +
                         files);
}

std::vector<const CheckSpec*> selected_checks(const Lab& lab, const GradeOptions& options) {
    const auto listed = [](const std::vector<std::string>& list, const std::string& item) {
        return list.empty() || std::find(list.begin(), list.end(), item) != list.end();
    };
    std::vector<const CheckSpec*> checks;
    for (const CheckSpec& check : lab.checks) {
        const bool in_builds =
            std::any_of(check.builds.begin(), check.builds.end(),
                        [&](const std::string& b) { return listed(options.builds, b); });
        if (listed(options.checks, check.name) && in_builds) {
            checks.push_back(&check);
        }
    }
    return checks;
}

}  // namespace

int run_grading(const GradeOptions& options, GradingRun& run) {
    const Clock::time_point start = Clock::now();
    std::vector<const Lab*> labs;
    LabCatalog catalog;
    try {
        catalog = LabCatalog::load(options.root);
        if (options.labs.empty()) {
            for (const Lab& lab : catalog.labs()) {
                if (options.impl.rfind("unsafe:", 0) == 0 &&
                    lab.find_variant(options.impl.substr(7)) == nullptr) {
                    continue;  // `--impl unsafe:X` alone grades the labs that have X
                }
                labs.push_back(&lab);
            }
            if (labs.empty()) {
                throw UsageError("no lab has an implementation called '" + options.impl + "'");
            }
        } else {
            for (const std::string& name : options.labs) {
                labs.push_back(&catalog.resolve(name));
            }
        }
        if (options.impl == "solution" && !catalog.has_solutions()) {
            throw UsageError(kNoSolutions);
        }
        for (const Lab* lab : labs) {
            implementation_for(*lab, options.impl);  // validates --impl before any build
            for (const std::string& name : options.checks) {
                if (lab->find_check(name) == nullptr && labs.size() == 1) {
                    throw UsageError("lab " + lab->id + " has no check '" + name + "'");
                }
            }
        }
        if (options.submission && options.impl != "student") {
            throw UsageError("--submission grades the student implementation; drop --impl");
        }
        for (const std::string& build : options.builds) {
            if (build != "plain" && build != "tsan" && build != "explore") {
                throw UsageError("--builds takes plain, tsan and/or explore, not '" + build + "'");
            }
        }
    } catch (const UsageError& error) {
        std::cerr << "pclab grade: " << error.what() << '\n';
        return kUsageError;
    } catch (const CatalogError& error) {
        std::cerr << "pclab grade: " << error.what() << '\n';
        return kUsageError;
    }

    run.seed = options.seed ? *options.seed : std::random_device{}();
    run.impl = options.impl;

    // The trees this grading needs.
    std::set<std::string> flavours;
    for (const Lab* lab : labs) {
        for (const CheckSpec* check : selected_checks(*lab, options)) {
            for (const std::string& flavour : check->builds) {
                if (options.builds.empty() ||
                    std::find(options.builds.begin(), options.builds.end(), flavour) !=
                        options.builds.end()) {
                    flavours.insert(flavour);
                }
            }
        }
    }
    std::map<std::string, BuildTree> trees;
    std::optional<StagedSubmission> staged;
    if (options.submission) {
        const fs::path base = submission_work_dir(options.root, *options.submission);
        try {
            staged = stage_submission(*options.submission, catalog.labs(), base / "staging");
        } catch (const std::exception& error) {
            std::cerr << "pclab grade: " << error.what() << '\n';
            return kUsageError;
        }
        for (const std::string& flavour : flavours) {
            // explore checks run a second program of the plain tree
            const std::string tree_name = flavour == "explore" ? "plain" : flavour;
            trees.emplace(flavour,
                          BuildTree::for_submission(options.root, flavour, base / tree_name,
                                                    staged->student_root));
        }
        for (const std::string& ignored : staged->ignored) {
            std::cerr << "pclab grade: ignored " << ignored
                      << " (not a student-editable file of the graded labs)\n";
        }
    } else {
        for (const std::string& flavour : flavours) {
            trees.emplace(flavour, BuildTree::for_kit(options.root, flavour));
        }
    }

    if (options.build) {
        for (const auto& [flavour, tree] : trees) {
            const BuildOutcome configured = configure(tree);
            if (!configured.succeeded) {
                std::cerr << configured.log << "\npclab grade: could not configure the " << flavour
                          << " build tree (" << tree.binary_dir.string()
                          << "); nothing was graded.\n";
                return kCouldNotGrade;
            }
            std::vector<std::string> lab_ids;
            for (const Lab* lab : labs) {
                lab_ids.push_back(lab->id);
            }
            const std::vector<std::string> missing = labs_missing_from_tree(
                read_file(tree.binary_dir / "CMakeCache.txt").value_or(""), lab_ids);
            if (!missing.empty()) {
                std::string listed;
                for (const std::string& id : missing) {
                    listed += (listed.empty() ? "" : ", ") + id;
                }
                std::cerr << "pclab grade: the " << tree.preset << " build tree ("
                          << tree.binary_dir.string()
                          << ") is configured for some labs only (PCLAB_LABS), without lab "
                          << listed << "; nothing was graded. Configure it for every lab:\n"
                          << "  cmake --preset " << tree.preset << " -DPCLAB_LABS=\n";
                return kCouldNotGrade;
            }
        }
    }

    if (options.timeout_scale) {
        run.timeout_scale = *options.timeout_scale;
    } else {
        const MachineCalibration calibration = calibrate_machine();
        run.timeout_scale = calibration.timeout_scale;
        std::cerr << "pclab grade: reference workload " << calibration.measured.count() / 1000
                  << " ms (" << kReferenceWorkload.count() / 1000
                  << " ms on the reference machine): check timeouts x" << run.timeout_scale << '\n';
    }
    std::cerr << "pclab grade: seed " << run.seed << ", implementation " << options.impl << '\n';
    double timeout_scale = run.timeout_scale;  // raised when the machine slows down mid-run
    for (const Lab* lab : labs) {
        const Implementation impl = implementation_for(*lab, options.impl);
        const std::vector<const CheckSpec*> checks = selected_checks(*lab, options);
        LabResult lab_result;
        lab_result.id = lab->id;
        lab_result.slug = lab->slug;
        lab_result.title = lab->title;
        lab_result.impl = options.impl;
        std::cerr << "lab " << lab->id << " " << lab->slug << '\n';

        if (staged && staged->missing.contains(lab->id)) {
            std::string files;
            for (const std::string& file : staged->missing.at(lab->id)) {
                files += (files.empty() ? "" : "; ") + fs::path(file).filename().string() +
                         " (looked for on its own and at " + file + ")";
            }
            fail_every_check(lab_result, checks, "missing-file",
                             "The submission lacks " + files +
                                 ", so this lab cannot be graded. Submit the file either way: "
                                 "on its own, or in the kit's layout.");
            run.labs.push_back(std::move(lab_result));
            continue;
        }

        // The student's files must use the lab's synchronisation names (pclab/sync.hpp): a
        // std::mutex or std::thread would run outside the explore scheduler.
        if (impl.dir == "student") {
            const fs::path student_root = staged ? staged->student_root : options.root;
            std::vector<ForbiddenSyncName> found;
            for (const std::string& file : lab->student_files) {
                const std::string shown = "labs/" + lab->directory_name + "/" + file;
                try {
                    const auto in_file = scan_sync_names_in_file(student_root / shown, shown);
                    found.insert(found.end(), in_file.begin(), in_file.end());
                } catch (const std::exception&) {
                    // unreadable or missing: the build reports it, in the compiler's words
                }
            }
            std::vector<std::string> leaving;
            for (const std::string& file : lab->student_files) {
                const std::string shown = "labs/" + lab->directory_name + "/" + file;
                const std::string text = read_file(student_root / shown).value_or("");
                for (const std::string& path :
                     includes_leaving_the_labs(text, "labs/" + lab->directory_name)) {
                    leaving.push_back(shown + ": #include " + path);
                }
            }
            if (!leaving.empty()) {
                fail_forbidden_include(lab_result, checks, leaving);
                run.labs.push_back(std::move(lab_result));
                continue;
            }
            if (!found.empty()) {
                fail_every_check(lab_result, checks, "std-sync-name",
                                 "The code names std synchronisation types directly, so no "
                                 "check ran:\n" +
                                     explain_forbidden_sync_names(found));
                run.labs.push_back(std::move(lab_result));
                continue;
            }
        }

        std::string build_error;
        std::set<std::string> lab_flavours;
        for (const CheckSpec* check : checks) {
            for (const std::string& flavour : check->builds) {
                if (trees.contains(flavour)) {
                    lab_flavours.insert(flavour);
                }
            }
        }
        for (const std::string& flavour : lab_flavours) {
            const BuildTree& tree = trees.at(flavour);
            const std::string target = tree.lab_target(lab->slug, impl.dir);
            if (options.build) {
                const BuildOutcome built = build_targets(tree, {target});
                if (!built.succeeded) {
                    build_error = built.first_error.empty() ? built.log : built.first_error;
                    const std::string in_student_file =
                        first_diagnostic_in(built.log, impl.files, {options.root.string() + "/"});
                    if (!in_student_file.empty() && in_student_file != build_error) {
                        build_error += "\nIn your file: " + in_student_file;
                    }
                    break;
                }
            } else if (!fs::exists(tree.lab_output_dir(lab->directory_name, impl.dir) /
                                   tree.program_name())) {
                std::cerr << "pclab grade: " << target << " is not built in "
                          << tree.binary_dir.string() << " (run without --no-build)\n";
                return kCouldNotGrade;
            }
        }
        if (!build_error.empty()) {
            fail_every_check(lab_result, checks, "compile-error",
                             "The code does not compile, so no check could run. The compiler's "
                             "first error:\n" +
                                 build_error);
            run.labs.push_back(std::move(lab_result));
            continue;
        }

        // What the student's files included, as the compiler saw it (macros, __has_include and
        // relative paths resolved): a reference solution or another student's file is refused.
        if (impl.dir == "student") {
            std::vector<std::string> outside;
            for (const std::string& flavour : lab_flavours) {
                const BuildTree& tree = trees.at(flavour);
                // hidden-checks/: the instructor's hidden tests, compiled with the student's
                // objects (their source files are in the dependency log too).
                std::vector<fs::path> allowed = {"/usr", options.root / "harness",
                                                 options.root / "labs",
                                                 options.root / "hidden-checks", tree.binary_dir};
                if (staged) {
                    allowed.push_back(staged->student_root);
                }
                for (std::string& file :
                     files_read_outside(tree,
                                        "labs/" + lab->directory_name + "/CMakeFiles/pclab-" +
                                            lab->slug + "-student-",
                                        allowed)) {
                    if (std::find(outside.begin(), outside.end(), file) == outside.end()) {
                        outside.push_back(std::move(file));
                    }
                }
            }
            if (!outside.empty()) {
                fail_forbidden_include(lab_result, checks, outside);
                run.labs.push_back(std::move(lab_result));
                continue;
            }
        }

        for (const CheckSpec* check : checks) {
            lab_result.checks.push_back(
                grade_check(options, *lab, *check, impl, trees, run.seed, timeout_scale));
        }
        run.labs.push_back(std::move(lab_result));
    }
    run.duration = since(start);
    return kGraded;
}

int grade(const GradeOptions& options) {
    std::vector<ReportFormat> formats;
    const ReportDestination destination{options.output, options.output_dir};
    try {
        formats = parse_report_formats(options.format);
    } catch (const std::invalid_argument& error) {
        std::cerr << "pclab grade: " << error.what() << '\n';
        return kUsageError;
    }
    if (const std::string problem = report_destination_problem(formats, destination);
        !problem.empty()) {
        std::cerr << "pclab grade: " << problem << '\n';
        return kUsageError;
    }

    GradingRun run;
    if (const int status = run_grading(options, run); status != kGraded) {
        return status;
    }
    if (!write_reports(run, formats, destination, options.colour)) {
        return kCouldNotGrade;
    }
    if (options.fail_under && !options.fail_under->reached_by(run.score(), run.max_score())) {
        std::cerr << "pclab grade: score " << run.score() << "/" << run.max_score()
                  << " is below --fail-under " << options.fail_under->describe() << '\n';
        return kBelowThreshold;
    }
    return kGraded;
}

}  // namespace pclab::grader
