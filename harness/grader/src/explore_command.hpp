// `./pclab explore LAB`: run a lab's exploration program on its own — explore every scenario
// under many controlled schedules, or replay one schedule exactly — with the terminal attached.
#pragma once

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>

namespace pclab::grader {

/// What `./pclab explore` was asked to do.
struct ExploreCommandOptions {
    std::filesystem::path root;
    std::string lab;                                  ///< id or slug
    std::string impl = "student";                     ///< student | solution | unsafe:NAME
    std::optional<std::filesystem::path> submission;  ///< student files from here
    std::optional<std::uint32_t> schedules;           ///< per strategy and scenario
    std::string strategy = "random,pct";              ///< random | pct | random,pct
    std::optional<std::uint64_t> seed;                ///< base seed (default: drawn, printed)
    std::optional<std::string> replay;                ///< `<scenario>@<schedule id>`
};

/// The `./pclab explore` command line for one lab and implementation, without `--replay`: what
/// an exploration failure prints (with `--replay ID` appended) to be replayed.
std::string explore_command_line(const std::string& lab_id, const std::string& impl,
                                 const std::optional<std::filesystem::path>& submission);

/// Builds the lab's exploration program for the implementation and runs it. Exit status: 0 when
/// no schedule failed (or the replayed one passed), 1 when one failed (its trace and replay
/// command are printed), kUsageError or kCouldNotGrade as for `grade`.
int explore_lab(const ExploreCommandOptions& options);

}  // namespace pclab::grader
