// Labs 03, 04, 05 and 06 each hand out a queue.hpp that declares the one pclab::Queue, with its
// contract in the comments; the labs differ only in which members are left to write (lab 06:
// all of them again, to be made fast). Students carry the file from lab to lab, and the API
// reference documents only the first copy (Doxygen would merge the copies into one class
// listing every member once per copy), so the copies must say the same: every documentation
// comment after the file's own introduction is identical.
#include <gtest/gtest.h>

#include <algorithm>
#include <cstddef>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#ifndef PCLAB_SOURCE_DIR
#error "PCLAB_SOURCE_DIR must name the repository root"
#endif

namespace {

namespace fs = std::filesystem;

/// The `///` comment lines of `header` after its `#pragma once` (before it: the file's own
/// introduction, which says what this lab asks for), trimmed of leading blanks.
std::vector<std::string> contract_comments(const fs::path& header) {
    std::ifstream in(header);
    EXPECT_TRUE(in) << "cannot read " << header;
    std::vector<std::string> comments;
    bool after_introduction = false;
    for (std::string line; std::getline(in, line);) {
        const std::size_t start = line.find_first_not_of(" \t");
        if (start == std::string::npos) {
            continue;
        }
        const std::string text = line.substr(start);
        if (text == "#pragma once") {
            after_introduction = true;
        } else if (after_introduction && text.rfind("///", 0) == 0) {
            comments.push_back(text);
        }
    }
    return comments;
}

std::vector<fs::path> queue_headers() {
    std::vector<fs::path> headers;
    for (const fs::directory_entry& lab :
         fs::directory_iterator(fs::path(PCLAB_SOURCE_DIR) / "labs")) {
        const fs::path header = lab.path() / "queue.hpp";
        if (fs::is_regular_file(header)) {
            headers.push_back(header);
        }
    }
    std::sort(headers.begin(), headers.end());
    return headers;
}

TEST(QueueContractCopies, EveryLabsQueueHeaderCarriesTheSameContract) {
    const std::vector<fs::path> headers = queue_headers();
    ASSERT_GE(headers.size(), 2U) << "labs 03-06 each hand out a queue.hpp";
    const std::vector<std::string> first = contract_comments(headers.front());
    ASSERT_FALSE(first.empty()) << headers.front() << " documents nothing";
    for (std::size_t h = 1; h < headers.size(); ++h) {
        const std::vector<std::string> copy = contract_comments(headers[h]);
        const std::size_t common = std::min(first.size(), copy.size());
        std::size_t i = 0;
        while (i < common && first[i] == copy[i]) {
            ++i;
        }
        if (i == common && first.size() == copy.size()) {
            continue;
        }
        ADD_FAILURE() << headers[h] << " says another contract than " << headers.front()
                      << "; documentation comment " << i + 1 << " differs:\n  "
                      << (i < first.size() ? first[i] : "(none)") << "\n  "
                      << (i < copy.size() ? copy[i] : "(none)");
    }
}

}  // namespace
