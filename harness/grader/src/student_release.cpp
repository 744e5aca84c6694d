#include "student_release.hpp"

#include <sys/stat.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <iostream>
#include <map>
#include <optional>
#include <sstream>

#include <nlohmann/json.hpp>

#include "build_tree.hpp"
#include "file_contents.hpp"
#include "grade_command.hpp"
#include "isolated_process.hpp"
#include "lab_catalog.hpp"
#include "release_content.hpp"

namespace pclab::grader {
namespace fs = std::filesystem;
namespace {

using Clock = std::chrono::steady_clock;

const fs::path kManifest = "release/exclude.txt";
// CI template in the kit → where the student copy gets it.
const std::vector<std::pair<fs::path, fs::path>> kCiTemplates = {
    {"release/github-workflow.yml", ".github/workflows/pclab.yml"},
    {"release/gitlab-ci.yml", ".gitlab-ci.yml"},
};
// Directories whose every file is instructor-only; the copy must have no path through them.
const std::vector<std::string> kInstructorDirectories = {"solutions", "hidden-checks"};
// Grading the stubs: each check throws NotImplemented at once, so minutes mean a hang.
constexpr std::chrono::minutes kGradeTimeout{30};

// Trouble that stops the release before anything is written; the message is printed as is.
class ReleaseError : public std::runtime_error {
  public:
    ReleaseError(int status, const std::string& message)
        : std::runtime_error(message), status_(status) {}
    int status() const { return status_; }

  private:
    int status_;
};

std::string seconds_text(Clock::duration elapsed) {
    const double seconds = std::chrono::duration<double>(elapsed).count();
    char buffer[32];
    std::snprintf(buffer, sizeof buffer, "%.0f s", seconds);
    return buffer;
}

// A file of the copy: its bytes (after Markdown stripping) or, for a symbolic link, its target.
struct ReleaseFile {
    std::string path;  // repo-relative, as git prints it
    std::string bytes;
    std::optional<fs::path> symlink_target;
    fs::perms permissions = fs::perms::owner_read | fs::perms::owner_write;
};

struct ReleasePlan {
    std::vector<ReleaseFile> files;
    std::size_t excluded = 0;
    std::size_t markdown_blocks = 0;
    std::size_t markdown_files = 0;
    std::vector<std::string> notes;  // files git lists that are not regular files on disk
};

// `git -C root ARGS...`; its stdout. Throws ReleaseError when git cannot run or fails, which
// means that `root` is not a git checkout.
std::string git_output(const fs::path& root, const std::vector<std::string>& args) {
    ProcessSpec spec;
    spec.argv = {"git", "-C", root.string()};
    spec.argv.insert(spec.argv.end(), args.begin(), args.end());
    spec.limits.timeout = std::chrono::minutes(1);
    spec.limits.output_cap_bytes = std::size_t{64} << 20;
    const ProcessOutcome outcome = run_isolated(spec);
    if (outcome.end == ProcessEnd::failed_to_start) {
        throw ReleaseError(kCouldNotGrade, "pclab release: cannot run git (" + outcome.start_error +
                                               "); the release is made from the files git tracks "
                                               "(sudo apt-get install git)");
    }
    if (outcome.end != ProcessEnd::exited || outcome.exit_code != 0) {
        std::string why = outcome.stderr_text.substr(0, outcome.stderr_text.find('\n'));
        throw ReleaseError(kCouldNotGrade,
                           "pclab release: " + root.string() + " is not a git checkout (git " +
                               args.front() + ": " + why +
                               "); the release is made from the files git tracks, so run it in "
                               "a clone of the kit");
    }
    return outcome.stdout_text;
}

// The paths git tracks in the checkout whose top directory is `root`. Throws ReleaseError when
// `root` is not the top of a git checkout (a kit unpacked inside another repository would
// otherwise give that repository's files under it: none).
std::vector<std::string> tracked_files(const fs::path& root) {
    std::string top = git_output(root, {"rev-parse", "--show-toplevel"});
    while (!top.empty() && (top.back() == '\n' || top.back() == '\r')) {
        top.pop_back();
    }
    std::error_code error;
    if (!fs::equivalent(top, root, error)) {
        throw ReleaseError(kCouldNotGrade,
                           "pclab release: " + root.string() +
                               " is not the top of a git checkout (git's work tree is " + top +
                               "); the release is made from the files the kit's own checkout "
                               "tracks, so run it in a clone of the kit");
    }
    const std::string listing = git_output(root, {"ls-files", "-z"});
    std::vector<std::string> paths;
    std::istringstream in(listing);
    for (std::string path; std::getline(in, path, '\0');) {
        if (!path.empty()) {
            paths.push_back(path);
        }
    }
    return paths;
}

std::string read_or_throw(const fs::path& file, const std::string& shown) {
    std::optional<std::string> text = read_file(file);
    if (!text) {
        throw ReleaseError(kCouldNotGrade, "pclab release: cannot read " + shown);
    }
    return *text;
}

// Everything the copy will hold, decided before anything is written.
ReleasePlan plan_release(const fs::path& root) {
    const std::vector<std::string> tracked = tracked_files(root);
    const ReleaseManifest manifest = [&] {
        const std::optional<std::string> text = read_file(root / kManifest);
        if (!text) {
            throw ReleaseError(kCouldNotGrade,
                               "pclab release: " + kManifest.string() +
                                   " is missing: it lists the instructor-only paths (one glob "
                                   "per line) that the student release leaves out");
        }
        try {
            return ReleaseManifest::parse(*text, kManifest.string());
        } catch (const std::invalid_argument& error) {
            throw ReleaseError(kCouldNotGrade, std::string("pclab release: ") + error.what());
        }
    }();

    ReleasePlan plan;
    for (const std::string& path : tracked) {
        if (manifest.excludes(path)) {
            ++plan.excluded;
            continue;
        }
        const fs::path source = root / path;
        std::error_code error;
        const fs::file_status status = fs::symlink_status(source, error);
        ReleaseFile file;
        file.path = path;
        if (fs::is_symlink(status)) {
            file.symlink_target = fs::read_symlink(source, error);
        } else if (fs::is_regular_file(status)) {
            file.bytes = read_or_throw(source, path);
            file.permissions = status.permissions();
            if (source.extension() == ".md") {
                try {
                    StrippedMarkdown stripped = strip_instructor_blocks(file.bytes, path);
                    if (stripped.blocks > 0) {
                        plan.markdown_blocks += stripped.blocks;
                        ++plan.markdown_files;
                        file.bytes = std::move(stripped.text);
                    }
                } catch (const std::invalid_argument& malformed) {
                    throw ReleaseError(kCouldNotGrade,
                                       std::string("pclab release: ") + malformed.what());
                }
            }
        } else {
            plan.notes.push_back(path + " is tracked but not a file in the working tree; left out");
            continue;
        }
        plan.files.push_back(std::move(file));
    }
    for (const auto& [from, to] : kCiTemplates) {
        ReleaseFile file;
        file.path = to.generic_string();
        file.bytes = read_or_throw(root / from, from.string() + " (a CI template of the release)");
        plan.files.push_back(std::move(file));
    }
    return plan;
}

void write_plan(const ReleasePlan& plan, const fs::path& out) {
    for (const ReleaseFile& file : plan.files) {
        const fs::path target = out / file.path;
        std::error_code error;
        fs::create_directories(target.parent_path(), error);
        if (file.symlink_target) {
            fs::create_symlink(*file.symlink_target, target, error);
        } else {
            std::ofstream stream(target, std::ios::binary);
            stream << file.bytes;
            stream.close();
            if (!stream) {
                throw ReleaseError(kCouldNotGrade,
                                   "pclab release: cannot write " + target.string());
            }
            fs::permissions(target, file.permissions, error);
        }
        if (error) {
            throw ReleaseError(kCouldNotGrade, "pclab release: cannot write " + target.string() +
                                                   ": " + error.message());
        }
    }
}

// Regular files under `directory`, keyed by their path relative to `base`.
std::map<std::string, fs::path> files_under(const fs::path& directory, const fs::path& base) {
    std::map<std::string, fs::path> files;
    std::error_code error;
    if (!fs::is_directory(directory, error)) {
        return files;
    }
    for (auto it = fs::recursive_directory_iterator(directory, error);
         !error && it != fs::recursive_directory_iterator(); it.increment(error)) {
        if (it->is_regular_file()) {
            files.emplace(it->path().lexically_relative(base).generic_string(), it->path());
        }
    }
    return files;
}

// One verification step's outcome, as the summary lists it.
struct Step {
    std::string name;
    bool passed = false;
    std::string detail;  // one line on success; the reasons on failure
};

void print_step(const Step& step) {
    std::cout << (step.passed ? "  ok      " : "  FAILED  ") << step.name << ": " << step.detail
              << '\n'
              << std::flush;
}

// Step 1: nothing of solutions/ or hidden-checks/ in the copy (release_content.hpp's rules).
Step verify_no_instructor_content(const fs::path& root, const fs::path& out) {
    Step step{"no instructor content", false, ""};
    InstructorLeakScan scan;
    for (const std::string& directory : kInstructorDirectories) {
        for (const auto& [label, path] : files_under(root / directory, root)) {
            scan.add_instructor_file(label, read_file(path).value_or(""));
        }
    }
    const std::map<std::string, fs::path> copied = files_under(out, out);
    for (const auto& [label, path] : copied) {
        const std::string extension = path.extension().string();
        // The labs' and the benchmark's C++ share idioms with the solutions by design (stubs
        // carry the contract, variants are near-solutions, the benchmark drives the same
        // queues), so their lines are not evidence of a leak; everything else is guarded.
        const bool shares_idioms = label.starts_with("labs/") || label.starts_with("bench/");
        if (shares_idioms && (extension == ".hpp" || extension == ".cpp")) {
            scan.add_student_side(read_file(path).value_or(""));
        }
    }
    std::vector<std::string> problems;
    for (const auto& [label, path] : copied) {
        for (const fs::path& part : fs::path(label)) {
            if (std::find(kInstructorDirectories.begin(), kInstructorDirectories.end(),
                          part.string()) != kInstructorDirectories.end()) {
                problems.push_back(label + ": a path through " + part.string() + "/");
                break;
            }
        }
        const std::string text = read_file(path).value_or("");
        const InstructorLeak leak = scan.scan(label, text);
        for (const std::string& same : leak.same_as) {
            problems.push_back(label + ": the same bytes as " + same);
        }
        for (const auto& [line, from] : leak.lines) {
            problems.push_back(label + ": a line of " + from + ": " + line);
        }
        if (path.extension() == ".md" && text.find("<!-- instructor") != std::string::npos) {
            problems.push_back(label + ": an instructor marker is left");
        }
    }
    step.passed = problems.empty();
    if (step.passed) {
        step.detail = std::to_string(copied.size()) + " files compared with " +
                      std::to_string(scan.instructor_files()) +
                      " instructor files: no equal file, no instructor-only line";
    } else {
        for (const std::string& problem : problems) {
            step.detail += "\n            " + problem;
        }
    }
    return step;
}

// Step 2: the copy configures and builds.
Step verify_builds(const fs::path& kit, const std::vector<std::string>& labs, bool build_all) {
    Step step{"configures and builds", false, ""};
    BuildTree tree = BuildTree::for_kit(kit, "plain");
    if (!labs.empty()) {
        std::string list;
        for (const std::string& lab : labs) {
            list += (list.empty() ? "" : ";") + lab;
        }
        tree.cache_definitions.push_back("-DPCLAB_LABS=" + list);
    }
    const Clock::time_point start = Clock::now();
    BuildOutcome outcome = configure(tree);
    if (outcome.succeeded) {
        outcome = build_targets(tree, {build_all ? "all" : "pclab-grader"});
    }
    step.passed = outcome.succeeded;
    const std::string what =
        build_all ? "every target" + (labs.empty() ? std::string() : " of the labs verified")
                  : "the grader (the grading below builds the rest it needs)";
    step.detail = "the dev preset, " + what + ", in " + tree.binary_dir.string() + " (" +
                  seconds_text(Clock::now() - start) + ")";
    if (!outcome.succeeded) {
        const std::string tail =
            outcome.log.size() > 4000 ? outcome.log.substr(outcome.log.size() - 4000) : outcome.log;
        step.detail += "\n" + (outcome.first_error.empty() ? tail : outcome.first_error);
    }
    return step;
}

// Step 3: the student's first command scores every stub 0, quickly.
Step verify_stubs_score_zero(const fs::path& kit, const fs::path& scratch,
                             const std::vector<std::string>& labs) {
    Step step{"./pclab grade scores the stubs 0", false, ""};
    const fs::path report = scratch / "stubs-report.json";
    ProcessSpec spec;
    spec.argv = {"bash", (kit / "pclab").string(), "grade"};
    spec.argv.insert(spec.argv.end(), labs.begin(), labs.end());
    for (const char* arg :
         {"--builds", "plain,explore", "--format", "json", "--output", report.c_str()}) {
        spec.argv.emplace_back(arg);
    }
    spec.working_directory = kit;
    spec.limits.timeout = kGradeTimeout;
    spec.limits.output_cap_bytes = std::size_t{16} << 20;
    spec.limits.file_size_bytes = std::size_t{1} << 40;
    spec.stops_its_children_on_sigterm = true;
    echo_command(spec.argv);
    const ProcessOutcome outcome = run_isolated(spec);
    const std::string took = seconds_text(outcome.wall);
    const nlohmann::json graded =
        nlohmann::json::parse(read_file(report).value_or(""), nullptr, false);
    if (outcome.end != ProcessEnd::exited || outcome.exit_code != 0 || !graded.is_object()) {
        step.detail = "the grading did not run to its report (exit " +
                      std::to_string(outcome.exit_code) + ", " + took + "):\n" +
                      outcome.stderr_text.substr(outcome.stderr_text.size() > 4000
                                                     ? outcome.stderr_text.size() - 4000
                                                     : 0);
        return step;
    }
    std::vector<std::string> problems;
    std::string scores;
    for (const auto& lab : graded.value("labs", nlohmann::json::array())) {
        const std::string id = lab.value("id", "?");
        scores += (scores.empty() ? "" : ", ") + id + " " + std::to_string(lab.value("score", -1)) +
                  "/" + std::to_string(lab.value("max_score", -1));
        if (lab.value("score", -1) != 0) {
            problems.push_back("lab " + id + " scored " + std::to_string(lab.value("score", -1)));
        }
        for (const auto& check : lab.value("checks", nlohmann::json::array())) {
            const nlohmann::json category = check.value("category", nlohmann::json());
            if (category != "not-implemented") {
                problems.push_back(
                    "lab " + id + " " + check.value("name", "?") + ": " +
                    (category.is_string() ? category.get<std::string>() : std::string("passed")) +
                    ", not not-implemented");
            }
        }
    }
    if (scores.empty()) {
        problems.push_back("the report has no labs");
    }
    step.passed = problems.empty();
    step.detail = "labs " + scores + " in " + took + " (plain and explore builds)";
    for (const std::string& problem : problems) {
        step.detail += "\n            " + problem;
    }
    return step;
}

// Step 4: the release has no solutions to grade, and says so.
Step verify_solution_refused(const fs::path& kit) {
    Step step{"--impl solution is refused", false, ""};
    ProcessSpec spec;
    spec.argv = {(kit / "build/dev/harness/grader/pclab-grader").string(),
                 "--root",
                 kit.string(),
                 "grade",
                 "--impl",
                 "solution",
                 "--no-build"};
    spec.limits.timeout = std::chrono::minutes(1);
    const ProcessOutcome outcome = run_isolated(spec);
    const bool said_why =
        outcome.stderr_text.find("the student release has no solutions") != std::string::npos;
    step.passed = outcome.end == ProcessEnd::exited && outcome.exit_code == kUsageError && said_why;
    step.detail = step.passed
                      ? "exit 2: " + outcome.stderr_text.substr(0, outcome.stderr_text.find('\n'))
                      : "exit " + std::to_string(outcome.exit_code) + ": " +
                            outcome.stderr_text.substr(0, 2000);
    return step;
}

}  // namespace

int write_student_release(const ReleaseOptions& options) {
    const fs::path root = fs::weakly_canonical(fs::absolute(options.root));
    const fs::path out = fs::weakly_canonical(fs::absolute(options.out));
    std::error_code error;
    if (fs::exists(out, error) && (!fs::is_directory(out, error) || !fs::is_empty(out, error))) {
        std::cerr << "pclab release: --out " << out.string()
                  << " exists and is not an empty directory; give a new directory (the release "
                     "never writes over files)\n";
        return kUsageError;
    }
    if (out == root || (out.string() + "/").starts_with(root.string() + "/solutions/")) {
        std::cerr << "pclab release: --out must not be the kit or lie in its solutions/\n";
        return kUsageError;
    }
    std::vector<std::string> verify_labs;
    try {
        const LabCatalog catalog = LabCatalog::load(root);
        for (const std::string& name : options.verify_labs) {
            verify_labs.push_back(catalog.resolve(name).id);
        }
    } catch (const CatalogError& catalog_error) {
        std::cerr << "pclab release: " << catalog_error.what() << '\n';
        return kUsageError;
    }

    ReleasePlan plan;
    try {
        plan = plan_release(root);
        fs::create_directories(out, error);
        if (error) {
            throw ReleaseError(kCouldNotGrade, "pclab release: cannot create " + out.string() +
                                                   ": " + error.message());
        }
        write_plan(plan, out);
    } catch (const ReleaseError& release_error) {
        std::cerr << release_error.what() << '\n';
        return release_error.status();
    }
    std::cout << "pclab release: wrote " << out.string() << '\n'
              << "  " << plan.files.size() << " files (the tracked files of " << root.string()
              << " and the CI templates), " << plan.excluded << " instructor-only files left out ("
              << kManifest.string() << "), " << plan.markdown_blocks
              << " instructor blocks removed from " << plan.markdown_files << " Markdown files\n";
    for (const auto& [from, to] : kCiTemplates) {
        std::cout << "  " << to.generic_string() << " from " << from.generic_string() << '\n';
    }
    for (const std::string& note : plan.notes) {
        std::cout << "  note: " << note << '\n';
    }
    if (!options.verify) {
        std::cout << "pclab release: not verified (--no-verify)\n";
        return 0;
    }

    std::cout << "pclab release: verifying the copy\n" << std::flush;
    std::vector<Step> steps;
    steps.push_back(verify_no_instructor_content(root, out));
    print_step(steps.back());

    // Steps 2-4 work on a scratch copy of the release, so that DIR holds no build tree.
    std::string pattern = (fs::temp_directory_path() / "pclab-release-verify-XXXXXX").string();
    if (::mkdtemp(pattern.data()) == nullptr) {
        std::cerr << "pclab release: cannot create a scratch directory in "
                  << fs::temp_directory_path().string() << '\n';
        return kCouldNotGrade;
    }
    const fs::path scratch = pattern;
    // Others may enter it: as root the grader runs each check as a user of its own, which must
    // reach the test programs (docs/threat-model.md).
    ::chmod(scratch.c_str(), 0755);
    const fs::path kit = scratch / "kit";
    fs::copy(out, kit, fs::copy_options::recursive | fs::copy_options::copy_symlinks, error);
    if (error) {
        std::cerr << "pclab release: cannot copy the release to " << kit.string() << ": "
                  << error.message() << '\n';
        return kCouldNotGrade;
    }
    steps.push_back(verify_builds(kit, verify_labs, options.verify_build_all));
    print_step(steps.back());
    if (steps.back().passed) {
        steps.push_back(verify_stubs_score_zero(kit, scratch, verify_labs));
        print_step(steps.back());
        steps.push_back(verify_solution_refused(kit));
        print_step(steps.back());
    }

    const auto failed =
        std::count_if(steps.begin(), steps.end(), [](const Step& step) { return !step.passed; });
    if (failed > 0) {
        std::cout << "pclab release: " << failed << " verification step" << (failed == 1 ? "" : "s")
                  << " FAILED (above); the scratch copy is kept in " << scratch.string() << '\n';
        return kReleaseNotVerified;
    }
    fs::remove_all(scratch, error);
    std::cout << "pclab release: verified; " << out.string()
              << " is ready to publish (e.g. as the students' template repository)\n";
    return 0;
}

}  // namespace pclab::grader
