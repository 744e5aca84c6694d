#include "build_tree.hpp"

#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <iostream>
#include <sstream>

#include "isolated_process.hpp"

namespace pclab::grader {
namespace {

// A cold build of every lab target takes a few minutes on two cores; half an hour means the
// toolchain is stuck (or a student file keeps the compiler busy), not slow.
constexpr std::chrono::minutes kBuildTimeout{30};
// Compiler logs of a broken submission can be long; the first error is near the top.
constexpr std::size_t kBuildLogCap = 4u << 20;

// `explore` checks run each lab's exploration program, which the plain (dev) tree builds
// beside the test program: one tree, two programs.
std::string preset_for(const std::string& flavour) {
    if (flavour == "plain" || flavour == "explore") {
        return "dev";
    }
    if (flavour == "tsan") {
        return "tsan";
    }
    throw std::invalid_argument("unknown build flavour '" + flavour + "' (plain, tsan or explore)");
}

BuildOutcome run_captured(const std::vector<std::string>& argv,
                          const std::filesystem::path& working_directory,
                          const std::vector<std::string>& strip_prefixes) {
    echo_command(argv);
    ProcessSpec spec;
    spec.argv = argv;
    spec.working_directory = working_directory;
    spec.limits.timeout = kBuildTimeout;
    spec.limits.output_cap_bytes = kBuildLogCap;
    spec.limits.file_size_bytes = std::size_t{1} << 40;  // object files and archives are big
    // The compiler's diagnostics are read by the grader, not a terminal.
    spec.environment["GCC_COLORS"] = "";
    spec.environment["CLICOLOR_FORCE"] = "0";
    const ProcessOutcome outcome = run_isolated(spec);

    BuildOutcome result;
    result.log = outcome.stdout_text + outcome.stderr_text;
    result.succeeded = outcome.end == ProcessEnd::exited && outcome.exit_code == 0;
    if (outcome.end == ProcessEnd::failed_to_start) {
        result.log = "could not start " + argv.front() + ": " + outcome.start_error;
    } else if (outcome.end == ProcessEnd::timed_out) {
        result.log += "\n[pclab: the build did not finish within 30 minutes and was stopped]";
    }
    if (!result.succeeded) {
        result.first_error = first_compiler_error(result.log, strip_prefixes);
    }
    return result;
}

}  // namespace

BuildTree BuildTree::for_kit(const std::filesystem::path& root, const std::string& flavour) {
    BuildTree tree;
    tree.flavour = flavour;
    tree.preset = preset_for(flavour);
    tree.source_dir = root;
    tree.binary_dir = root / "build" / tree.preset;
    return tree;
}

BuildTree BuildTree::for_submission(const std::filesystem::path& root, const std::string& flavour,
                                    const std::filesystem::path& tree_dir,
                                    const std::filesystem::path& student_root) {
    BuildTree tree;
    tree.flavour = flavour;
    tree.preset = preset_for(flavour);
    tree.source_dir = root;
    tree.binary_dir = tree_dir;
    tree.cache_definitions = {
        "-DPCLAB_STUDENT_ROOT=" + student_root.string(),
        "-DPCLAB_IMPLS=student",
        "-DPCLAB_BUILD_GRADER=OFF",
    };
    return tree;
}

std::string BuildTree::program_name() const {
    return flavour == "explore" ? "explore" : "tests";
}

std::string BuildTree::lab_target(const std::string& lab_slug, const std::string& impl_dir) const {
    return "pclab-" + lab_slug + "-" + impl_dir + "-" + program_name();
}

std::filesystem::path BuildTree::lab_output_dir(const std::string& lab_directory_name,
                                                const std::string& impl_dir) const {
    return binary_dir / "labs" / lab_directory_name / impl_dir;
}

BuildOutcome configure(const BuildTree& tree, bool force) {
    if (!force && std::filesystem::exists(tree.binary_dir / "CMakeCache.txt")) {
        // Re-running cmake is cheap but noisy; ninja re-runs it by itself when a CMake
        // file or a lab.json changes.
        BuildOutcome already;
        already.succeeded = true;
        return already;
    }
    std::vector<std::string> argv = {"cmake", "--preset", tree.preset};
    if (tree.binary_dir != tree.source_dir / "build" / tree.preset) {
        argv.push_back("-B");
        argv.push_back(tree.binary_dir.string());
    }
    argv.insert(argv.end(), tree.cache_definitions.begin(), tree.cache_definitions.end());
    return run_captured(argv, tree.source_dir, {tree.source_dir.string() + "/"});
}

BuildOutcome build_targets(const BuildTree& tree, const std::vector<std::string>& targets) {
    BuildOutcome configured = configure(tree);
    if (!configured.succeeded) {
        return configured;
    }
    std::vector<std::string> argv = {"cmake", "--build", tree.binary_dir.string(), "--target"};
    argv.insert(argv.end(), targets.begin(), targets.end());
    return run_captured(argv, tree.source_dir, {tree.source_dir.string() + "/"});
}

std::vector<std::string> files_read_outside(
    const BuildTree& tree, const std::string& object_prefix,
    const std::vector<std::filesystem::path>& allowed_roots) {
    ProcessSpec spec;
    spec.argv = {"ninja", "-C", tree.binary_dir.string(), "-t", "deps"};
    spec.limits.timeout = std::chrono::minutes(1);
    spec.limits.output_cap_bytes = std::size_t{256} << 20;
    const ProcessOutcome outcome = run_isolated(spec);
    std::vector<std::string> outside;
    if (outcome.end != ProcessEnd::exited || outcome.exit_code != 0) {
        return outside;
    }
    // Compared as absolute, normalised text: "a/b/" is a prefix of "a/b/c" but not of "a/bc".
    std::vector<std::string> prefixes;
    for (const auto& root : allowed_roots) {
        std::error_code error;
        prefixes.push_back((std::filesystem::weakly_canonical(root, error) / "").string());
    }
    const auto is_allowed = [&](const std::string& file) {
        return std::any_of(prefixes.begin(), prefixes.end(),
                           [&](const std::string& prefix) { return file.rfind(prefix, 0) == 0; });
    };
    // The log: "<object>: #deps N, deps mtime ..." and then one indented dependency per line.
    std::istringstream lines(outcome.stdout_text);
    bool in_object = false;
    for (std::string line; std::getline(lines, line);) {
        if (line.empty()) {
            in_object = false;
        } else if (line.front() != ' ') {
            in_object = line.rfind(object_prefix, 0) == 0;
        } else if (in_object) {
            std::filesystem::path file = line.substr(line.find_first_not_of(' '));
            if (file.is_relative()) {
                file = tree.binary_dir / file;
            }
            std::error_code error;
            const std::string shown = std::filesystem::weakly_canonical(file, error).string();
            if (!is_allowed(shown) &&
                std::find(outside.begin(), outside.end(), shown) == outside.end()) {
                outside.push_back(shown);
            }
        }
    }
    return outside;
}

std::string first_diagnostic_in(const std::string& log, const std::vector<std::string>& files,
                                const std::vector<std::string>& strip_prefixes) {
    std::istringstream lines(log);
    for (std::string line; std::getline(lines, line);) {
        const bool diagnostic =
            line.find(": error:") != std::string::npos || line.find(": note:") != std::string::npos;
        const bool in_files = std::any_of(files.begin(), files.end(), [&](const std::string& file) {
            return line.find(file + ":") != std::string::npos;
        });
        if (diagnostic && in_files) {
            for (const std::string& prefix : strip_prefixes) {
                for (auto at = line.find(prefix); at != std::string::npos; at = line.find(prefix)) {
                    line.erase(at, prefix.size());
                }
            }
            return line;
        }
    }
    return "";
}

std::string first_compiler_error(const std::string& log,
                                 const std::vector<std::string>& strip_prefixes) {
    std::istringstream lines(log);
    std::string line;
    std::string fallback;
    while (std::getline(lines, line)) {
        const bool compiler_error = line.find(": error:") != std::string::npos ||
                                    line.find(": fatal error:") != std::string::npos;
        if (!compiler_error) {
            if (fallback.empty() &&
                (line.rfind("CMake Error", 0) == 0 || line.find("error:") != std::string::npos)) {
                fallback = line;
            }
            continue;
        }
        for (const std::string& prefix : strip_prefixes) {
            for (std::size_t at = line.find(prefix); at != std::string::npos;
                 at = line.find(prefix)) {
                line.erase(at, prefix.size());
            }
        }
        return line;
    }
    return fallback;
}

std::vector<std::string> labs_missing_from_tree(const std::string& cache_text,
                                                const std::vector<std::string>& lab_ids) {
    // The cache line: PCLAB_LABS:STRING=01;03 (the type may differ if set on a command line).
    std::istringstream lines(cache_text);
    std::string configured;
    for (std::string line; std::getline(lines, line);) {
        const auto colon = line.find(':');
        const auto equals = line.find('=');
        if (colon != std::string::npos && equals != std::string::npos && colon < equals &&
            line.compare(0, colon, "PCLAB_LABS") == 0) {
            configured = line.substr(equals + 1);
        }
    }
    std::vector<std::string> missing;
    if (configured.empty()) {
        return missing;  // every lab
    }
    std::vector<std::string> defined;
    std::istringstream ids(configured);
    for (std::string id; std::getline(ids, id, ';');) {
        defined.push_back(id);
    }
    for (const std::string& id : lab_ids) {
        if (std::find(defined.begin(), defined.end(), id) == defined.end()) {
            missing.push_back(id);
        }
    }
    return missing;
}

std::string shell_quote(const std::string& text) {
    if (!text.empty() &&
        text.find_first_not_of("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
                               "0123456789-_./:=@,") == std::string::npos) {
        return text;
    }
    std::string quoted = "'";
    for (const char c : text) {
        quoted += c == '\'' ? std::string("'\\''") : std::string(1, c);
    }
    return quoted + "'";
}

void echo_command(const std::vector<std::string>& argv) {
    std::string text = "+";
    for (const std::string& arg : argv) {
        const bool quote = arg.empty() || arg.find_first_of(" \t;'\"$") != std::string::npos;
        text += " " + (quote ? "'" + arg + "'" : arg);
    }
    std::cerr << text << '\n';
}

int run_in_terminal(const std::vector<std::string>& argv,
                    const std::filesystem::path& working_directory) {
    echo_command(argv);
    std::cout.flush();
    std::cerr.flush();
    const pid_t child = fork();
    if (child < 0) {
        std::perror("fork");
        return 127;
    }
    if (child == 0) {
        if (!working_directory.empty() && chdir(working_directory.c_str()) != 0) {
            std::perror("chdir");
            _exit(127);
        }
        std::vector<char*> args;
        args.reserve(argv.size() + 1);
        for (const std::string& arg : argv) {
            args.push_back(const_cast<char*>(arg.c_str()));
        }
        args.push_back(nullptr);
        execvp(args[0], args.data());
        std::perror(args[0]);
        _exit(127);
    }
    int status = 0;
    while (waitpid(child, &status, 0) < 0) {
        if (errno != EINTR) {
            return 127;
        }
    }
    if (WIFEXITED(status)) {
        return WEXITSTATUS(status);
    }
    return 128 + WTERMSIG(status);
}

}  // namespace pclab::grader
