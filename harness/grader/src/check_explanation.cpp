#include "check_explanation.hpp"

#include <sstream>

namespace pclab::grader {

std::string without_terminal_controls(std::string_view text) {
    std::string out;
    out.reserve(text.size());
    for (std::size_t i = 0; i < text.size(); ++i) {
        if (text[i] == '\x1b') {
            // CSI: ESC '[' parameters/intermediates, then one final byte in '@'..'~'.
            if (i + 1 < text.size() && text[i + 1] == '[') {
                i += 2;
                while (i < text.size() && !(text[i] >= '@' && text[i] <= '~')) {
                    ++i;
                }
            }
            continue;
        }
        // A carriage return would overwrite the indentation of a continuation line; other
        // control characters (a bell, a backspace) have no place in a report either.
        const auto byte = static_cast<unsigned char>(text[i]);
        if ((byte < 0x20U && text[i] != '\n' && text[i] != '\t') || byte == 0x7FU) {
            continue;
        }
        out += text[i];
    }
    return out;
}

std::vector<std::string> report_lines(std::string_view text) {
    std::string clean = without_terminal_controls(text);
    while (!clean.empty() && (clean.back() == '\n' || clean.back() == ' ')) {
        clean.pop_back();
    }
    std::vector<std::string> lines;
    std::istringstream in(clean);
    for (std::string line; std::getline(in, line);) {
        lines.push_back(line);
    }
    if (lines.empty()) {
        lines.emplace_back();
    }
    return lines;
}

CheckExplanation explain_check(const LabResult& lab, const CheckResult& check) {
    CheckExplanation explanation;
    if (lab.counts_as_passed(check)) {
        explanation.lines = report_lines(check.explains);
        return explanation;
    }
    explanation.category = lab.category_of(check);
    explanation.lines = report_lines(lab.message_of(check));
    if (check.where && !check.where->file.empty()) {
        explanation.location = "look at " + without_terminal_controls(check.where->file);
        if (check.where->line > 0) {
            explanation.location += ":" + std::to_string(check.where->line);
        }
    }
    if (check.seed) {
        explanation.reproduce = "seed " + std::to_string(*check.seed);
    }
    if (!check.replay_command.empty()) {
        explanation.reproduce += (explanation.reproduce.empty() ? "" : " · ") +
                                 std::string("replay: ") +
                                 without_terminal_controls(check.replay_command);
    }
    return explanation;
}

std::string plain_explanation(const LabResult& lab, const CheckResult& check) {
    const CheckExplanation explanation = explain_check(lab, check);
    std::string text =
        (explanation.category.empty() ? std::string("passed") : explanation.category) + ": " +
        explanation.lines.front() + "\n";
    for (std::size_t i = 1; i < explanation.lines.size(); ++i) {
        text += explanation.lines[i] + "\n";
    }
    for (const std::string* extra : {&explanation.location, &explanation.reproduce}) {
        if (!extra->empty()) {
            text += *extra + "\n";
        }
    }
    return text;
}

}  // namespace pclab::grader
