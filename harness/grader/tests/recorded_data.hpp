#pragma once

#include <filesystem>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <string>

#ifndef PCLAB_TEST_DATA_DIR
#error "PCLAB_TEST_DATA_DIR must name harness/grader/tests/data"
#endif

namespace pclab::grader::testing {

inline std::filesystem::path recorded_path(const std::string& relative) {
    return std::filesystem::path(PCLAB_TEST_DATA_DIR) / relative;
}

/// The content of a recorded file under tests/data. Throws (failing the test) when it is
/// missing, so a test can never pass on an empty recording.
inline std::string read_recorded(const std::string& relative) {
    std::ifstream file(recorded_path(relative), std::ios::binary);
    if (!file) {
        throw std::runtime_error("missing recording: " + recorded_path(relative).string());
    }
    std::ostringstream content;
    content << file.rdbuf();
    return content.str();
}

}  // namespace pclab::grader::testing
