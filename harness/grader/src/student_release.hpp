// `./pclab release --out DIR`: the student copy of the kit, written and then verified.
//
// The copy is made of the files git tracks (`git ls-files`), as they are in the working tree,
// without the instructor-only ones: every path release/exclude.txt names (solutions/,
// hidden-checks/, the instructor guide, ...), and every Markdown block between
// `<!-- instructor -->` and `<!-- /instructor -->` (release_content.hpp has the rules). The CI
// templates are written to their places: release/github-workflow.yml to
// DIR/.github/workflows/pclab.yml, release/gitlab-ci.yml to DIR/.gitlab-ci.yml.
//
// Then the copy is verified, each step reported on stdout:
//   1. no instructor content: no path named solutions/ or hidden-checks/, no file equal to an
//      instructor file, no instructor-only line (InstructorLeakScan), no instructor marker left;
//   2. it configures and builds (the `dev` preset, every target, or with `--verify-build
//      grading` only the grader) in a scratch copy of DIR under the system's temporary
//      directory, so DIR itself stays exactly what students get;
//   3. `./pclab grade --builds plain,explore` in the scratch copy scores every lab's stub 0,
//      every check `not-implemented` (the TSan tree is not built: it compiles the same sources);
//   4. `./pclab grade --impl solution` there is refused as a usage error.
// The scratch copy is removed when every step passed and kept (its path printed) otherwise.
#pragma once

#include <filesystem>
#include <string>
#include <vector>

namespace pclab::grader {

/// Exit status of `release` when the copy was written but a verification step failed.
inline constexpr int kReleaseNotVerified = 1;

struct ReleaseOptions {
    std::filesystem::path root;  ///< The kit (a git checkout with solutions/ and release/).
    std::filesystem::path out;   ///< Must not exist, or be an empty directory.
    bool verify = true;          ///< false: write the copy only (`--no-verify`).
    /// Steps 2-3 build and grade only these labs (ids); empty: every lab. Step 1 always
    /// covers the whole copy.
    std::vector<std::string> verify_labs;
    /// Step 2 builds every target (true), or only the grader, leaving step 3's `./pclab grade`
    /// to build what it grades (`--verify-build grading`: the kit's own test of `release`).
    bool verify_build_all = true;
};

/// Writes and verifies the student release as described above.
/// Returns 0 when the copy was written and every verification step passed;
/// kReleaseNotVerified (1) when a step failed (each failure listed);
/// kUsageError (2) when --out exists and is not an empty directory, or a --verify-labs id is
/// not a lab; kCouldNotGrade (3) when the copy could not be made: the root is not a git
/// checkout, release/exclude.txt or a CI template is missing, an instructor block is malformed,
/// or a file cannot be read or written.
int write_student_release(const ReleaseOptions& options);

}  // namespace pclab::grader
