// Build trees the grader configures and builds on demand.
//
// A tree is one CMake binary directory built with one set of flags: `plain` (the `dev` preset)
// or `tsan`. The kit's own trees live in build/<preset>; a submission gets trees of its own
// whose student files come from a staging directory (PCLAB_STUDENT_ROOT). Every command is
// echoed to stderr before it runs, so a user can copy it and run it by hand.
#pragma once

#include <filesystem>
#include <string>
#include <vector>

namespace pclab::grader {

/// Where one build flavour of the kit lives and how it is configured. `explore` is the plain
/// tree's exploration program: same directory and preset, another program per lab.
struct BuildTree {
    std::string flavour;               ///< "plain", "tsan" or "explore" (the names lab.json uses).
    std::string preset;                ///< "dev" or "tsan".
    std::filesystem::path source_dir;  ///< The kit's root.
    std::filesystem::path binary_dir;
    /// Extra -D definitions (submission trees: PCLAB_STUDENT_ROOT, PCLAB_IMPLS).
    std::vector<std::string> cache_definitions;

    /// The kit's own tree for `flavour` under <root>/build/<preset>.
    static BuildTree for_kit(const std::filesystem::path& root, const std::string& flavour);
    /// A submission's tree: student files from `student_root`, only the student
    /// implementation, every lab (a tree is configured once and then graded for any of them;
    /// only the targets a grading needs are built).
    static BuildTree for_submission(const std::filesystem::path& root, const std::string& flavour,
                                    const std::filesystem::path& tree_dir,
                                    const std::filesystem::path& student_root);

    /// The program a check of this flavour runs: "tests" or "explore".
    std::string program_name() const;
    /// The build target of that program for one lab and implementation.
    std::string lab_target(const std::string& lab_slug, const std::string& impl_dir) const;

    /// Where pclab_add_lab() puts an implementation's executables.
    std::filesystem::path lab_output_dir(const std::string& lab_directory_name,
                                         const std::string& impl_dir) const;
};

/// What a configure or build step produced.
struct BuildOutcome {
    bool succeeded = false;
    std::string log;  ///< Everything the tool printed (capped).
    std::string
        first_error;  ///< The compiler's first error line, paths made readable; may be empty.
};

/// Configures `tree` when it has no cache yet or `force` is set. Echoes the command.
BuildOutcome configure(const BuildTree& tree, bool force = false);

/// Builds `targets` in `tree` (configuring first when needed). Echoes the command; captures
/// the output so that a compile error can be explained instead of scrolled past.
BuildOutcome build_targets(const BuildTree& tree, const std::vector<std::string>& targets);

/// The headers and sources that the last build of `tree` read for objects whose path (relative
/// to the tree) starts with `object_prefix`, from ninja's dependency log (`ninja -t deps`), that
/// lie under none of `allowed_roots`: what a student file pulled in from outside the places a
/// submission may use (a reference solution, another student's files). Paths are absolute.
/// Empty when everything read lies inside, and when the log cannot be read.
std::vector<std::string> files_read_outside(
    const BuildTree& tree, const std::string& object_prefix,
    const std::vector<std::filesystem::path>& allowed_roots);

/// The first `error:` line of a compiler log, with `strip_prefixes` removed from paths.
std::string first_compiler_error(const std::string& log,
                                 const std::vector<std::string>& strip_prefixes);

/// The first compiler diagnostic line (error or note) in `log` that points into one of `files`
/// (names or path suffixes such as "result_list.hpp"), with `strip_prefixes` removed; "" when
/// none does. When the first error is in a test (a call that no longer matches the student's
/// changed signature), this is the line that shows the student's own declaration.
std::string first_diagnostic_in(const std::string& log, const std::vector<std::string>& files,
                                const std::vector<std::string>& strip_prefixes);

/// The lab ids among `lab_ids` that a tree configured with `cache_text` (its CMakeCache.txt)
/// defines no targets for: those outside a non-empty PCLAB_LABS. A kit tree a user configured
/// for some labs only (`cmake --preset dev -DPCLAB_LABS=03`) cannot build the others, and
/// grading one there would report the missing target as the student's compile error.
std::vector<std::string> labs_missing_from_tree(const std::string& cache_text,
                                                const std::vector<std::string>& lab_ids);

/// `text` as one shell word: unchanged when it holds only characters no shell treats
/// specially, otherwise in single quotes (an embedded `'` written as `'\''`).
std::string shell_quote(const std::string& text);

/// Prints `+ <argv...>` to stderr: every external command the kit runs is shown.
void echo_command(const std::vector<std::string>& argv);

/// Runs `argv` with the terminal as its stdout/stderr and returns its exit status (or 128+signal).
int run_in_terminal(const std::vector<std::string>& argv,
                    const std::filesystem::path& working_directory = {});

}  // namespace pclab::grader
