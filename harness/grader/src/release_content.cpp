#include "release_content.hpp"

#include <fnmatch.h>

#include <algorithm>
#include <sstream>

namespace pclab::grader {
namespace {

std::string_view trimmed(std::string_view text) {
    const auto first = text.find_first_not_of(" \t\r");
    if (first == std::string_view::npos) {
        return {};
    }
    const auto last = text.find_last_not_of(" \t\r");
    return text.substr(first, last - first + 1);
}

// Calls `visit(line)` for every line of `text` (without its '\n').
template <class Visit>
void for_each_line(std::string_view text, Visit&& visit) {
    while (!text.empty()) {
        const auto end = text.find('\n');
        visit(text.substr(0, end));
        if (end == std::string_view::npos) {
            break;
        }
        text.remove_prefix(end + 1);
    }
}

bool is_signature_candidate(std::string_view line) {
    return line.size() > InstructorLeakScan::kMinLineLength && !line.starts_with("#include");
}

}  // namespace

ReleaseManifest ReleaseManifest::parse(std::string_view text, const std::string& label) {
    ReleaseManifest manifest;
    int number = 0;
    for_each_line(text, [&](std::string_view raw) {
        ++number;
        std::string glob(trimmed(raw));
        if (glob.empty() || glob.front() == '#') {
            return;
        }
        while (glob.size() > 1 && glob.back() == '/') {
            glob.pop_back();
        }
        const bool climbs = glob == ".." || glob.starts_with("../") ||
                            glob.find("/../") != std::string::npos || glob.ends_with("/..");
        if (glob.front() == '/' || climbs) {
            throw std::invalid_argument(
                label + ":" + std::to_string(number) +
                ": a glob is relative to the kit's root and stays in it ('" + glob + "')");
        }
        manifest.globs_.push_back(std::move(glob));
    });
    return manifest;
}

bool ReleaseManifest::excludes(std::string_view relative_path) const {
    // The path itself, then each parent directory: "a/b/c", "a/b", "a".
    std::string path(relative_path);
    for (;;) {
        for (const std::string& glob : globs_) {
            if (::fnmatch(glob.c_str(), path.c_str(), FNM_PATHNAME) == 0) {
                return true;
            }
        }
        const auto slash = path.rfind('/');
        if (slash == std::string::npos) {
            return false;
        }
        path.resize(slash);
    }
}

StrippedMarkdown strip_instructor_blocks(std::string_view markdown, const std::string& label) {
    StrippedMarkdown result;
    result.text.reserve(markdown.size());
    int number = 0;
    int opened_at = 0;  // line of the open marker of the current block; 0 outside blocks
    const auto fail = [&](int line, const std::string& what) {
        throw std::invalid_argument(label + ":" + std::to_string(line) + ": " + what);
    };
    std::string_view rest = markdown;
    while (!rest.empty()) {
        const auto end = rest.find('\n');
        const std::string_view line =
            rest.substr(0, end == std::string_view::npos ? rest.size() : end + 1);
        rest.remove_prefix(line.size());
        ++number;
        const std::string_view content = trimmed(line.substr(0, line.find('\n')));
        const bool open = content == kInstructorOpen;
        const bool close = content == kInstructorClose;
        const bool stray = !open && !close &&
                           (content.find(kInstructorOpen) != std::string_view::npos ||
                            content.find(kInstructorClose) != std::string_view::npos);
        if (stray) {
            fail(number, "an instructor marker must be on a line of its own");
        }
        if (open) {
            if (opened_at != 0) {
                fail(number, std::string(kInstructorOpen) + " inside the block opened at line " +
                                 std::to_string(opened_at) + " (blocks do not nest)");
            }
            opened_at = number;
        } else if (close) {
            if (opened_at == 0) {
                fail(number, std::string(kInstructorClose) + " without a block to close");
            }
            opened_at = 0;
            ++result.blocks;
        } else if (opened_at == 0) {
            result.text += line;
        }
    }
    if (opened_at != 0) {
        fail(opened_at, "the instructor block opened here is never closed (" +
                            std::string(kInstructorClose) + ")");
    }
    return result;
}

void InstructorLeakScan::add_instructor_file(const std::string& label, std::string text) {
    ++instructor_files_;
    for_each_line(text, [&](std::string_view raw) {
        const std::string_view line = trimmed(raw);
        if (is_signature_candidate(line)) {
            candidate_lines_.emplace(std::string(line), label);
        }
    });
    if (!text.empty()) {
        files_by_text_[std::move(text)].push_back(label);
    }
}

void InstructorLeakScan::add_student_side(std::string_view text) {
    for_each_line(text, [&](std::string_view raw) {
        const std::string_view line = trimmed(raw);
        if (is_signature_candidate(line)) {
            student_side_.emplace(line);
        }
    });
}

InstructorLeak InstructorLeakScan::scan(const std::string& file, std::string_view text) const {
    InstructorLeak leak;
    leak.file = file;
    if (const auto same = files_by_text_.find(std::string(text)); same != files_by_text_.end()) {
        leak.same_as = same->second;
    }
    std::set<std::string_view> seen;
    for_each_line(text, [&](std::string_view raw) {
        const std::string_view line = trimmed(raw);
        if (!is_signature_candidate(line) || !seen.insert(line).second) {
            return;
        }
        const auto found = candidate_lines_.find(std::string(line));
        if (found != candidate_lines_.end() && !student_side_.contains(found->first)) {
            leak.lines.emplace_back(found->first, found->second);
        }
    });
    return leak;
}

}  // namespace pclab::grader
