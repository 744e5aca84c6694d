#include "report_formats.hpp"

#include <algorithm>
#include <cstdio>
#include <sstream>
#include <string_view>
#include <vector>

#include "check_explanation.hpp"

namespace pclab::grader {

using nlohmann::json;

namespace {

// ---------------------------------------------------------------------------------------------
// JSON

json check_json(const LabResult& lab, const CheckResult& check) {
    const bool passed = lab.counts_as_passed(check);
    json out = {
        {"name", check.name},
        {"status", passed ? "passed" : "failed"},
        {"category", passed ? json(nullptr) : json(lab.category_of(check))},
        {"score", lab.awarded(check)},
        {"max_score", check.max_score},
        {"message", lab.message_of(check)},
        {"explains", check.explains},
        {"builds", check.builds},
        {"duration_ms", check.duration.count()},
        {"hidden", check.hidden},
    };
    if (check.seed) {
        out["seed"] = *check.seed;
    }
    if (!check.replay_command.empty()) {
        out["replay"] = check.replay_command;
    }
    if (check.where) {
        out["location"] = {{"file", check.where->file}, {"line", check.where->line}};
    }
    return out;
}

json lab_json(const LabResult& lab) {
    json checks = json::array();
    for (const auto& check : lab.checks) {
        checks.push_back(check_json(lab, check));
    }
    json out = {
        {"id", lab.id},
        {"slug", lab.slug},
        {"title", lab.title},
        {"impl", lab.impl},
        {"score", lab.score()},
        {"max_score", lab.max_score()},
        {"checks", std::move(checks)},
    };
    if (lab.has_error()) {
        out["error"] = {{"category", lab.error_category()}, {"message", lab.lab_error}};
    }
    return out;
}

// ---------------------------------------------------------------------------------------------
// Text

constexpr std::string_view kTick = "✔";
constexpr std::string_view kCross = "✘";
// Continuation lines of a lost-point entry line up under the text after "  NN ".
constexpr std::string_view kContinuation = "     ";
// Check names pad to at least this width so short names still leave a clear score column.
constexpr std::size_t kMinNameWidth = 24;

// Terminal columns taken by UTF-8 text: one per code point, which holds for the Latin text,
// dashes and check marks the report prints (no wide CJK glyphs expected in lab titles).
std::size_t display_width(std::string_view text) {
    return static_cast<std::size_t>(std::count_if(text.begin(), text.end(), [](char c) {
        return (static_cast<unsigned char>(c) & 0xC0U) != 0x80U;
    }));
}

std::string padded(std::string_view text, std::size_t width) {
    std::string out(text);
    const std::size_t used = display_width(text);
    if (used < width) {
        out.append(width - used, ' ');
    }
    return out;
}

std::string right_aligned(std::string_view text, std::size_t width) {
    const std::size_t used = display_width(text);
    return std::string(used < width ? width - used : 0, ' ') + std::string(text);
}

// A check's name as the text report shows it: a hidden check is marked, so an instructor
// reading a report sees which points came from checks the students have not seen.
std::string shown_name(const CheckResult& check) {
    return check.hidden ? check.name + " (hidden)" : check.name;
}

std::string score_text(int score, int max_score) {
    return std::to_string(score) + "/" + std::to_string(max_score);
}

std::string seconds_text(std::chrono::milliseconds duration) {
    char buffer[32];
    std::snprintf(buffer, sizeof buffer, "%.1f s", static_cast<double>(duration.count()) / 1000.0);
    return buffer;
}

class TextReport {
  public:
    TextReport(const GradingRun& run, bool colour) : run_(run), colour_(colour) {}

    std::string render() {
        measure();
        out_ << bold("pclab grade") << " — seed " << run_.seed
             << ", implementation: " << (run_.impl.empty() ? "(default)" : run_.impl) << "\n\n";
        if (run_.labs.empty()) {
            out_ << "No labs were graded.\n\n";
        }
        for (const auto& lab : run_.labs) {
            lab_block(lab);
        }
        lost_points();
        out_ << bold("Total " + score_text(run_.score(), run_.max_score())) << "  ("
             << seconds_text(run_.duration) << ")\n";
        return out_.str();
    }

  private:
    std::string styled(std::string_view text, std::string_view code) const {
        if (!colour_) {
            return std::string(text);
        }
        return "\x1b[" + std::string(code) + "m" + std::string(text) + "\x1b[0m";
    }
    std::string bold(std::string_view text) const { return styled(text, "1"); }
    std::string green(std::string_view text) const { return styled(text, "32"); }
    std::string red(std::string_view text) const { return styled(text, "31"); }

    std::string lab_heading(const LabResult& lab) const {
        std::string heading = "Lab " + lab.id + "  " + lab.slug;
        if (!lab.title.empty()) {
            heading += " — " + lab.title;
        }
        if (!lab.impl.empty() && lab.impl != run_.impl) {
            heading += "  [" + lab.impl + "]";
        }
        return heading;
    }

    // Column widths are computed over the whole run so that every lab's rows line up.
    void measure() {
        name_width_ = kMinNameWidth;
        for (const auto& lab : run_.labs) {
            heading_width_ = std::max(heading_width_, display_width(lab_heading(lab)));
            for (const auto& check : lab.checks) {
                name_width_ = std::max(name_width_, display_width(shown_name(check)));
                score_width_ =
                    std::max(score_width_, score_text(check.max_score, check.max_score).size());
            }
            lab_score_width_ =
                std::max(lab_score_width_, score_text(lab.max_score(), lab.max_score()).size());
        }
    }

    void lab_block(const LabResult& lab) {
        const int score = lab.score();
        const std::string score_cell =
            right_aligned(score_text(score, lab.max_score()), lab_score_width_);
        out_ << bold(padded(lab_heading(lab), heading_width_)) << "  "
             << (score == lab.max_score() ? green(score_cell) : red(score_cell));
        if (lab.has_error()) {
            out_ << "   " << red("could not run: " + lab.error_category());
        }
        out_ << '\n';
        for (const auto& check : lab.checks) {
            const bool passed = lab.counts_as_passed(check);
            const std::string cell =
                right_aligned(score_text(lab.awarded(check), check.max_score), score_width_);
            out_ << "  " << (passed ? green(kTick) : red(kCross)) << ' '
                 << padded(shown_name(check), name_width_) << ' '
                 << (passed ? green(cell) : red(cell));
            if (!passed) {
                out_ << "   " << red(lab.category_of(check));
            }
            out_ << '\n';
        }
        out_ << '\n';
    }

    // One entry: "  NN name (category): first line", continuation lines, location, seed/replay.
    void entry(const LabResult& lab, std::string_view subject, const CheckExplanation& text) {
        out_ << "  " << bold(lab.id + " " + std::string(subject)) << " (" << red(text.category)
             << "): " << text.lines.front() << '\n';
        for (std::size_t i = 1; i < text.lines.size(); ++i) {
            out_ << (text.lines[i].empty() ? std::string()
                                           : std::string(kContinuation) + text.lines[i])
                 << '\n';
        }
        for (const std::string* extra : {&text.location, &text.reproduce}) {
            if (!extra->empty()) {
                out_ << kContinuation << *extra << '\n';
            }
        }
    }

    void lost_points() {
        bool any = false;
        for (const auto& lab : run_.labs) {
            for (const auto& check : lab.checks) {
                any = any || !lab.counts_as_passed(check);
            }
            any = any || lab.has_error();
        }
        if (!any) {
            if (!run_.labs.empty()) {
                out_ << green("Every check passed.")
                     << " These checks found no bug; that is evidence, not a proof of "
                        "correctness.\n\n";
            }
            return;
        }
        out_ << bold("Lost points") << '\n';
        for (const auto& lab : run_.labs) {
            if (lab.has_error()) {
                // The lab-wide reason is printed once; each check then only says where to
                // look and how to replay, instead of repeating a long compiler error.
                CheckExplanation reason;
                reason.category = lab.error_category();
                reason.lines = report_lines(lab.lab_error);
                entry(lab, "could not run", reason);
            }
            for (const auto& check : lab.checks) {
                if (lab.counts_as_passed(check)) {
                    continue;
                }
                CheckExplanation explanation = explain_check(lab, check);
                if (lab.has_error() && lab.message_of(check) == lab.lab_error) {
                    explanation.lines = {"the lab could not run (see above)"};
                }
                entry(lab, shown_name(check), explanation);
            }
        }
        out_ << '\n';
    }

    const GradingRun& run_;
    const bool colour_;
    std::ostringstream out_;
    std::size_t name_width_ = kMinNameWidth;
    std::size_t heading_width_ = 0;
    std::size_t score_width_ = 3;
    std::size_t lab_score_width_ = 3;
};

}  // namespace

json to_json(const GradingRun& run) {
    json labs = json::array();
    for (const auto& lab : run.labs) {
        labs.push_back(lab_json(lab));
    }
    return {
        {"score", run.score()},
        {"max_score", run.max_score()},
        {"seed", run.seed},
        {"impl", run.impl},
        {"duration_ms", run.duration.count()},
        {"labs", std::move(labs)},
        {"timeout_scale", run.timeout_scale},
    };
}

std::string to_text(const GradingRun& run, bool colour) {
    return TextReport(run, colour).render();
}

}  // namespace pclab::grader
