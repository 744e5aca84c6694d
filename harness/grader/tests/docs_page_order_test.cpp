// The site lists its pages (tree view, Related Pages) in the order of INPUT in docs/Doxyfile.in,
// and the main page (docs/index.md) links them in reading order: the handouts 01→06, then the
// contract, the verdicts and the guides. The two orders must be the same, or the tree view
// teaches one order and the main page another.
#include <gtest/gtest.h>

#include <algorithm>
#include <cctype>
#include <filesystem>
#include <fstream>
#include <regex>
#include <sstream>
#include <string>
#include <vector>

#ifndef PCLAB_SOURCE_DIR
#error "PCLAB_SOURCE_DIR must name the repository root"
#endif

namespace {

namespace fs = std::filesystem;

const fs::path kRoot = PCLAB_SOURCE_DIR;

std::vector<std::string> lines_of(const fs::path& file) {
    std::ifstream in(file);
    EXPECT_TRUE(in) << "cannot read " << file;
    std::vector<std::string> lines;
    for (std::string line; std::getline(in, line);) {
        lines.push_back(line);
    }
    return lines;
}

/// The page a Markdown file becomes: the `{#label}` of its title, or Doxygen's name for a file
/// without one (`md_` and its path, every other character an underscore).
std::string page_of(const fs::path& markdown) {
    const std::vector<std::string> lines = lines_of(markdown);
    std::smatch match;
    if (!lines.empty() && std::regex_search(lines.front(), match, std::regex(R"(\{#(\w+)\})"))) {
        return match[1].str();
    }
    std::string name = "md_" + fs::relative(markdown, kRoot).replace_extension().string();
    std::replace_if(
        name.begin(), name.end(),
        [](char c) { return !std::isalnum(static_cast<unsigned char>(c)) && c != '_'; }, '_');
    return name;
}

/// The lab handouts, as cmake/PclabDocs.cmake gathers them: labs/*/README.md, sorted.
std::vector<std::string> handout_pages() {
    std::vector<fs::path> handouts;
    for (const fs::directory_entry& lab : fs::directory_iterator(kRoot / "labs")) {
        if (fs::is_regular_file(lab.path() / "README.md")) {
            handouts.push_back(lab.path() / "README.md");
        }
    }
    std::sort(handouts.begin(), handouts.end());
    std::vector<std::string> pages;
    for (const fs::path& handout : handouts) {
        pages.push_back(page_of(handout));
    }
    return pages;
}

/// The pages of docs/Doxyfile.in's INPUT, in order, but the main page.
std::vector<std::string> input_pages() {
    std::string input;
    bool in_input = false;
    for (const std::string& line : lines_of(kRoot / "docs/Doxyfile.in")) {
        if (line.rfind("INPUT ", 0) == 0) {
            in_input = true;
        }
        if (!in_input) {
            continue;
        }
        input += line.substr(0, line.find('\\')) + " ";
        if (line.empty() || line.back() != '\\') {
            break;
        }
    }
    std::vector<std::string> pages;
    std::istringstream entries(input);
    for (std::string entry; entries >> entry;) {
        if (entry == "@PCLAB_DOC_HANDOUTS@") {
            const std::vector<std::string> handouts = handout_pages();
            pages.insert(pages.end(), handouts.begin(), handouts.end());
        } else if (entry == "@PCLAB_DOC_INSTRUCTOR_PAGES@") {
            // The instructor guide, absent from the student release (cmake/PclabDocs.cmake).
            if (fs::exists(kRoot / "docs/instructor-guide.md")) {
                pages.push_back(page_of(kRoot / "docs/instructor-guide.md"));
            }
        } else if (entry.size() > 3 && entry.ends_with(".md") && !entry.ends_with("/index.md")) {
            const std::string source_dir = "@PROJECT_SOURCE_DIR@/";
            EXPECT_EQ(entry.rfind(source_dir, 0), 0U) << entry;
            pages.push_back(page_of(kRoot / entry.substr(source_dir.size())));
        }
    }
    return pages;
}

/// The pages docs/index.md lists (`- @ref page` or `1. @ref page` items) before its API
/// reference, in order.
std::vector<std::string> main_page_links() {
    const std::regex item(R"(^\s*(?:-|\d+\.) @ref (\w+))");
    std::vector<std::string> pages;
    for (const std::string& line : lines_of(kRoot / "docs/index.md")) {
        if (line.find("API reference") != std::string::npos && line.rfind("<h2>", 0) == 0) {
            break;
        }
        std::smatch match;
        if (std::regex_search(line, match, item)) {
            pages.push_back(match[1].str());
        }
    }
    return pages;
}

TEST(DocsPageOrder, TheMainPageLinksEveryPageInTheOrderTheSiteListsThem) {
    const std::vector<std::string> listed = input_pages();
    ASSERT_FALSE(listed.empty()) << "no Markdown page in docs/Doxyfile.in's INPUT";
    EXPECT_EQ(main_page_links(), listed)
        << "docs/index.md's links and docs/Doxyfile.in's INPUT list the pages in another order";
}

TEST(DocsPageOrder, TheHandoutsComeFirstInLabOrder) {
    const std::vector<std::string> handouts = handout_pages();
    const std::vector<std::string> listed = input_pages();
    ASSERT_GE(listed.size(), handouts.size());
    EXPECT_TRUE(std::equal(handouts.begin(), handouts.end(), listed.begin()))
        << "the site starts with the handouts, 01 first";
}

}  // namespace
