#include "class_roster.hpp"

#include <algorithm>
#include <charconv>
#include <map>
#include <system_error>

namespace pclab::grader {
namespace fs = std::filesystem;

namespace {

bool safe_in_id(char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' ||
           c == '_' || c == '@' || c == '+' || c == '-';
}

}  // namespace

std::string student_id_for(std::string_view directory_name) {
    std::string id;
    for (const char c : directory_name.substr(0, kMaxStudentIdLength)) {
        id += safe_in_id(c) ? c : '_';
    }
    // A leading '-' reads as an option on a command line, a leading '.' hides the directory.
    if (!id.empty() && (id.front() == '-' || id.front() == '.')) {
        id.front() = '_';
    }
    return id.empty() ? "_" : id;
}

Roster read_roster(const fs::path& submissions) {
    std::error_code error;
    if (!fs::is_directory(submissions, error)) {
        throw RosterError(submissions.string() +
                          " is not a directory (it should hold one directory per student)");
    }
    Roster roster;
    std::vector<fs::directory_entry> entries;
    fs::directory_iterator it(submissions, error);
    if (error) {
        throw RosterError("cannot read " + submissions.string() + ": " + error.message());
    }
    for (; it != fs::directory_iterator(); it.increment(error)) {
        if (error) {
            throw RosterError("cannot read " + submissions.string() + ": " + error.message());
        }
        entries.push_back(*it);
    }
    std::sort(entries.begin(), entries.end(), [](const auto& a, const auto& b) {
        return a.path().filename() < b.path().filename();
    });

    std::map<std::string, int> taken;  // id → how many directories already map to it
    for (const fs::directory_entry& entry : entries) {
        const std::string name = entry.path().filename().string();
        if (name.front() == '.') {
            roster.skipped.push_back(name + " (hidden)");
            continue;
        }
        if (!entry.is_directory(error)) {
            roster.skipped.push_back(name + " (not a directory)");
            continue;
        }
        std::string id = student_id_for(name);
        if (const int seen = taken[id]++; seen > 0) {
            std::string unique;
            for (int n = seen + 1; unique.empty() || taken.contains(unique); ++n) {
                const std::string suffix = "-" + std::to_string(n);
                unique = id.substr(0, kMaxStudentIdLength - suffix.size()) + suffix;
            }
            ++taken[unique];
            id = unique;
        }
        roster.students.push_back({id, name, fs::absolute(entry.path())});
    }
    std::sort(roster.students.begin(), roster.students.end(),
              [](const ClassMember& a, const ClassMember& b) { return a.id < b.id; });
    return roster;
}

std::optional<Shard> parse_shard(std::string_view text) {
    const std::size_t slash = text.find('/');
    if (slash == std::string_view::npos) {
        return std::nullopt;
    }
    Shard shard;
    const auto parse = [](std::string_view part, int& value) {
        const auto [end, error] = std::from_chars(part.data(), part.data() + part.size(), value);
        return error == std::errc{} && end == part.data() + part.size() && !part.empty();
    };
    if (!parse(text.substr(0, slash), shard.index) || !parse(text.substr(slash + 1), shard.count) ||
        shard.count < 1 || shard.index < 0 || shard.index >= shard.count) {
        return std::nullopt;
    }
    return shard;
}

std::vector<ClassMember> students_of_shard(const std::vector<ClassMember>& students, Shard shard) {
    std::vector<ClassMember> part;
    for (std::size_t i = 0; i < students.size(); ++i) {
        if (static_cast<int>(i % static_cast<std::size_t>(shard.count)) == shard.index) {
            part.push_back(students[i]);
        }
    }
    return part;
}

}  // namespace pclab::grader
