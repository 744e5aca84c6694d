// `./pclab package gradescope --out FILE`: the kit as a Gradescope autograder bundle.
//
// Gradescope unzips the bundle into /autograder/source, runs its setup.sh there once when it
// builds the autograder image, copies its run_autograder to /autograder/run_autograder and runs
// that for every submission (files in /autograder/submission, results expected in
// /autograder/results/results.json). The bundle holds the two scripts of packaging/gradescope/
// at its root, the kit under kit/ (so /autograder/source/kit is the kit's root) and, when the
// bundle grades only some labs, their ids in labs.txt. See docs/gradescope.md.
#pragma once

#include <filesystem>
#include <string>
#include <vector>

namespace pclab::grader {

/// The kit's files that go into a bundle, relative to `root`, sorted and each once: what git
/// lists (tracked files, and untracked ones it does not ignore: a kit being edited is packaged
/// as it is on disk), or without git every file outside build/ and dot-directories; never
/// anything under solutions/ (graders do not need the reference solutions, and student code
/// runs in the container) or build/; always everything under hidden-checks/ when it exists
/// (the instructor's hidden checks are graded, even when git ignores them). Only regular files
/// that exist.
std::vector<std::string> bundle_files(const std::filesystem::path& root);

/// Writes the bundle to `out` (a zip, made with `cmake -E tar --format=zip`): setup.sh and
/// run_autograder from <root>/packaging/gradescope at its root, executable, bundle_files()
/// under kit/, and when `labs` (ids or slugs) is not empty, labs.txt with their ids, one per
/// line: the scripts then build and grade only those labs (one Gradescope assignment per lab
/// costs a fifth of the compilation of all five). Returns an ExitStatus: kUsageError when a lab
/// is unknown, `out`'s directory does not exist or the scripts are missing, kCouldNotGrade when
/// the zip cannot be made.
int package_gradescope(const std::filesystem::path& root, const std::filesystem::path& out,
                       const std::vector<std::string>& labs);

}  // namespace pclab::grader
