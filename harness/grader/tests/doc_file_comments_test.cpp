// The API reference (`docs`) warns about every undocumented public member, but only of what
// Doxygen sees: a header without a `@file` comment has its global functions and macros skipped
// silently, and one outside every group is missing from the reference's index of groups. Every
// header the reference is built from (docs/Doxyfile.in's INPUT) therefore opens with a `@file`
// block that names its group, one of docs/api-groups.dox.
#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <regex>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#ifndef PCLAB_SOURCE_DIR
#error "PCLAB_SOURCE_DIR must name the repository root"
#endif

namespace {

namespace fs = std::filesystem;

const fs::path kRoot = PCLAB_SOURCE_DIR;

std::string contents(const fs::path& file) {
    std::ifstream in(file);
    EXPECT_TRUE(in) << "cannot read " << file;
    std::ostringstream text;
    text << in.rdbuf();
    return text.str();
}

std::vector<fs::path> headers_in(const fs::path& directory) {
    std::vector<fs::path> headers;
    for (const fs::directory_entry& entry : fs::directory_iterator(directory)) {
        if (entry.is_regular_file() && entry.path().extension() == ".hpp") {
            headers.push_back(entry.path());
        }
    }
    return headers;
}

/// The headers docs/Doxyfile.in and cmake/PclabDocs.cmake give Doxygen.
std::vector<fs::path> documented_headers() {
    std::vector<fs::path> headers;
    for (const char* directory : {"harness/include/pclab", "harness/testkit/include/pclab/testkit",
                                  "harness/explore/include/pclab/explore"}) {
        const auto found = headers_in(kRoot / directory);
        headers.insert(headers.end(), found.begin(), found.end());
    }
    for (const fs::directory_entry& lab : fs::directory_iterator(kRoot / "labs")) {
        if (lab.is_directory()) {
            const auto found = headers_in(lab.path());
            headers.insert(headers.end(), found.begin(), found.end());
        }
    }
    std::sort(headers.begin(), headers.end());
    return headers;
}

std::set<std::string> defined_groups() {
    const std::string dox = contents(kRoot / "docs/api-groups.dox");
    const std::regex defgroup(R"(@defgroup ([A-Za-z0-9_]+))");
    std::set<std::string> groups;
    for (auto it = std::sregex_iterator(dox.begin(), dox.end(), defgroup);
         it != std::sregex_iterator(); ++it) {
        groups.insert((*it)[1].str());
    }
    return groups;
}

TEST(DocFileComments, EveryDocumentedHeaderOpensWithAFileCommentInAGroup) {
    const std::set<std::string> groups = defined_groups();
    ASSERT_FALSE(groups.empty()) << "docs/api-groups.dox defines no group";
    const std::vector<fs::path> headers = documented_headers();
    ASSERT_FALSE(headers.empty());
    const std::regex ingroup(R"(^/// @ingroup ([A-Za-z0-9_]+)$)");
    for (const fs::path& header : headers) {
        const std::string relative = fs::relative(header, kRoot).string();
        std::istringstream lines(contents(header));
        std::string line;
        std::getline(lines, line);
        EXPECT_EQ(line, "/// @file") << relative << " must open with a @file comment";
        // The @file block: the comment lines that follow.
        std::string group;
        while (std::getline(lines, line) && line.rfind("///", 0) == 0) {
            std::smatch match;
            if (std::regex_match(line, match, ingroup)) {
                group = match[1].str();
            }
        }
        if (group.empty()) {
            ADD_FAILURE() << relative << ": its @file block names no group (/// @ingroup NAME)";
            continue;
        }
        EXPECT_TRUE(groups.count(group) == 1)
            << relative << ": @ingroup " << group << " is not a group of docs/api-groups.dox";
    }
}

}  // namespace
