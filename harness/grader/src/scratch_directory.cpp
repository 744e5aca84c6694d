#include "scratch_directory.hpp"

#include <stdlib.h>

#include <stdexcept>
#include <string>
#include <system_error>

namespace pclab::grader {

ScratchDirectory::ScratchDirectory(std::string_view prefix) {
    const std::filesystem::path temporary = std::filesystem::temp_directory_path();
    std::string pattern = (temporary / (std::string(prefix) + "-XXXXXX")).string();
    if (::mkdtemp(pattern.data()) == nullptr) {
        throw std::runtime_error("cannot create a scratch directory in " + temporary.string());
    }
    path_ = pattern;
}

ScratchDirectory::~ScratchDirectory() {
    std::error_code ignored;
    std::filesystem::remove_all(path_, ignored);
}

}  // namespace pclab::grader
