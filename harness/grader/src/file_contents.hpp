// Whole files as the grader reads them: reports, staged student files, sources to scan.
#pragma once

#include <filesystem>
#include <optional>
#include <string>

namespace pclab::grader {

/// The bytes of `file`, or nullopt when it cannot be opened.
std::optional<std::string> read_file(const std::filesystem::path& file);

}  // namespace pclab::grader
