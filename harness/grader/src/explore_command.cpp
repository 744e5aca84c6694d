#include "explore_command.hpp"

#include <stdlib.h>

#include <iostream>
#include <random>

#include "build_tree.hpp"
#include "grade_command.hpp"
#include "lab_catalog.hpp"
#include "submission_staging.hpp"

namespace pclab::grader {
namespace fs = std::filesystem;
namespace {

// The child inherits these (run_in_terminal forks and execs).
void set_environment(const char* name, const std::string& value) {
    setenv(name, value.c_str(), 1);  // NOLINT(concurrency-mt-unsafe): single-threaded here
}

}  // namespace

std::string explore_command_line(const std::string& lab_id, const std::string& impl,
                                 const std::optional<fs::path>& submission) {
    std::string command = "./pclab explore " + lab_id + " --impl " + shell_quote(impl);
    if (submission) {
        command += " --submission " + shell_quote(fs::absolute(*submission).string());
    }
    return command;
}

int explore_lab(const ExploreCommandOptions& options) {
    LabCatalog catalog;
    const Lab* lab = nullptr;
    try {
        catalog = LabCatalog::load(options.root);
        lab = &catalog.resolve(options.lab);
    } catch (const CatalogError& error) {
        std::cerr << "pclab explore: " << error.what() << '\n';
        return kUsageError;
    }
    std::string impl_dir;
    if (options.impl == "solution" && !catalog.has_solutions()) {
        std::cerr << "pclab explore: " << kNoSolutions << '\n';
        return kUsageError;
    }
    if (options.impl == "student" || options.impl == "solution") {
        impl_dir = options.impl;
    } else if (options.impl.rfind("unsafe:", 0) == 0 &&
               lab->find_variant(options.impl.substr(7)) != nullptr) {
        impl_dir = "unsafe-" + options.impl.substr(7);
    } else {
        std::string known;
        for (const UnsafeVariant& variant : lab->unsafe_variants) {
            known += " unsafe:" + variant.name;
        }
        std::cerr << "pclab explore: lab " << lab->id << " has no implementation '" << options.impl
                  << "'; choose student, solution" << known << '\n';
        return kUsageError;
    }
    if (options.strategy != "random" && options.strategy != "pct" &&
        options.strategy != "random,pct") {
        std::cerr << "pclab explore: --strategy must be random, pct or random,pct, not '"
                  << options.strategy << "'\n";
        return kUsageError;
    }
    if (options.replay && options.replay->find('@') == std::string::npos) {
        std::cerr << "pclab explore: --replay takes the replay id a failure printed "
                     "(<scenario>@<schedule id>), not '"
                  << *options.replay << "'\n";
        return kUsageError;
    }

    BuildTree tree = BuildTree::for_kit(options.root, "explore");
    if (options.submission) {
        if (options.impl != "student") {
            std::cerr << "pclab explore: --submission explores the student implementation; "
                         "drop --impl\n";
            return kUsageError;
        }
        const fs::path base = submission_work_dir(options.root, *options.submission);
        try {
            const StagedSubmission staged =
                stage_submission(*options.submission, catalog.labs(), base / "staging");
            if (staged.missing.contains(lab->id)) {
                std::cerr << "pclab explore: the submission lacks "
                          << staged.missing.at(lab->id).front() << '\n';
                return kUsageError;
            }
            tree = BuildTree::for_submission(options.root, "explore", base / "plain",
                                             staged.student_root);
        } catch (const std::exception& error) {
            std::cerr << "pclab explore: " << error.what() << '\n';
            return kUsageError;
        }
    }
    const std::string replay_prefix =
        explore_command_line(lab->id, options.impl, options.submission);
    const BuildOutcome configured = configure(tree);
    if (!configured.succeeded) {
        std::cerr << configured.log << "\npclab explore: could not configure "
                  << tree.binary_dir.string() << '\n';
        return kCouldNotGrade;
    }
    const std::string target = tree.lab_target(lab->slug, impl_dir);
    const BuildOutcome built = build_targets(tree, {target});
    if (!built.succeeded) {
        std::cerr << built.log << "\npclab explore: " << target << " does not build"
                  << (built.first_error.empty() ? "" : ": " + built.first_error) << '\n';
        return kCouldNotGrade;
    }

    const std::uint64_t seed = options.seed ? *options.seed : std::random_device{}();
    set_environment("PCLAB_SEED", std::to_string(seed));
    set_environment("PCLAB_EXPLORE_STRATEGY", options.strategy);
    set_environment("PCLAB_EXPLORE_REPLAY_COMMAND", replay_prefix);
    if (options.schedules) {
        set_environment("PCLAB_EXPLORE_SCHEDULES", std::to_string(*options.schedules));
    }
    if (options.replay) {
        set_environment("PCLAB_EXPLORE_REPLAY", *options.replay);
    } else {
        std::cerr << "pclab explore: seed " << seed << " (again: " << replay_prefix << " --seed "
                  << seed << ")\n";
    }
    const fs::path program =
        tree.lab_output_dir(lab->directory_name, impl_dir) / tree.program_name();
    const int status = run_in_terminal({program.string(), "--gtest_color=no"});
    return status == 0 ? 0 : 1;
}

}  // namespace pclab::grader
