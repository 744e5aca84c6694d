#include "class_report_html.hpp"

#include <algorithm>
#include <cstdio>
#include <set>
#include <sstream>

namespace pclab::grader {

namespace {

// The page's look. Colours keep their meaning without colour too: every cell also states its
// score, and a failed grading says "error".
constexpr std::string_view kStyle = R"css(
:root { color-scheme: light; }
body { font: 15px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial,
       sans-serif; color: #1f2430; background: #fff; margin: 0; }
main { max-width: 1180px; margin: 0 auto; padding: 1.5rem 2rem 3rem; }
h1 { font-size: 1.65rem; margin: 0 0 .4rem; }
h2 { font-size: 1.25rem; margin: 2.2rem 0 .6rem; padding-bottom: .25rem;
     border-bottom: 2px solid #e3e6ec; }
h3 { font-size: 1.05rem; margin: 1.2rem 0 .4rem; }
h4 { font-size: .98rem; margin: 1rem 0 .35rem; }
code, pre { font-family: ui-monospace, "SFMono-Regular", Menlo, Consolas, "Liberation Mono",
            monospace; font-size: .86em; }
pre { background: #f6f7f9; border: 1px solid #e3e6ec; border-radius: 4px; padding: .5rem .7rem;
      margin: .3rem 0; white-space: pre-wrap; overflow-wrap: anywhere; max-height: 22rem;
      overflow: auto; }
a { color: #1a56b8; }
.meta { display: grid; grid-template-columns: max-content 1fr; gap: .15rem 1.2rem; margin: 0;
        color: #3b4252; }
.meta dt { font-weight: 600; }
.meta dd { margin: 0; }
.notice { background: #fff4e0; border-left: 4px solid #e08a00; padding: .55rem .9rem;
          margin: 1rem 0; }
.ok { background: #e7f5ea; border-left: 4px solid #2e8540; padding: .55rem .9rem; margin: 1rem 0; }
table { border-collapse: collapse; }
.scores th, .scores td { border: 1px solid #cfd5df; padding: .3rem .65rem; }
.scores thead th { background: #f0f2f6; font-weight: 600; vertical-align: bottom; }
.scores thead th small { display: block; font-weight: 400; color: #555d6b; }
.scores th.student { text-align: left; font-weight: 600; background: #fafbfc; }
.scores td { text-align: center; min-width: 6.5rem; }
.scores td a { display: block; color: inherit; text-decoration: none; }
.scores td a:hover .score { text-decoration: underline; }
.scores .score { font-weight: 600; font-variant-numeric: tabular-nums; }
.scores .cats { display: block; font-size: .74rem; color: #4a5160; }
.scores tfoot td, .scores tfoot th { background: #f0f2f6; font-size: .86rem; }
.full { background: #d8f0de; }
.partial { background: #fcefc2; }
.zero { background: #f7d3d1; }
.error { background: repeating-linear-gradient(45deg, #ececec, #ececec 6px, #dcdcdc 6px,
         #dcdcdc 12px); }
.legend { font-size: .86rem; color: #3b4252; margin: .6rem 0 0; }
.legend span { display: inline-block; padding: .05rem .5rem; border: 1px solid #cfd5df;
               margin-right: .5rem; }
.failures { margin: .2rem 0 .6rem; }
.failures th, .failures td { border-bottom: 1px solid #e3e6ec; padding: .3rem .7rem .3rem 0;
                             text-align: left; vertical-align: top; }
.failures td.count { text-align: right; font-variant-numeric: tabular-nums; font-weight: 600; }
.cat { color: #9b1c1c; font-weight: 600; }
details.student { border: 1px solid #cfd5df; border-radius: 6px; margin: .45rem 0; }
details.student > summary { cursor: pointer; padding: .45rem .8rem; background: #fafbfc;
                            border-radius: 6px; }
details.student[open] > summary { border-bottom: 1px solid #cfd5df; border-radius: 6px 6px 0 0; }
details.student:has(> .student-body:target) { outline: 3px solid #1a56b8; }
.student-body { scroll-margin-top: 3.5rem; }
summary .badge { display: inline-block; margin-left: .6rem; padding: 0 .5rem; border-radius: 3px;
                 font-weight: 600; font-variant-numeric: tabular-nums; }
summary .cats { color: #4a5160; font-size: .86rem; margin-left: .6rem; }
.student-body { padding: .3rem 1rem .8rem; }
.files { font-size: .86rem; color: #4a5160; }
.lost th, .lost td { border-bottom: 1px solid #e3e6ec; padding: .35rem .8rem .35rem 0;
                     text-align: left; vertical-align: top; }
.lost td.check { white-space: nowrap; font-weight: 600; }
.lost p { margin: .2rem 0; }
.passed { color: #2e7d32; }
)css";

std::string text_of(int value) {
    return std::to_string(value);
}

std::string score_text(int score, int max_score) {
    return text_of(score) + "/" + text_of(max_score);
}

std::string seconds_text(std::chrono::milliseconds duration) {
    char buffer[32];
    std::snprintf(buffer, sizeof buffer, "%.0f s", static_cast<double>(duration.count()) / 1000.0);
    return buffer;
}

std::string mean_text(double sum, int count) {
    if (count == 0) {
        return "–";
    }
    char buffer[32];
    std::snprintf(buffer, sizeof buffer, "%.1f", sum / count);
    return buffer;
}

// The colour class of a score: full, partial, zero, or error for a cell with no report.
std::string_view tone(int score, int max_score, bool grading_error) {
    if (grading_error) {
        return "error";
    }
    if (score >= max_score) {
        return "full";
    }
    return score > 0 ? "partial" : "zero";
}

std::string joined(const std::vector<std::string>& parts, std::string_view separator) {
    std::string out;
    for (const std::string& part : parts) {
        out += (out.empty() ? "" : std::string(separator)) + part;
    }
    return out;
}

// The id of a student's <details> element.
std::string anchor(const StudentResult& student) {
    return "student-" + student.id;
}

// What links to a student point at: the body inside the <details>, not the element itself.
// Following a link to an element inside a closed <details> opens it (HTML's "ancestor
// revealing" on fragment navigation, in Chromium since 2022), so the report is one click
// away without a script; a browser without it scrolls to the closed section.
std::string link_to(const StudentResult& student) {
    return "#report-" + student.id;
}

std::string lab_name(const LabColumn& column) {
    return column.id + (column.slug.empty() ? "" : " " + column.slug);
}

class ClassPage {
  public:
    explicit ClassPage(const ClassResults& results) : results_(results) {}

    std::string render() {
        out_ << "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
             << "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
             << "<title>" << html_escaped(title()) << "</title>\n<style>" << kStyle
             << "</style>\n</head>\n<body>\n<main>\n";
        header();
        score_table();
        failures();
        students();
        out_ << "</main>\n</body>\n</html>\n";
        return out_.str();
    }

  private:
    std::string title() const {
        std::vector<std::string> ids;
        for (const LabColumn& column : results_.labs) {
            ids.push_back(column.id);
        }
        return "pclab class report — " + text_of(static_cast<int>(results_.students.size())) +
               " students, lab" + (ids.size() == 1 ? " " : "s ") + joined(ids, ", ");
    }

    void header() {
        out_ << "<h1>pclab class report</h1>\n<dl class=\"meta\">\n";
        out_ << "<dt>Started</dt><dd>" << html_escaped(results_.graded_at) << "</dd>\n";
        std::vector<std::string> seeds;
        for (const std::uint64_t seed : results_.seeds) {
            seeds.push_back(std::to_string(seed));
        }
        out_ << "<dt>Seed" << (seeds.size() == 1 ? "" : "s") << "</dt><dd>"
             << html_escaped(seeds.empty() ? "(none recorded)" : joined(seeds, ", "))
             << (seeds.size() > 1 ? " (the shards were graded with different seeds)" : "")
             << "</dd>\n";
        out_ << "<dt>Labs</dt><dd>";
        for (std::size_t i = 0; i < results_.labs.size(); ++i) {
            const LabColumn& column = results_.labs[i];
            out_ << (i == 0 ? "" : "<br>") << html_escaped(lab_name(column))
                 << (column.title.empty() ? "" : " — " + html_escaped(column.title)) << " ("
                 << column.max_score << " points)";
        }
        out_ << "</dd>\n<dt>Students</dt><dd>" << results_.students.size() << " ("
             << results_.graded_count() << " graded";
        if (results_.failed_count() > 0) {
            out_ << ", " << results_.failed_count() << " whose grading failed";
        }
        out_ << ")</dd>\n";
        if (!results_.shards.empty()) {
            out_ << "<dt>Shards</dt><dd>" << html_escaped(joined(results_.shards, ", "))
                 << "</dd>\n";
        }
        out_ << "</dl>\n";
        if (results_.failed_count() > 0) {
            std::vector<std::string> links;
            for (const StudentResult& student : results_.students) {
                if (!student.graded) {
                    links.push_back("<a href=\"" + html_escaped(link_to(student)) + "\">" +
                                    html_escaped(student.id) + "</a>");
                }
            }
            out_ << "<p class=\"notice\"><strong>The grading of " << links.size() << " student"
                 << (links.size() == 1 ? "" : "s")
                 << " failed</strong> (the grader produced no report; their labs show "
                 << "<code>grading-error</code> and score 0): " << joined(links, ", ")
                 << ". Their sections below give the reason; re-grade them once it is "
                 << "fixed.</p>\n";
        }
    }

    void score_table() {
        out_ << "<h2>Scores</h2>\n<table class=\"scores\">\n<thead><tr><th "
                "class=\"student\">Student</th>";
        int class_max = 0;
        for (const LabColumn& column : results_.labs) {
            out_ << "<th>Lab " << html_escaped(column.id) << "<small>" << html_escaped(column.slug)
                 << "</small></th>";
            class_max += column.max_score;
        }
        out_ << "<th>Total<small>of " << class_max << "</small></th></tr></thead>\n<tbody>\n";
        for (const StudentResult& student : results_.students) {
            const std::string link = html_escaped(link_to(student));
            out_ << "<tr><th class=\"student\"><a href=\"" << link << "\">"
                 << html_escaped(student.id) << "</a></th>";
            for (const LabColumn& column : results_.labs) {
                const LabCell cell = cell_of(student, column);
                out_ << "<td class=\"" << tone(cell.score, cell.max_score, cell.grading_error)
                     << "\"><a href=\"" << link << "\"><span class=\"score\">"
                     << (cell.grading_error ? "error" : score_text(cell.score, cell.max_score))
                     << "</span>";
                if (!cell.categories.empty()) {
                    out_ << "<span class=\"cats\">" << html_escaped(joined(cell.categories, ", "))
                         << "</span>";
                }
                out_ << "</a></td>";
            }
            const auto [score, max_score] = total_of(student, results_.labs);
            out_ << "<td class=\"" << tone(score, max_score, !student.graded) << "\"><a href=\""
                 << link << "\"><span class=\"score\">" << score_text(score, max_score)
                 << "</span></a></td></tr>\n";
        }
        out_ << "</tbody>\n<tfoot><tr><th class=\"student\">Full marks</th>";
        int all_full = 0;
        for (const StudentResult& student : results_.students) {
            const auto [score, max_score] = total_of(student, results_.labs);
            all_full += student.graded && score == max_score ? 1 : 0;
        }
        for (const LabColumn& column : results_.labs) {
            int full = 0;
            for (const StudentResult& student : results_.students) {
                const LabCell cell = cell_of(student, column);
                full += !cell.grading_error && cell.score == cell.max_score ? 1 : 0;
            }
            out_ << "<td>" << full << " of " << results_.students.size() << "</td>";
        }
        out_ << "<td>" << all_full << " of " << results_.students.size() << "</td></tr>\n";
        // The mean over the students with a report: a failed grading says nothing of the lab.
        out_ << "<tr><th class=\"student\" title=\"over the students with a report\">Mean "
                "of graded</th>";
        double class_sum = 0;
        int class_graded = 0;
        for (const LabColumn& column : results_.labs) {
            double sum = 0;
            int graded = 0;
            for (const StudentResult& student : results_.students) {
                const LabCell cell = cell_of(student, column);
                if (!cell.grading_error) {
                    sum += cell.score;
                    ++graded;
                }
            }
            out_ << "<td>" << mean_text(sum, graded) << "</td>";
        }
        for (const StudentResult& student : results_.students) {
            if (student.graded) {
                class_sum += total_of(student, results_.labs).first;
                ++class_graded;
            }
        }
        out_ << "<td>" << mean_text(class_sum, class_graded) << "</td></tr></tfoot>\n</table>\n";
        out_ << "<p class=\"legend\"><span class=\"full\">full marks</span><span "
                "class=\"partial\">some points lost</span><span class=\"zero\">no "
                "points</span><span class=\"error\">grading failed</span>Under each score: the "
                "categories of the lost points. A name or a cell opens the student's "
                "report below.</p>\n";
    }

    void failures() {
        out_ << "<h2>Most common failures</h2>\n";
        std::vector<std::string> clean;  // labs where nobody lost a point: one line for all
        for (const LabColumn& column : results_.labs) {
            const auto counts = category_counts(results_, column);
            if (counts.empty()) {
                clean.push_back(html_escaped(lab_name(column)));
                continue;
            }
            out_ << "<h3>Lab " << html_escaped(lab_name(column))
                 << (column.title.empty() ? "" : " — " + html_escaped(column.title)) << "</h3>\n";
            out_ << "<table class=\"failures\"><thead><tr><th>Category</th><th>Students</th>"
                    "<th>Meaning</th><th>Who</th></tr></thead><tbody>\n";
            for (const auto& [category, count] : counts) {
                std::vector<std::string> who;
                for (const StudentResult& student : results_.students) {
                    const std::vector<std::string> lost = cell_of(student, column).categories;
                    if (std::find(lost.begin(), lost.end(), category) != lost.end()) {
                        who.push_back("<a href=\"" + html_escaped(link_to(student)) + "\">" +
                                      html_escaped(student.id) + "</a>");
                    }
                }
                out_ << "<tr><td><code class=\"cat\">" << html_escaped(category)
                     << "</code></td><td class=\"count\">" << count << "</td><td>"
                     << html_escaped(category_meaning(category)) << "</td><td>" << joined(who, ", ")
                     << "</td></tr>\n";
            }
            out_ << "</tbody></table>\n";
        }
        if (!clean.empty()) {
            out_ << "<p class=\"passed\">Every student passed every check of lab"
                 << (clean.size() == 1 ? " " : "s ") << joined(clean, ", ") << ".</p>\n";
        }
    }

    void students() {
        out_ << "<h2>Students</h2>\n";
        for (const StudentResult& student : results_.students) {
            student_section(student);
        }
    }

    void student_section(const StudentResult& student) {
        const auto [score, max_score] = total_of(student, results_.labs);
        std::set<std::string> lost;
        for (const LabColumn& column : results_.labs) {
            for (const std::string& category : cell_of(student, column).categories) {
                lost.insert(category);
            }
        }
        out_ << "<details class=\"student\" id=\"" << html_escaped(anchor(student))
             << "\"><summary><strong>" << html_escaped(student.id)
             << "</strong><span class=\"badge " << tone(score, max_score, !student.graded) << "\">"
             << (student.graded ? score_text(score, max_score) : "grading failed") << "</span>";
        if (student.graded && !lost.empty()) {
            out_ << "<span class=\"cats\">lost: "
                 << html_escaped(joined({lost.begin(), lost.end()}, ", ")) << "</span>";
        }
        out_ << "</summary>\n<div class=\"student-body\" id=\""
             << html_escaped(link_to(student).substr(1)) << "\">\n";
        const std::string dir = "students/" + student.id + "/";
        out_ << "<p class=\"files\">Submission directory <code>"
             << html_escaped(student.directory_name) << "</code> · graded in "
             << seconds_text(student.wall);
        if (student.graded) {
            out_ << " · seed " << student.run.seed;
        }
        if (student.graded) {
            out_ << " · <a href=\"" << html_escaped(dir)
                 << "report.txt\">report.txt</a> · <a href=\"" << html_escaped(dir)
                 << "report.json\">report.json</a>";
        }
        out_ << " · <a href=\"" << html_escaped(dir) << "grader.log\">grader.log</a></p>\n";
        if (!student.graded) {
            out_ << "<p class=\"notice\"><strong>Grading failed:</strong> "
                 << html_escaped(student.error) << "</p>\n";
            if (!student.log_tail.empty()) {
                out_ << "<p>The grader's last lines:</p>\n<pre>" << html_escaped(student.log_tail)
                     << "</pre>\n";
            }
            out_ << "</div></details>\n";
            return;
        }
        for (const LabColumn& column : results_.labs) {
            lab_section(column, cell_of(student, column));
        }
        out_ << "</div></details>\n";
    }

    void lab_section(const LabColumn& column, const LabCell& cell) {
        out_ << "<h4>Lab " << html_escaped(lab_name(column)) << " — "
             << score_text(cell.score, cell.max_score) << "</h4>\n";
        if (cell.lab == nullptr) {
            out_ << "<p class=\"notice\">The report has no result for this lab.</p>\n";
            return;
        }
        const LabResult& lab = *cell.lab;
        if (lab.has_error()) {
            out_ << "<p>The lab could not run: <code class=\"cat\">"
                 << html_escaped(lab.error_category()) << "</code> — "
                 << html_escaped(category_meaning(lab.error_category())) << "</p>\n<pre>"
                 << html_escaped(lab.lab_error) << "</pre>\n";
        }
        std::vector<const CheckResult*> failed;
        for (const CheckResult& check : lab.checks) {
            if (!lab.counts_as_passed(check)) {
                failed.push_back(&check);
            }
        }
        if (failed.empty()) {
            out_ << "<p class=\"passed\">Every check passed.</p>\n";
            return;
        }
        // A lab that could not run lost every check for the one reason above: name them once.
        std::vector<const CheckResult*> own_reason;
        std::vector<std::string> no_run;
        for (const CheckResult* check : failed) {
            if (lab.has_error() && lab.message_of(*check) == lab.lab_error &&
                lab.category_of(*check) == lab.error_category()) {
                no_run.push_back(html_escaped(check->name) + " (" + text_of(check->max_score) +
                                 ")");
            } else {
                own_reason.push_back(check);
            }
        }
        if (!no_run.empty()) {
            out_ << "<p>No check ran, so these lost their points: " << joined(no_run, ", ")
                 << ".</p>\n";
        }
        if (own_reason.empty()) {
            return;
        }
        out_ << "<table class=\"lost\"><thead><tr><th>Check</th><th>Points</th><th>Category</th>"
                "<th>Explanation</th></tr></thead><tbody>\n";
        for (const CheckResult* check : own_reason) {
            const std::string category = lab.category_of(*check);
            out_ << "<tr><td class=\"check\">" << html_escaped(check->name) << "</td><td>0/"
                 << check->max_score << "</td><td><code class=\"cat\" title=\""
                 << html_escaped(category_meaning(category)) << "\">" << html_escaped(category)
                 << "</code></td><td><pre>" << html_escaped(lab.message_of(*check)) << "</pre>";
            if (check->where && !check->where->file.empty()) {
                out_ << "<p>Look at <code>" << html_escaped(check->where->file)
                     << (check->where->line > 0 ? ":" + text_of(check->where->line) : "")
                     << "</code></p>";
            }
            if (check->seed) {
                out_ << "<p>Seed <code>" << *check->seed << "</code></p>";
            }
            if (!check->replay_command.empty()) {
                out_ << "<p>Replay: <code>" << html_escaped(check->replay_command) << "</code></p>";
            }
            out_ << "</td></tr>\n";
        }
        out_ << "</tbody></table>\n";
    }

    const ClassResults& results_;
    std::ostringstream out_;
};

}  // namespace

std::string html_escaped(std::string_view text) {
    std::string out;
    out.reserve(text.size());
    for (const char c : text) {
        switch (c) {
            case '&':
                out += "&amp;";
                break;
            case '<':
                out += "&lt;";
                break;
            case '>':
                out += "&gt;";
                break;
            case '"':
                out += "&quot;";
                break;
            case '\'':
                out += "&#39;";
                break;
            case '\n':
            case '\t':
                out += c;
                break;
            case '\r':
                break;  // a CRLF line ends as its LF does
            default:
                if (static_cast<unsigned char>(c) < 0x20 || c == '\x7f') {
                    out += "\xEF\xBF\xBD";  // U+FFFD REPLACEMENT CHARACTER
                } else {
                    out += c;
                }
        }
    }
    return out;
}

std::string class_report_html(const ClassResults& results) {
    return ClassPage(results).render();
}

}  // namespace pclab::grader
