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
                                 " is not a directory (it should mirror the kit's layout, "
                                 "e.g. labs/01-shared-results/result_list.hpp)");
    }
    fs::create_directories(staging_root);

    StagedSubmission staged;
    staged.student_root = staging_root;
    std::set<std::string> taken;
    for (const Lab& lab : labs) {
        for (const std::string& file : lab.student_files) {
            const fs::path relative = fs::path("labs") / lab.directory_name / file;
            const fs::path source = submission / relative;
            // Only regular files: a symlink could point at the solution or the tests.
            if (!fs::is_regular_file(fs::symlink_status(source, error))) {
                staged.missing[lab.id].push_back(relative.generic_string());
                continue;
            }
            fs::create_directories((staging_root / relative).parent_path());
            if (read_file(source) != read_file(staging_root / relative)) {
                fs::copy_file(source, staging_root / relative,
                              fs::copy_options::overwrite_existing);
            }
            taken.insert(relative.generic_string());
        }
    }

    std::vector<fs::path> stale;
    for (const auto& entry : fs::recursive_directory_iterator(staging_root, error)) {
        if (entry.is_regular_file() &&
            !taken.contains(fs::relative(entry.path(), staging_root).generic_string())) {
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
        if (entry->is_directory()) {
            const std::string name = entry->path().filename().string();
            if (name == ".git" || name == "build") {
                entry.disable_recursion_pending();
            }
            continue;
        }
        const std::string relative = fs::relative(entry->path(), submission).generic_string();
        if (!taken.contains(relative)) {
            staged.ignored.push_back(relative);
        }
    }
    return staged;
}

}  // namespace pclab::grader
