#include "include_directives.hpp"

#include <algorithm>
#include <filesystem>
#include <regex>
#include <sstream>

namespace pclab::grader {

std::vector<std::string> includes_leaving_the_labs(std::string_view source,
                                                   std::string_view file_dir) {
    static const std::regex any_include(R"(^\s*#\s*include\b)");
    static const std::regex directive(R"(^\s*#\s*include\s*[<"]([^>"]*)[>"])");
    std::vector<std::string> leaving;
    std::istringstream lines{std::string(source)};
    for (std::string line; std::getline(lines, line);) {
        if (!std::regex_search(line, any_include)) {
            continue;
        }
        std::smatch match;
        if (!std::regex_search(line, match, directive)) {
            // `#include MACRO`: where it leads is known only to the preprocessor
            const std::string operand = line.substr(line.find("include") + 7);
            leaving.push_back(
                operand.substr(std::min(operand.size(), operand.find_first_not_of(" \t"))));
            continue;
        }
        const std::string path = match[1].str();
        if (path.empty()) {
            continue;
        }
        if (path.front() == '/') {
            leaving.push_back(path);
            continue;
        }
        if (path.find("..") == std::string::npos) {
            continue;  // found in the file's directory or on the include path: both the kit's
        }
        const std::string resolved =
            (std::filesystem::path(file_dir) / path).lexically_normal().generic_string();
        if (resolved.rfind("labs/", 0) != 0) {
            leaving.push_back(path);
        }
    }
    return leaving;
}

}  // namespace pclab::grader
