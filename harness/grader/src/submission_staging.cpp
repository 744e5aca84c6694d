#include "submission_staging.hpp"

#include <functional>
#include <set>
#include <stdexcept>

#include "file_contents.hpp"

namespace pclab::grader {
namespace fs = std::filesystem;

fs::path submission_work_dir(const fs::path& root, const fs::path& submission) {
    const std::string absolute = fs::weakly_canonical(submission).string();
    const std::size_t hash = std::hash<std::string>{}(absolute);
    std::string name = submission.filename().string();
    if (name.empty() || name == "." || name == "..") {
        name = "submission";
    }
    return root / "build" / "submissions" / (name + "-" + std::to_string(hash % 1000000007U));
}

StagedSubmission stage_submission(const fs::path& submission, const std::vector<Lab>& labs,
                                  const fs::path& staging_root) {
    std::error_code error;
    if (!fs::is_directory(submission, error)) {
        throw std::runtime_error("--submission " + submission.string() +
                                 " is not a directory (it should hold the student files, on "
                                 "their own (result_list.hpp) or in the kit's layout "
                                 "(labs/01-shared-results/result_list.hpp))");
    }
    fs::create_directories(staging_root);

    StagedSubmission staged;
    staged.student_root = staging_root;
    std::set<std::string> staged_files;  // relative to staging_root
    std::set<std::string> used;          // relative to submission
    // Only regular files reached without a symlink: a symlinked file or directory (labs ->
    // the kit's solutions/, laid out alike) could point at the solution or the tests.
    const auto usable = [&](const fs::path& relative) {
        fs::path path = submission;
        for (const fs::path& part : relative) {
            path /= part;
            if (fs::is_symlink(fs::symlink_status(path, error))) {
                return false;
            }
        }
        return fs::is_regular_file(fs::symlink_status(path, error));
    };
    for (const Lab& lab : labs) {
        for (const std::string& file : lab.student_files) {
            const fs::path relative = fs::path("labs") / lab.directory_name / file;
            // The kit's layout first; else the file on its own, as students upload to
            // Gradescope (one queue.hpp for labs 03, 04 and 05).
            fs::path source = relative;
            if (!usable(source)) {
                source = fs::path(file).filename();
            }
            if (!usable(source)) {
                staged.missing[lab.id].push_back(relative.generic_string());
                continue;
            }
            fs::create_directories((staging_root / relative).parent_path());
            if (read_file(submission / source) != read_file(staging_root / relative)) {
                fs::copy_file(submission / source, staging_root / relative,
                              fs::copy_options::overwrite_existing);
            }
            staged_files.insert(relative.generic_string());
            used.insert(source.generic_string());
        }
    }

    std::vector<fs::path> stale;
    for (const auto& entry : fs::recursive_directory_iterator(staging_root, error)) {
        if (entry.is_regular_file() &&
            !staged_files.contains(
                entry.path().lexically_relative(staging_root).generic_string())) {
            stale.push_back(entry.path());
        }
    }
    for (const fs::path& file : stale) {
        fs::remove(file, error);
    }

    for (auto entry = fs::recursive_directory_iterator(
             submission, fs::directory_options::skip_permission_denied, error);
         entry != fs::recursive_directory_iterator(); entry.increment(error)) {
        if (error) {
            break;
        }
        // A symlink is never taken, not even one to a directory: it is listed as ignored.
        if (entry->is_directory() && !entry->is_symlink()) {
            const std::string name = entry->path().filename().string();
            if (name == ".git" || name == "build") {
                entry.disable_recursion_pending();
            }
            continue;
        }
        const std::string relative = entry->path().lexically_relative(submission).generic_string();
        if (!used.contains(relative)) {
            staged.ignored.push_back(relative);
        }
    }
    return staged;
}

}  // namespace pclab::grader
