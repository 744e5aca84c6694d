// docs/categories.md tells a student what each failure category means and what to do about it.
// It must not drift from the list the grader reports (<pclab/failure_categories.hpp>): one
// section per category, in the list's order, with the anchor other pages link to and the three
// parts every section has; and no section for a name that is not a category.
#include <gtest/gtest.h>

#include <algorithm>
#include <cstddef>
#include <fstream>
#include <regex>
#include <sstream>
#include <string>
#include <vector>

#include <pclab/failure_categories.hpp>

#ifndef PCLAB_SOURCE_DIR
#error "PCLAB_SOURCE_DIR must name the repository root"
#endif

namespace {

const std::string kPage = std::string(PCLAB_SOURCE_DIR) + "/docs/categories.md";

/// A level-2 heading of the page that carries a category anchor, and the text up to the next
/// level-2 heading.
struct Section {
    std::string name;
    std::string anchor;
    std::size_t line = 0;
    std::string body;
};

struct Page {
    std::vector<Section> sections;
    std::vector<std::string> malformed;  // "line N: heading" for a category heading out of shape
};

Page read_page() {
    std::ifstream in(kPage);
    EXPECT_TRUE(in) << "cannot read " << kPage;
    // "## data-race {#category_data_race}"
    const std::regex category_heading(R"(^## ([^ ]+) \{#(category_[A-Za-z0-9_]+)\}$)");
    Page page;
    Section* open = nullptr;
    bool in_fence = false;
    std::size_t number = 0;
    for (std::string line; std::getline(in, line);) {
        ++number;
        if (line.rfind("```", 0) == 0) {
            in_fence = !in_fence;
        }
        const bool heading = !in_fence && line.rfind("## ", 0) == 0;
        if (heading) {
            open = nullptr;
            std::smatch match;
            if (std::regex_match(line, match, category_heading)) {
                page.sections.push_back({match[1].str(), match[2].str(), number, ""});
                open = &page.sections.back();
            } else if (line.find("{#category_") != std::string::npos) {
                page.malformed.push_back("line " + std::to_string(number) + ": " + line);
            }
            continue;
        }
        if (open != nullptr) {
            open->body += line + "\n";
        }
    }
    return page;
}

std::vector<std::string> category_names() {
    std::vector<std::string> names;
    for (const pclab::FailureCategory& category : pclab::kFailureCategories) {
        names.emplace_back(category.name);
    }
    return names;
}

std::string joined(const std::vector<std::string>& names) {
    std::ostringstream out;
    for (const std::string& name : names) {
        out << (out.tellp() == 0 ? "" : ", ") << name;
    }
    return out.str();
}

TEST(CategoriesPage, HasOneSectionPerCategoryInTheListsOrder) {
    const Page page = read_page();
    EXPECT_TRUE(page.malformed.empty())
        << "category headings must read \"## <name> {#category_<name>}\": "
        << joined(page.malformed);

    std::vector<std::string> documented;
    for (const Section& section : page.sections) {
        documented.push_back(section.name);
    }
    const std::vector<std::string> expected = category_names();

    std::vector<std::string> missing;
    for (const std::string& name : expected) {
        if (std::find(documented.begin(), documented.end(), name) == documented.end()) {
            missing.push_back(name);
        }
    }
    std::vector<std::string> unknown;
    for (const std::string& name : documented) {
        if (!pclab::is_failure_category(name)) {
            unknown.push_back(name);
        }
    }
    EXPECT_TRUE(missing.empty()) << kPage << " has no section for: " << joined(missing);
    EXPECT_TRUE(unknown.empty()) << kPage << " has sections for names that are not categories "
                                 << "of <pclab/failure_categories.hpp>: " << joined(unknown);
    EXPECT_EQ(documented, expected) << "the sections must follow the order of kFailureCategories";
}

TEST(CategoriesPage, AnchorsAreTheCategoryNames) {
    for (const Section& section : read_page().sections) {
        std::string anchor = "category_" + section.name;
        std::replace(anchor.begin(), anchor.end(), '-', '_');
        EXPECT_EQ(section.anchor, anchor) << "line " << section.line << ": links to the section "
                                          << section.name << " use this anchor";
    }
}

TEST(CategoriesPage, EverySectionSaysWhatWasSeenWhyAndWhatToDo) {
    const Page page = read_page();
    ASSERT_FALSE(page.sections.empty()) << kPage << " has no category section";
    for (const Section& section : page.sections) {
        for (const char* part :
             {"**What the grader saw.**", "**The usual bug.**", "**What to do next.**"}) {
            EXPECT_NE(section.body.find(part), std::string::npos)
                << "line " << section.line << ": the section " << section.name << " lacks " << part;
        }
    }
}

}  // namespace
