// Assertions on the text the grader writes (reports, listings, logs, pages), shared by the
// grader's tests.
#pragma once

#include <gtest/gtest.h>

#include <cstddef>
#include <string>

namespace pclab::grader {

/// Succeeds when `part` occurs in `text`; a failure shows the part and the whole text.
inline ::testing::AssertionResult contains(const std::string& text, const std::string& part) {
    if (text.find(part) != std::string::npos) {
        return ::testing::AssertionSuccess();
    }
    return ::testing::AssertionFailure() << "the text does not contain '" << part << "':\n" << text;
}

/// How many times `part` occurs in `text`, occurrences not overlapping.
inline std::size_t occurrences(const std::string& text, const std::string& part) {
    std::size_t count = 0;
    for (std::size_t at = text.find(part); at != std::string::npos;
         at = text.find(part, at + part.size())) {
        ++count;
    }
    return count;
}

}  // namespace pclab::grader
