#include "github_report.hpp"

#include <algorithm>
#include <cstdio>
#include <filesystem>

#include "check_explanation.hpp"

namespace pclab::grader {

namespace {

std::string score_text(int score, int max_score) {
    return std::to_string(score) + "/" + std::to_string(max_score);
}

// A table cell: a '|' would end the cell, a newline the row.
std::string table_cell(std::string_view text) {
    std::string out;
    for (const char c : without_terminal_controls(text)) {
        if (c == '|') {
            out += "\\|";
        } else if (c == '\n') {
            out += ' ';
        } else {
            out += c;
        }
    }
    return out;
}

// A fenced code block that `text` cannot close early: its fence is longer than any run of
// backticks inside.
std::string code_block(const std::string& text) {
    std::size_t longest = 0;
    std::size_t run = 0;
    for (const char c : text) {
        run = c == '`' ? run + 1 : 0;
        longest = std::max(longest, run);
    }
    const std::string fence(std::max<std::size_t>(3, longest + 1), '`');
    return fence + "text\n" + text + fence + "\n";
}

std::string seconds_text(std::chrono::milliseconds duration) {
    char buffer[32];
    std::snprintf(buffer, sizeof buffer, "%.1f s", static_cast<double>(duration.count()) / 1000.0);
    return buffer;
}

std::string escaped(std::string_view text, bool property) {
    std::string out;
    for (const char c : text) {
        switch (c) {
            case '%':
                out += "%25";
                break;
            case '\r':
                out += "%0D";
                break;
            case '\n':
                out += "%0A";
                break;
            case ':':
                out += property ? "%3A" : ":";
                break;
            case ',':
                out += property ? "%2C" : ",";
                break;
            default:
                out += c;
        }
    }
    return out;
}

}  // namespace

std::string github_escaped_data(std::string_view text) {
    return escaped(text, false);
}

std::string github_escaped_property(std::string_view text) {
    return escaped(text, true);
}

std::optional<std::string> repository_path(const LabResult& lab, const CodeLocation& where) {
    const std::string path = std::filesystem::path(where.file).lexically_normal().generic_string();
    if (path.starts_with("labs/")) {
        return path;
    }
    const std::string marker = "/labs/" + lab.id + "-" + lab.slug + "/";
    if (const std::size_t at = path.find(marker); at != std::string::npos) {
        return path.substr(at + 1);
    }
    return std::nullopt;
}

std::string github_summary(const GradingRun& run) {
    std::string text = "## pclab grade: " + score_text(run.score(), run.max_score()) + "\n\n";
    text += "Seed `" + std::to_string(run.seed) + "` · implementation `" +
            table_cell(run.impl.empty() ? "(default)" : run.impl) + "` · " +
            seconds_text(run.duration) + "\n\n";
    if (run.labs.empty()) {
        return text + "No labs were graded.\n";
    }
    text += "| Lab | Score | Result |\n|---|---:|---|\n";
    std::string lost;
    for (const LabResult& lab : run.labs) {
        const auto failed = std::count_if(lab.checks.begin(), lab.checks.end(),
                                          [&](const auto& c) { return !lab.counts_as_passed(c); });
        std::string result = "✔ every check passed";
        if (lab.has_error()) {
            result = "✘ could not run: `" + lab.error_category() + "`";
        } else if (failed > 0) {
            result =
                "✘ " + std::to_string(failed) + (failed == 1 ? " check" : " checks") + " failed";
        }
        std::string name = lab.id + " " + lab.slug;
        if (!lab.title.empty()) {
            name += " — " + lab.title;
        }
        text += "| " + table_cell(name) + " | " + score_text(lab.score(), lab.max_score()) + " | " +
                result + " |\n";
        for (const CheckResult& check : lab.checks) {
            if (lab.counts_as_passed(check)) {
                continue;
            }
            lost += "**" + lab.id + " " + lab.slug + ": " + table_cell(check.name) + "** — `" +
                    lab.category_of(check) + "`, " + score_text(0, check.max_score) + "\n\n" +
                    code_block(plain_explanation(lab, check)) + "\n";
        }
    }
    text += "| **Total** | **" + score_text(run.score(), run.max_score()) + "** | |\n";
    if (!lost.empty()) {
        text += "\n### Lost points\n\n" + lost;
    }
    return text;
}

std::string github_annotations(const GradingRun& run) {
    std::string lines;
    for (const LabResult& lab : run.labs) {
        for (const CheckResult& check : lab.checks) {
            if (lab.counts_as_passed(check)) {
                continue;
            }
            std::string properties;
            if (check.where) {
                if (const auto path = repository_path(lab, *check.where)) {
                    properties = "file=" + github_escaped_property(*path) + ",";
                    if (check.where->line > 0) {
                        properties += "line=" + std::to_string(check.where->line) + ",";
                    }
                }
            }
            properties +=
                "title=" + github_escaped_property(lab.id + " " + lab.slug + ": " + check.name +
                                                   " (" + lab.category_of(check) + ")");
            std::string message = plain_explanation(lab, check);
            message.pop_back();  // the final newline would show as an empty last line
            lines += "::error " + properties + "::" + github_escaped_data(message) + "\n";
        }
    }
    return lines;
}

}  // namespace pclab::grader
