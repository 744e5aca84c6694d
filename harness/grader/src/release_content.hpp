// What goes into the student release (`./pclab release`) and what must not: the rules, as pure
// functions of file names and texts so that each can be tested on its own.
//
// - `ReleaseManifest`: release/exclude.txt, the instructor-only paths (one glob per line).
// - `strip_instructor_blocks`: Markdown between `<!-- instructor -->` and `<!-- /instructor -->`
//   is instructor-only and is removed from every copied .md file.
// - `InstructorLeakScan`: which copied files share content with the instructor's files
//   (solutions/, hidden-checks/), whole or line by line.
#pragma once

#include <filesystem>
#include <map>
#include <set>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

namespace pclab::grader {

/// The instructor-only paths of the kit, from a manifest such as release/exclude.txt.
///
/// Format: one glob per line, repo-relative, '/'-separated; `#` starts a comment line; blank
/// lines are ignored; surrounding spaces are trimmed. `*`, `?` and `[...]` match within one
/// path component (fnmatch with FNM_PATHNAME); a trailing `/` is allowed and ignored. A path is
/// excluded when a glob matches the path itself or any of its parent directories, so
/// `solutions` excludes everything under solutions/ and `docs/instructor-*.md` one kind of page.
class ReleaseManifest {
  public:
    /// Parses manifest text. Throws std::invalid_argument naming `label` and the line for an
    /// absolute glob or one that climbs (`..`).
    static ReleaseManifest parse(std::string_view text, const std::string& label);

    /// True when `relative_path` (as `git ls-files` prints it) is instructor-only.
    bool excludes(std::string_view relative_path) const;

    const std::vector<std::string>& globs() const { return globs_; }

  private:
    std::vector<std::string> globs_;
};

/// Markers of an instructor-only block in Markdown, each on a line of its own.
inline constexpr std::string_view kInstructorOpen = "<!-- instructor -->";
inline constexpr std::string_view kInstructorClose = "<!-- /instructor -->";

/// A Markdown text without its instructor blocks.
struct StrippedMarkdown {
    std::string text;        ///< The input minus every block, marker lines included.
    std::size_t blocks = 0;  ///< How many blocks were removed.
};

/// Removes every block from a line that is `kInstructorOpen` to the next line that is
/// `kInstructorClose` (lines compared after trimming spaces), both lines included. Everything
/// else is kept byte for byte.
/// Throws std::invalid_argument naming `label` and the line for a block that is never closed,
/// a close without an open, an open inside a block, and a marker that shares its line with
/// other text (which would otherwise be kept and leak, or hide a block).
StrippedMarkdown strip_instructor_blocks(std::string_view markdown, const std::string& label);

/// A file of the copy that shares content with an instructor file.
struct InstructorLeak {
    std::string file;  ///< Repo-relative path in the copy.
    /// The instructor file(s) it equals, when it is an identical copy; else empty.
    std::vector<std::string> same_as;
    /// Instructor-only lines (trimmed) it contains, each with one instructor file that has it.
    std::vector<std::pair<std::string, std::string>> lines;
};

/// Finds instructor content in the files of a release.
///
/// Two rules:
/// - whole files: a copied file whose bytes equal those of an instructor file (empty files
///   aside) is a leak;
/// - lines: an instructor-only line is a line of an instructor file that, trimmed, is longer
///   than `kMinLineLength` characters, is not an `#include`, and does not occur in the
///   student-side lab sources (`add_student_side`): the student files, unsafe variants, tests
///   and demos of every lab, which the kit ships on purpose (labs 04-05 give lab 03's reference
///   put/get as code, unsafe variants are near-solutions by design, hidden checks are written
///   in the idioms of the labs' tests). A copied file containing such a line is a leak.
/// What the line rule cannot see, a stub that grew a solution, is caught by behaviour: the
/// release's verification requires every stub to score 0.
class InstructorLeakScan {
  public:
    static constexpr std::size_t kMinLineLength = 40;

    /// An instructor file (under solutions/ or hidden-checks/), by its repo-relative label.
    void add_instructor_file(const std::string& label, std::string text);
    /// A student-side lab source: its lines are never instructor-only.
    void add_student_side(std::string_view text);

    /// The leaks of one copied file: `same_as` and `lines` both empty when there are none.
    /// Requires: every add_* call happened before.
    InstructorLeak scan(const std::string& file, std::string_view text) const;

    /// How many instructor files were added.
    std::size_t instructor_files() const { return instructor_files_; }

  private:
    std::size_t instructor_files_ = 0;
    std::map<std::string, std::vector<std::string>> files_by_text_;  // text → labels
    std::map<std::string, std::string> candidate_lines_;             // line → one label
    std::set<std::string> student_side_;
};

}  // namespace pclab::grader
