// Taking a submission apart: only the files a lab declares student-editable are used.
//
// A submission directory holds student files in the kit's layout
// (labs/01-shared-results/result_list.hpp) or on their own (result_list.hpp, as students upload
// them to Gradescope), or a mix. Staging copies exactly the declared student files of every lab
// into a staging tree that mirrors the kit's layout (every lab's, not only the graded ones':
// labs 04 and 05 may forward to lab 03's queue.hpp); tests, harness and build files always come
// from the kit, so a submission cannot change what it is graded by. Everything else in the
// directory is listed as ignored.
#pragma once

#include <filesystem>
#include <map>
#include <string>
#include <vector>

#include "lab_catalog.hpp"

namespace pclab::grader {

/// The outcome of staging one submission for a set of labs.
struct StagedSubmission {
    std::filesystem::path student_root;  ///< Mirrors the repo layout; only student files.
    /// Lab id → the declared student files the submission lacks in both layouts (by their
    /// repo-relative path, labs/NN-slug/FILE).
    std::map<std::string, std::vector<std::string>> missing;
    /// Files in the submission that no lab took (relative to the submission).
    std::vector<std::string> ignored;
};

/// The directory under `root`/build/submissions where one submission's staging tree and build
/// trees live: one per submission path, so regrading it reuses its builds.
std::filesystem::path submission_work_dir(const std::filesystem::path& root,
                                          const std::filesystem::path& submission);

/// Makes `staging_root` hold exactly the student files of `labs` that `submission` has. For
/// each lab's student file FILE it takes `submission`/labs/NN-slug/FILE, else
/// `submission`/<file name of FILE> (one flat queue.hpp serves every lab that declares
/// queue.hpp); only regular files reached through no symlink count. A file whose bytes are already
/// staged is left alone (its time stamp too), so regrading an unchanged submission rebuilds
/// nothing; files the submission no longer has are removed. `missing` names a missing file by its
/// path in the kit's layout; `ignored` lists the submission's files that no lab took (.git and
/// build directories are not looked into).
/// Throws std::runtime_error when `submission` is not a readable directory.
StagedSubmission stage_submission(const std::filesystem::path& submission,
                                  const std::vector<Lab>& labs,
                                  const std::filesystem::path& staging_root);

}  // namespace pclab::grader
