#pragma once

#include <string>

namespace pclab::grader {

/// A place in source code the grader points a student to.
struct CodeLocation {
    /// Repo-relative path, a student file name, or the path as the tool reported it.
    std::string file;
    /// 1-based line; 0 when unknown.
    int line = 0;

    friend bool operator==(const CodeLocation&, const CodeLocation&) = default;
};

}  // namespace pclab::grader
