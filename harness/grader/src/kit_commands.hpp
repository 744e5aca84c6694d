// The driver's commands other than `grade`: list, run, test, docs, doctor.
#pragma once

#include <filesystem>
#include <string>
#include <vector>

namespace pclab::grader {

/// `./pclab list [--format json]`: the labs, their student files, variants and checks.
int list_labs(const std::filesystem::path& root, const std::string& format);

/// `./pclab run LAB [--impl ...] [--tsan] [-- ARGS...]`: builds and runs a lab's demo program
/// with the terminal attached, so a student can watch an unsafe variant misbehave.
int run_demo(const std::filesystem::path& root, const std::string& lab, const std::string& impl,
             bool tsan, const std::vector<std::string>& args);

/// `./pclab test`: configures and builds the dev and tsan trees, then runs ctest in both.
int run_kit_tests(const std::filesystem::path& root, const std::vector<std::string>& ctest_args);

/// `./pclab docs`: builds the Doxygen site (warnings are errors) into build/dev/docs/html.
int build_docs(const std::filesystem::path& root);

/// `./pclab lint`: clang-format (no changes needed) and clang-tidy (no findings) over the kit's
/// own C++ — everything under harness/, labs/, solutions/, hidden-checks/, tests/ and bench/
/// except recorded test data.
/// The unsafe variants are formatted like the rest but are compiled only as headers of the lab
/// tests, whose findings in them are expected. Returns 0 when both are clean.
int lint(const std::filesystem::path& root);

/// `./pclab doctor`: compiler, CMake, GoogleTest sources, TSan (starts and reports a planted
/// race); says what to install for anything missing. 0 when everything needed is there.
int doctor(const std::filesystem::path& root);

}  // namespace pclab::grader
