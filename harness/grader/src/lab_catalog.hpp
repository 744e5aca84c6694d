// The lab catalog: every `labs/NN-slug/lab.json` of a repository tree, read and validated once so
// that the rest of the grader can trust it.
//
// The schema is the contract in docs/architecture.md ("lab.json"). A catalog that loads is
// internally consistent: ids and slugs agree with directory names and are unique, every file a
// lab names exists, every check can be built and timed, and every expected category is one the
// classifier can produce. Anything else is a `CatalogError` naming the file and the field, because
// the reader of that error is an instructor editing lab.json, not a student.
#pragma once

#include <filesystem>
#include <map>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

namespace pclab::grader {

/// The stable failure categories (docs/architecture.md), in the order the docs list them.
/// `expected_categories` of an unsafe variant must be drawn from these.
const std::vector<std::string>& known_categories();

/// True when `category` is one of `known_categories()`.
bool is_known_category(std::string_view category);

/// A deliberately broken implementation shipped with a lab.
struct UnsafeVariant {
    std::string name;  ///< e.g. "unsynchronised_vector"; used as `--impl unsafe:<name>`.
    /// Student file name (as in `Lab::student_files`) -> the variant's file, both relative to the
    /// lab directory. Every key is a student file; every value exists on disk.
    std::map<std::string, std::string> files;
    std::string defect;  ///< One sentence: what differs from the reference.
    /// The grader must fail at least one check of this variant with one of these. Non-empty.
    std::vector<std::string> expected_categories;
};

/// One graded property of a lab. Points are all-or-nothing.
struct CheckSpec {
    std::string name;  ///< Unique within the lab; used as `--check <name>`.
    int points = 0;    ///< > 0.
    std::string gtest_filter;
    std::vector<std::string> builds;  ///< Non-empty, distinct, each "plain", "tsan" or "explore".
    int timeout_seconds = 0;          ///< > 0; the wall-clock budget of one (check, build) run.
    /// Resident-memory ceiling of the check's plain-build runs in MiB; 0: the grader's default.
    /// TSan runs keep the default, since shadow memory multiplies a program's footprint.
    int memory_limit_mib = 0;
    std::string explains;  ///< What passing means, in a sentence for the student.
    /// An instructor's hidden check (hidden-checks/NN-slug/checks.json): graded like the others,
    /// listed after them, marked hidden in listings and reports; never an `explore` build.
    bool hidden = false;
    /// A performance check (lab.json `"gated_by_all": true`): its points count only when every
    /// check of the lab without this flag — a correctness check — passed in the same grading
    /// run (LabResult::awarded). A fast queue that loses items earns nothing for its speed.
    bool gated_by_all = false;
};

/// One lab, as described by its lab.json and located on disk.
struct Lab {
    std::string id;     ///< Two digits, equal to the directory prefix: "01".
    std::string slug;   ///< Equal to the directory suffix: "shared-results".
    std::string title;  ///< Non-empty.
    std::string teaches;
    std::filesystem::path directory;  ///< Absolute: <root>/labs/01-shared-results.
    std::string directory_name;       ///< "01-shared-results".
    /// Relative to `directory`, as written in lab.json; non-empty, distinct, each exists.
    std::vector<std::string> student_files;
    std::vector<UnsafeVariant> unsafe_variants;  ///< Distinct names; may be empty.
    /// Non-empty, distinct names: lab.json's checks, then the lab's hidden checks (if any);
    /// when some are `gated_by_all`, at least one is not.
    std::vector<CheckSpec> checks;

    /// Sum of the points of all checks.
    int max_score() const;
    /// The variant called `name`, or nullptr. The pointer lives as long as this Lab.
    const UnsafeVariant* find_variant(std::string_view name) const;
    /// The check called `name`, or nullptr. The pointer lives as long as this Lab.
    const CheckSpec* find_check(std::string_view name) const;
};

/// A lab tree that breaks the lab.json contract, or a lab name that names no lab. The message
/// is complete and meant to be printed as is, e.g.
/// `labs/01-x/lab.json: checks[2].points must be a positive integer`.
class CatalogError : public std::runtime_error {
  public:
    using runtime_error::runtime_error;
};

/// The validated labs of one repository tree, sorted by id. Immutable once loaded.
class LabCatalog {
  public:
    /// Reads every `<repo_root>/labs/*/lab.json`, then every
    /// `<repo_root>/hidden-checks/*/checks.json` (the instructor's hidden checks, absent in the
    /// student release): `{"checks": [...]}` with lab.json's check schema, appended to the lab
    /// of the same directory name with `hidden` set.
    /// Requires: `repo_root/labs` is a directory.
    /// Guarantees: every lab satisfies the contract documented on `Lab`; ids and slugs are
    /// unique across labs; labs are sorted by id. Entries of labs/ that are not directories
    /// are ignored, and so are directories without lab.json whose name is not `NN-*` shaped
    /// (e.g. a shared `common/`); an `NN-*` directory without lab.json is an error. Every
    /// `NN-*` directory of hidden-checks/ names a lab and holds checks.json; a hidden check's
    /// name differs from every other check of its lab, and its builds never list `explore`.
    /// Throws CatalogError (file and field named) on the first violation found.
    static LabCatalog load(const std::filesystem::path& repo_root);

    const std::vector<Lab>& labs() const { return labs_; }

    /// True when the tree has the instructor's `solutions/` directory; false in the student
    /// release, where `--impl solution` has nothing to build.
    bool has_solutions() const { return has_solutions_; }

    /// Finds a lab by id ("01"), by number ("1", same value as the id), by slug
    /// ("shared-results") or by directory name ("01-shared-results").
    /// Throws CatalogError: "unknown lab 'x'; the labs are: 01 shared-results, 02 ...".
    const Lab& resolve(std::string_view id_or_slug) const;

  private:
    std::vector<Lab> labs_;
    bool has_solutions_ = false;
};

/// The machine-readable listing for `./pclab list --json`:
/// `{"labs": [{"id", "slug", "title", "teaches", "directory", "student_files" (repo-relative,
/// '/'-separated), "unsafe_variants" (names), "max_score", "checks": [{"name", "points",
/// "builds", "timeout_seconds", "memory_limit_mib", "explains", "hidden", "gated_by_all"}]}]}`.
/// Requires: `catalog` was loaded from `repo_root` (paths are made relative to it).
nlohmann::json list_json(const LabCatalog& catalog, const std::filesystem::path& repo_root);

/// The human-readable listing for `./pclab list`: one block per lab with its id, slug, title,
/// points, student files, checks (a hidden one marked `(hidden)`) and unsafe variants. Ends with
/// a newline.
std::string list_text(const LabCatalog& catalog);

}  // namespace pclab::grader
