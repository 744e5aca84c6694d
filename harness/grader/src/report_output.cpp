#include "report_output.hpp"

#include <algorithm>
#include <array>
#include <cstdlib>
#include <fstream>
#include <iostream>
#include <stdexcept>
#include <utility>

#include "github_report.hpp"
#include "gradescope_report.hpp"
#include "junit_report.hpp"
#include "report_formats.hpp"

namespace pclab::grader {
namespace fs = std::filesystem;

namespace {

constexpr std::array<std::pair<std::string_view, ReportFormat>, 5> kFormats = {{
    {"text", ReportFormat::text},
    {"json", ReportFormat::json},
    {"junit", ReportFormat::junit},
    {"gradescope", ReportFormat::gradescope},
    {"github", ReportFormat::github},
}};

std::string known_formats() {
    std::string names;
    for (const auto& [name, format] : kFormats) {
        names += (names.empty() ? "" : ", ") + std::string(name);
    }
    return names;
}

bool write_file(const fs::path& path, const std::string& contents, std::ios::openmode mode) {
    std::ofstream out(path, std::ios::binary | mode);
    out << contents;
    out.close();
    if (!out) {
        std::cerr << "pclab grade: cannot write " << path.string() << '\n';
        return false;
    }
    return true;
}

}  // namespace

std::vector<ReportFormat> parse_report_formats(std::string_view list) {
    std::vector<ReportFormat> formats;
    std::size_t start = 0;
    while (true) {
        const std::size_t comma = list.find(',', start);
        const std::string_view name =
            list.substr(start, comma == std::string_view::npos ? list.npos : comma - start);
        const auto known = std::find_if(kFormats.begin(), kFormats.end(),
                                        [&](const auto& entry) { return entry.first == name; });
        if (known == kFormats.end()) {
            throw std::invalid_argument("--format takes " + known_formats() +
                                        " (several separated by commas), not '" +
                                        std::string(name) + "'");
        }
        if (std::find(formats.begin(), formats.end(), known->second) != formats.end()) {
            throw std::invalid_argument("--format lists " + std::string(name) + " twice");
        }
        formats.push_back(known->second);
        if (comma == std::string_view::npos) {
            return formats;
        }
        start = comma + 1;
    }
}

std::string report_destination_problem(const std::vector<ReportFormat>& formats,
                                       const ReportDestination& destination) {
    if (destination.output && destination.output_dir) {
        return "--output writes one report and --output-dir several; give one of them";
    }
    if (destination.output_dir) {
        return "";
    }
    if (formats.size() > 1) {
        return "--format with several formats writes several files: add --output-dir DIR";
    }
    if (formats.size() == 1 && formats.front() == ReportFormat::github) {
        return "--format github writes two files (github-summary.md, github-annotations.txt): "
               "add --output-dir DIR";
    }
    return "";
}

std::vector<RenderedReport> render_report(const GradingRun& run, ReportFormat format, bool colour) {
    switch (format) {
        case ReportFormat::text:
            return {{"report.txt", to_text(run, colour)}};
        case ReportFormat::json:
            return {{"report.json", to_json(run).dump(2) + "\n"}};
        case ReportFormat::junit:
            return {{"junit.xml", to_junit(run)}};
        case ReportFormat::gradescope:
            return {{"results.json", to_gradescope(run).dump(2) + "\n"}};
        case ReportFormat::github:
            return {{"github-summary.md", github_summary(run)},
                    {"github-annotations.txt", github_annotations(run)}};
    }
    throw std::logic_error("unknown report format");
}

bool write_reports(const GradingRun& run, const std::vector<ReportFormat>& formats,
                   const ReportDestination& destination, bool colour) {
    const std::string score =
        "score " + std::to_string(run.score()) + "/" + std::to_string(run.max_score());
    if (destination.output_dir) {
        std::error_code error;
        fs::create_directories(*destination.output_dir, error);
        std::string written;
        for (const ReportFormat format : formats) {
            for (const RenderedReport& report : render_report(run, format, false)) {
                if (!write_file(*destination.output_dir / report.file_name, report.contents,
                                std::ios::trunc)) {
                    return false;
                }
                written += (written.empty() ? "" : ", ") + report.file_name;
            }
        }
        std::cerr << "pclab grade: " << written << " written to "
                  << destination.output_dir->string() << " (" << score << ")\n";
    } else if (!formats.empty()) {
        const std::vector<RenderedReport> reports =
            render_report(run, formats.front(), colour && !destination.output);
        if (destination.output) {
            if (!write_file(*destination.output, reports.front().contents, std::ios::trunc)) {
                return false;
            }
            std::cerr << "pclab grade: report written to " << destination.output->string() << " ("
                      << score << ")\n";
        } else {
            std::cout << reports.front().contents << std::flush;
        }
    }

    if (std::find(formats.begin(), formats.end(), ReportFormat::github) != formats.end()) {
        if (const char* summary = std::getenv("GITHUB_STEP_SUMMARY");
            summary != nullptr && *summary != '\0') {
            if (!write_file(summary, github_summary(run), std::ios::app)) {
                return false;
            }
        }
        if (const char* actions = std::getenv("GITHUB_ACTIONS");
            actions != nullptr && std::string_view(actions) == "true") {
            std::cout << github_annotations(run) << std::flush;
        }
    }
    return true;
}

}  // namespace pclab::grader
