#include "throughput_chart.hpp"

#include <algorithm>
#include <array>
#include <cmath>
#include <cstdio>
#include <sstream>
#include <utility>
#include <vector>

#include "junit_report.hpp"  // xml_escaped: one XML escaper for every report

namespace pclab::grader {
namespace {

// Colour-blind-friendly categorical colours (Tableau 10); the baseline gets the first.
constexpr std::array<const char*, 10> kColours = {"#4e79a7", "#f28e2b", "#e15759", "#76b7b2",
                                                  "#59a14f", "#edc948", "#b07aa1", "#ff9da7",
                                                  "#9c755f", "#bab0ac"};

constexpr double kPanelWidth = 280;
constexpr double kPanelHeight = 200;
constexpr double kLeftMargin = 70;  // room for the y labels
constexpr double kTopMargin = 70;   // title and subtitle
constexpr double kPanelGapX = 40;
constexpr double kPanelGapY = 70;  // panel title and x labels
constexpr double kLegendLine = 18;
constexpr double kInnerPad = 18;  // keeps the first and last capacity off the panel's edges

std::string number(double value) {
    char buffer[32];
    std::snprintf(buffer, sizeof buffer, "%.1f", value);
    return buffer;
}

struct Panel {
    std::string mode;
    int producers = 0;
    int consumers = 0;
};

}  // namespace

LogAxis LogAxis::covering(double lowest, double highest) {
    if (!(lowest > 0)) {
        lowest = highest;
    }
    if (!(highest > 0)) {
        highest = lowest;
    }
    if (!(lowest > 0)) {
        return {};
    }
    LogAxis axis;
    axis.low_exponent = static_cast<int>(std::floor(std::log10(lowest)));
    axis.high_exponent = static_cast<int>(std::ceil(std::log10(highest)));
    if (axis.high_exponent <= axis.low_exponent) {
        axis.high_exponent = axis.low_exponent + 1;
    }
    return axis;
}

double LogAxis::position(double value, double top, double height) const {
    const double exponent = value > 0
                                ? std::clamp(std::log10(value), static_cast<double>(low_exponent),
                                             static_cast<double>(high_exponent))
                                : static_cast<double>(low_exponent);
    const double fraction = (exponent - low_exponent) / (high_exponent - low_exponent);
    return top + height * (1 - fraction);
}

std::string decade_label(int exponent) {
    static constexpr std::array<const char*, 4> kSuffixes = {"", "k", "M", "G"};
    if (exponent < 0 || exponent >= 12) {
        return "1e" + std::to_string(exponent);
    }
    std::string label = "1" + std::string(static_cast<std::size_t>(exponent % 3), '0');
    return label + kSuffixes[static_cast<std::size_t>(exponent / 3)];
}

std::string throughput_chart_svg(const BenchResults& results, const std::string& subtitle) {
    // The panels (rows: modes, columns: thread pairs), the capacities and the value range.
    std::vector<std::string> modes;
    std::vector<std::pair<int, int>> pairs;
    std::vector<int> capacities;
    double lowest = 0;
    double highest = 0;
    for (const BenchConfig& config : results.configs) {
        if (std::find(modes.begin(), modes.end(), config.mode) == modes.end()) {
            modes.push_back(config.mode);
        }
        const std::pair<int, int> threads{config.producers, config.consumers};
        if (std::find(pairs.begin(), pairs.end(), threads) == pairs.end()) {
            pairs.push_back(threads);
        }
        if (std::find(capacities.begin(), capacities.end(), config.capacity) == capacities.end()) {
            capacities.push_back(config.capacity);
        }
    }
    std::sort(pairs.begin(), pairs.end());
    std::sort(capacities.begin(), capacities.end());
    for (const auto& [key, cell] : results.cells) {
        if (cell.samples.empty()) {
            continue;
        }
        lowest = lowest > 0 ? std::min(lowest, cell.min) : cell.min;
        highest = std::max(highest, cell.max);
    }
    const LogAxis y_axis = LogAxis::covering(lowest, highest);
    const double low_capacity = capacities.empty() ? 1 : std::log10(capacities.front());
    const double high_capacity = capacities.empty() ? 1 : std::log10(capacities.back());
    const auto x_position = [&](double left, int capacity) {
        const double span = kPanelWidth - 2 * kInnerPad;
        if (high_capacity <= low_capacity) {
            return left + kPanelWidth / 2;
        }
        return left + kInnerPad +
               span * (std::log10(capacity) - low_capacity) / (high_capacity - low_capacity);
    };

    const std::size_t columns = std::max<std::size_t>(pairs.size(), 1);
    const std::size_t rows = std::max<std::size_t>(modes.size(), 1);
    const double width =
        kLeftMargin + static_cast<double>(columns) * (kPanelWidth + kPanelGapX) + 10;
    const double legend_top =
        kTopMargin + static_cast<double>(rows) * (kPanelHeight + kPanelGapY) + 10;
    const double height =
        legend_top + static_cast<double>(results.implementations.size() + 1) * kLegendLine + 10;

    std::ostringstream svg;
    svg << "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"" << number(width) << "\" height=\""
        << number(height) << "\" viewBox=\"0 0 " << number(width) << " " << number(height)
        << "\" font-family=\"sans-serif\" font-size=\"12\">\n";
    svg << "<rect width=\"100%\" height=\"100%\" fill=\"white\"/>\n";
    svg << "<text x=\"" << number(kLeftMargin) << "\" y=\"24\" font-size=\"16\" "
        << "font-weight=\"bold\">Queue throughput vs capacity (median items/s, log scales; "
        << "ratios matter, not absolute figures)</text>\n";
    svg << "<text x=\"" << number(kLeftMargin) << "\" y=\"44\" fill=\"#555\">"
        << xml_escaped(subtitle, true) << "</text>\n";

    for (std::size_t row = 0; row < modes.size(); ++row) {
        for (std::size_t column = 0; column < pairs.size(); ++column) {
            const Panel panel{modes[row], pairs[column].first, pairs[column].second};
            const double left =
                kLeftMargin + static_cast<double>(column) * (kPanelWidth + kPanelGapX);
            const double top = kTopMargin + static_cast<double>(row) * (kPanelHeight + kPanelGapY);
            svg << "<g class=\"panel\" data-mode=\"" << xml_escaped(panel.mode, true)
                << "\" data-threads=\"" << panel.producers << "x" << panel.consumers << "\">\n";
            svg << "<text x=\"" << number(left) << "\" y=\"" << number(top - 8)
                << "\" font-weight=\"bold\">" << xml_escaped(panel.mode, true) << ", "
                << panel.producers << " producer" << (panel.producers == 1 ? "" : "s") << " / "
                << panel.consumers << " consumer" << (panel.consumers == 1 ? "" : "s")
                << "</text>\n";
            svg << "<rect x=\"" << number(left) << "\" y=\"" << number(top) << "\" width=\""
                << number(kPanelWidth) << "\" height=\"" << number(kPanelHeight)
                << "\" fill=\"none\" stroke=\"#999\"/>\n";
            for (int exponent = y_axis.low_exponent; exponent <= y_axis.high_exponent; ++exponent) {
                const double y = y_axis.position(std::pow(10.0, exponent), top, kPanelHeight);
                svg << "<line x1=\"" << number(left) << "\" x2=\"" << number(left + kPanelWidth)
                    << "\" y1=\"" << number(y) << "\" y2=\"" << number(y)
                    << "\" stroke=\"#ddd\" stroke-dasharray=\"3,3\"/>\n";
                if (column == 0) {
                    svg << "<text x=\"" << number(left - 6) << "\" y=\"" << number(y + 4)
                        << "\" text-anchor=\"end\">" << decade_label(exponent) << "/s</text>\n";
                }
            }
            for (const int capacity : capacities) {
                svg << "<text x=\"" << number(x_position(left, capacity)) << "\" y=\""
                    << number(top + kPanelHeight + 16) << "\" text-anchor=\"middle\">" << capacity
                    << "</text>\n";
            }
            svg << "<text x=\"" << number(left + kPanelWidth / 2) << "\" y=\""
                << number(top + kPanelHeight + 32) << "\" text-anchor=\"middle\" fill=\"#555\">"
                << "capacity</text>\n";
            for (std::size_t index = 0; index < results.implementations.size(); ++index) {
                const BenchImplementation& implementation = results.implementations[index];
                const char* colour = kColours[index % kColours.size()];
                const bool baseline = implementation.id == results.baseline;
                std::string points;
                std::ostringstream marks;
                for (const int capacity : capacities) {
                    const BenchCell* cell =
                        results.cell(implementation.id,
                                     {panel.mode, panel.producers, panel.consumers, capacity});
                    if (cell == nullptr || cell->samples.empty() || !cell->error.empty()) {
                        continue;
                    }
                    const double x = x_position(left, capacity);
                    const double y = y_axis.position(cell->median, top, kPanelHeight);
                    points += (points.empty() ? "" : " ") + number(x) + "," + number(y);
                    marks << "<line x1=\"" << number(x) << "\" x2=\"" << number(x) << "\" y1=\""
                          << number(y_axis.position(cell->min, top, kPanelHeight)) << "\" y2=\""
                          << number(y_axis.position(cell->max, top, kPanelHeight)) << "\" stroke=\""
                          << colour << "\"/>\n";
                    marks << "<circle cx=\"" << number(x) << "\" cy=\"" << number(y)
                          << "\" r=\"3\" fill=\"" << colour << "\"/>\n";
                }
                if (points.empty()) {
                    continue;
                }
                svg << "<polyline data-implementation=\"" << xml_escaped(implementation.id, true)
                    << "\" points=\"" << points << "\" fill=\"none\" stroke=\"" << colour
                    << "\" stroke-width=\"" << (baseline ? 3 : 1.5) << "\"/>\n"
                    << marks.str();
            }
            svg << "</g>\n";
        }
    }

    svg << "<text x=\"" << number(kLeftMargin) << "\" y=\"" << number(legend_top)
        << "\" font-weight=\"bold\">Implementations (whiskers: min..max over the "
        << "repetitions)</text>\n";
    for (std::size_t index = 0; index < results.implementations.size(); ++index) {
        const BenchImplementation& implementation = results.implementations[index];
        const double y = legend_top + static_cast<double>(index + 1) * kLegendLine;
        svg << "<line x1=\"" << number(kLeftMargin) << "\" x2=\"" << number(kLeftMargin + 24)
            << "\" y1=\"" << number(y - 4) << "\" y2=\"" << number(y - 4) << "\" stroke=\""
            << kColours[index % kColours.size()] << "\" stroke-width=\""
            << (implementation.id == results.baseline ? 3 : 1.5) << "\"/>\n";
        svg << "<text x=\"" << number(kLeftMargin + 32) << "\" y=\"" << number(y) << "\">"
            << xml_escaped(implementation.id, true) << ": "
            << xml_escaped(implementation.title, true)
            << (implementation.id == results.baseline ? " (baseline)" : "") << "</text>\n";
    }
    svg << "</svg>\n";
    return svg.str();
}

}  // namespace pclab::grader
