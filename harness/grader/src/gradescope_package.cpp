#include "gradescope_package.hpp"

#include <unistd.h>

#include <algorithm>
#include <fstream>
#include <iostream>
#include <set>

#include "build_tree.hpp"
#include "grade_command.hpp"
#include "isolated_process.hpp"
#include "lab_catalog.hpp"

namespace pclab::grader {
namespace fs = std::filesystem;

namespace {

constexpr const char* kScripts[] = {"setup.sh", "run_autograder"};

bool excluded(const std::string& relative) {
    return relative.starts_with("solutions/") || relative.starts_with("build/");
}

// What git would commit: tracked files and untracked ones it does not ignore. Empty when git
// is missing or `root` is not a work tree.
std::vector<std::string> files_git_lists(const fs::path& root) {
    ProcessSpec spec;
    spec.argv = {"git", "-C",       root.string(), "ls-files",
                 "-z",  "--cached", "--others",    "--exclude-standard"};
    spec.limits.timeout = std::chrono::minutes(1);
    spec.limits.output_cap_bytes = std::size_t{64} << 20;
    const ProcessOutcome outcome = run_isolated(spec);
    std::vector<std::string> files;
    if (outcome.end != ProcessEnd::exited || outcome.exit_code != 0) {
        return files;
    }
    std::size_t start = 0;
    for (std::size_t end; (end = outcome.stdout_text.find('\0', start)) != std::string::npos;
         start = end + 1) {
        files.push_back(outcome.stdout_text.substr(start, end - start));
    }
    return files;
}

void add_files_under(const fs::path& root, const fs::path& directory, bool skip_dot_and_build,
                     std::set<std::string>& files) {
    std::error_code error;
    for (auto entry = fs::recursive_directory_iterator(directory, error);
         !error && entry != fs::recursive_directory_iterator(); entry.increment(error)) {
        const std::string name = entry->path().filename().string();
        if (entry->is_directory() && skip_dot_and_build &&
            (name.starts_with(".") || (entry.depth() == 0 && name == "build"))) {
            entry.disable_recursion_pending();
            continue;
        }
        if (entry->is_regular_file() && !entry->is_symlink()) {
            files.insert(fs::relative(entry->path(), root).generic_string());
        }
    }
}

}  // namespace

std::vector<std::string> bundle_files(const fs::path& root) {
    std::set<std::string> files;
    const std::vector<std::string> listed = files_git_lists(root);
    if (listed.empty()) {
        add_files_under(root, root, true, files);
    } else {
        files.insert(listed.begin(), listed.end());
    }
    if (fs::is_directory(root / "hidden-checks")) {
        add_files_under(root, root / "hidden-checks", false, files);
    }
    std::vector<std::string> kept;
    for (const std::string& file : files) {
        const fs::file_status status = fs::symlink_status(root / file);
        if (!excluded(file) && fs::is_regular_file(status)) {
            kept.push_back(file);
        }
    }
    return kept;
}

int package_gradescope(const fs::path& root, const fs::path& out,
                       const std::vector<std::string>& labs) {
    std::vector<std::string> ids;  // labs.txt, one per line; empty: every lab
    try {
        const LabCatalog catalog = LabCatalog::load(root);
        for (const std::string& lab : labs) {
            const std::string& id = catalog.resolve(lab).id;
            if (std::find(ids.begin(), ids.end(), id) == ids.end()) {
                ids.push_back(id);
            }
        }
    } catch (const CatalogError& error) {
        std::cerr << "pclab package: " << error.what() << '\n';
        return kUsageError;
    }
    std::string lab_ids;
    std::string lab_ids_on_one_line;
    for (const std::string& id : ids) {
        lab_ids += id + "\n";
        lab_ids_on_one_line += (lab_ids_on_one_line.empty() ? "" : " ") + id;
    }
    const fs::path target = fs::absolute(out);
    if (!fs::is_directory(target.parent_path())) {
        std::cerr << "pclab package: " << target.parent_path().string()
                  << " is not a directory; --out names the zip file to write\n";
        return kUsageError;
    }
    const fs::path scripts = root / "packaging" / "gradescope";
    for (const char* script : kScripts) {
        if (!fs::is_regular_file(scripts / script)) {
            std::cerr << "pclab package: " << (scripts / script).string()
                      << " is missing; the bundle's scripts come from there\n";
            return kUsageError;
        }
    }

    const std::vector<std::string> files = bundle_files(root);
    // One directory per run: two packagings at once must not share it.
    const fs::path staging =
        root / "build" / "package" / ("gradescope-" + std::to_string(::getpid()));
    std::error_code error;
    fs::remove_all(staging, error);
    try {
        fs::create_directories(staging / "kit");
        constexpr fs::perms kExecutable =
            fs::perms::owner_exec | fs::perms::group_exec | fs::perms::others_exec;
        for (const char* script : kScripts) {
            fs::copy_file(scripts / script, staging / script);
            fs::permissions(staging / script, kExecutable, fs::perm_options::add);
        }
        for (const std::string& file : files) {
            fs::create_directories((staging / "kit" / file).parent_path());
            fs::copy_file(root / file, staging / "kit" / file);  // keeps the permissions
        }
        if (!lab_ids.empty()) {
            std::ofstream(staging / "labs.txt") << lab_ids;
        }
    } catch (const fs::filesystem_error& failure) {
        std::cerr << "pclab package: cannot lay out the bundle in " << staging.string() << ": "
                  << failure.what() << '\n';
        return kCouldNotGrade;
    }

    fs::remove(target, error);
    std::vector<std::string> argv = {
        "cmake",          "-E", "tar", "cf", target.string(), "--format=zip", "setup.sh",
        "run_autograder", "kit"};
    if (!lab_ids.empty()) {
        argv.push_back("labs.txt");
    }
    const int status = run_in_terminal(argv, staging);
    fs::remove_all(staging, error);
    if (status != 0 || !fs::is_regular_file(target)) {
        std::cerr << "pclab package: cmake -E tar could not write " << target.string() << '\n';
        return kCouldNotGrade;
    }
    const bool hidden = std::any_of(files.begin(), files.end(), [](const std::string& file) {
        return file.starts_with("hidden-checks/");
    });
    std::cerr << "pclab package: wrote " << target.string()
              << ": setup.sh, run_autograder and the kit under kit/ (" << files.size()
              << " files; solutions/ left out; "
              << (hidden ? "hidden-checks/ included" : "no hidden-checks/") << "; grades "
              << (lab_ids.empty() ? std::string("every lab") : "labs " + lab_ids_on_one_line)
              << ")\n"
              << "pclab package: upload it as the autograder of a Gradescope programming "
                 "assignment (docs/gradescope.md)\n";
    return kGraded;
}

}  // namespace pclab::grader
