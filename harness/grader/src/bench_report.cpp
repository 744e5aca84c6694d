#include "bench_report.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <sstream>
#include <vector>

namespace pclab::grader {
namespace {

std::string printf_string(const char* format, double value) {
    char buffer[64];
    std::snprintf(buffer, sizeof buffer, format, value);
    return buffer;
}

std::string mode_heading(const std::string& mode) {
    if (mode == "plain") {
        return "plain: put/get";
    }
    if (mode == "join") {
        return "join: task_done() after every item, the run ends when join() returns";
    }
    return mode;
}

std::vector<std::string> modes_of(const BenchResults& results) {
    std::vector<std::string> modes;
    for (const BenchConfig& config : results.configs) {
        if (std::find(modes.begin(), modes.end(), config.mode) == modes.end()) {
            modes.push_back(config.mode);
        }
    }
    return modes;
}

std::string threads_of(const BenchConfig& config) {
    return std::to_string(config.producers) + "/" + std::to_string(config.consumers);
}

std::string percent(double fraction) {
    const double value = fraction * 100;
    return printf_string(value < 10 ? "%.1f%%" : "%.0f%%", value);
}

// Display width of UTF-8 text: code points, not bytes ("×", "±", "—" are one column each).
std::size_t columns(const std::string& text) {
    return static_cast<std::size_t>(std::count_if(text.begin(), text.end(), [](char byte) {
        return (static_cast<unsigned char>(byte) & 0xC0) != 0x80;
    }));
}

std::string pad_left(const std::string& text, std::size_t width) {
    const std::size_t used = columns(text);
    return std::string(width > used ? width - used : 0, ' ') + text;
}

std::string pad_right(const std::string& text, std::size_t width) {
    const std::size_t used = columns(text);
    return text + std::string(width > used ? width - used : 0, ' ');
}

std::string ratio_explanation(const BenchResults& results, const BenchRecord& record) {
    return "Each cell: the median items/s over " + std::to_string(record.repetitions) +
           " repetitions of " + std::to_string(record.items) + " items, ×its ratio to `" +
           results.baseline +
           "` at the same configuration in this run, ±the coefficient of variation of the "
           "repetitions (min..max per repetition in bench-results.json).";
}

std::vector<std::string> failure_lines(const BenchResults& results) {
    std::vector<std::string> lines;
    for (const auto& [key, cell] : results.cells) {
        if (!cell.error.empty()) {
            lines.push_back(key.first + " " + key.second.mode + " " + threads_of(key.second) +
                            " capacity " + std::to_string(key.second.capacity) + ": " + cell.error);
        }
    }
    return lines;
}

std::string machine_line(const BenchRecord& record) {
    std::string line =
        record.architecture + ", " + std::to_string(record.hardware_threads) + " hardware threads";
    if (!record.cpu_model.empty()) {
        line += ", " + record.cpu_model;
    }
    return line;
}

}  // namespace

std::string bench_noise_warning(const BenchRecord& record) {
    return "Noise: these figures come from one machine at one time (load average " +
           record.load_before + " before the run, " + record.load_after +
           " after). Other processes, frequency scaling and the scheduler move absolute "
           "throughput by tens of percent between runs, and by far more when threads outnumber "
           "cores or the machine is busy. Compare the ratios within one run, not absolute "
           "figures across runs, and trust no difference smaller than the spread.";
}

std::string format_rate(double items_per_second) {
    if (items_per_second >= 999.5e3) {
        return printf_string(items_per_second >= 99.95e6   ? "%.0fM"
                             : items_per_second >= 9.995e6 ? "%.1fM"
                                                           : "%.2fM",
                             items_per_second / 1e6);
    }
    if (items_per_second >= 999.5) {
        return printf_string(items_per_second >= 99.95e3   ? "%.0fk"
                             : items_per_second >= 9.995e3 ? "%.1fk"
                                                           : "%.2fk",
                             items_per_second / 1e3);
    }
    return printf_string("%.0f", items_per_second);
}

std::string format_ratio(double ratio) {
    return "×" + printf_string(ratio >= 99.5 ? "%.0f" : ratio >= 9.995 ? "%.1f" : "%.2f", ratio);
}

std::string format_cell(const BenchCell* cell) {
    if (cell == nullptr) {
        return "—";
    }
    if (!cell->error.empty() || cell->samples.empty()) {
        return "FAILED";
    }
    std::string text = format_rate(cell->median);
    if (cell->ratio) {
        text += " " + format_ratio(*cell->ratio);
    }
    return text + " ±" + percent(cell->cv);
}

std::string bench_text(const BenchResults& results, const BenchRecord& record) {
    std::ostringstream out;
    out << "pclab bench — " << record.date << ", " << machine_line(record) << "\n";
    out << "  " << record.command << "\n\n";
    out << ratio_explanation(results, record) << "\n";
    for (const std::string& mode : modes_of(results)) {
        out << "\n" << mode_heading(mode) << "\n";
        std::vector<std::vector<std::string>> rows;
        std::vector<std::string> header = {"P/C", "capacity"};
        for (const BenchImplementation& implementation : results.implementations) {
            header.push_back(implementation.id);
        }
        rows.push_back(header);
        for (const BenchConfig& config : results.configs) {
            if (config.mode != mode) {
                continue;
            }
            std::vector<std::string> row = {threads_of(config), std::to_string(config.capacity)};
            for (const BenchImplementation& implementation : results.implementations) {
                row.push_back(format_cell(results.cell(implementation.id, config)));
            }
            rows.push_back(row);
        }
        std::vector<std::size_t> widths(header.size(), 0);
        for (const auto& row : rows) {
            for (std::size_t column = 0; column < row.size(); ++column) {
                widths[column] = std::max(widths[column], columns(row[column]));
            }
        }
        for (const auto& row : rows) {
            std::string line;
            for (std::size_t column = 0; column < row.size(); ++column) {
                line += column == 0 ? pad_right(row[column], widths[column])
                                    : "  " + pad_left(row[column], widths[column]);
            }
            out << line << "\n";
        }
    }
    const std::vector<std::string> failures = failure_lines(results);
    if (!failures.empty()) {
        out << "\nFailures (these implementations did not deliver every item exactly once):\n";
        for (const std::string& failure : failures) {
            out << "  " << failure << "\n";
        }
    }
    out << "\nImplementations:\n";
    for (const BenchImplementation& implementation : results.implementations) {
        out << "  " << pad_right(implementation.id, 13) << " " << implementation.title
            << (implementation.id == results.baseline ? "  [baseline]" : "") << "\n";
    }
    if (!record.python_note.empty()) {
        out << "  (" << record.python_note << ")\n";
    }
    out << "\n" << bench_noise_warning(record) << "\n";
    return out.str();
}

std::string bench_markdown(const BenchResults& results, const BenchRecord& record) {
    std::ostringstream out;
    out << "Measured " << record.date << " on " << machine_line(record) << ", with\n\n    "
        << record.command << "\n\n";
    out << ratio_explanation(results, record) << "\n\n";
    out << "**" << bench_noise_warning(record) << "**\n";
    for (const std::string& mode : modes_of(results)) {
        out << "\n#### " << mode_heading(mode) << "\n\n| P/C | capacity |";
        std::string rule = "|---|---:|";
        for (const BenchImplementation& implementation : results.implementations) {
            out << " `" << implementation.id << "` |";
            rule += "---:|";
        }
        out << "\n" << rule << "\n";
        for (const BenchConfig& config : results.configs) {
            if (config.mode != mode) {
                continue;
            }
            out << "| " << threads_of(config) << " | " << config.capacity << " |";
            for (const BenchImplementation& implementation : results.implementations) {
                out << " " << format_cell(results.cell(implementation.id, config)) << " |";
            }
            out << "\n";
        }
    }
    const std::vector<std::string> failures = failure_lines(results);
    if (!failures.empty()) {
        out << "\nFailures:\n\n";
        for (const std::string& failure : failures) {
            out << "- " << failure << "\n";
        }
    }
    out << "\nImplementations:\n\n";
    for (const BenchImplementation& implementation : results.implementations) {
        out << "- `" << implementation.id << "`: " << implementation.title
            << (implementation.id == results.baseline ? " (the baseline)" : "") << "\n";
    }
    if (!record.python_note.empty()) {
        out << "- (" << record.python_note << ")\n";
    }
    return out.str();
}

nlohmann::json bench_json(const BenchResults& results, const BenchRecord& record,
                          const nlohmann::json& raw_benchmark, const nlohmann::json& raw_python) {
    nlohmann::json json = {
        {"command", record.command},
        {"date", record.date},
        {"machine",
         {{"architecture", record.architecture},
          {"cpu_model", record.cpu_model},
          {"hardware_threads", record.hardware_threads},
          {"load_average_before", record.load_before},
          {"load_average_after", record.load_after}}},
        {"items", record.items},
        {"repetitions", record.repetitions},
        {"min_time_seconds", record.min_time_seconds},
        {"baseline", results.baseline},
        {"noise_warning", bench_noise_warning(record)},
    };
    nlohmann::json implementations = nlohmann::json::array();
    for (const BenchImplementation& implementation : results.implementations) {
        implementations.push_back({{"id", implementation.id},
                                   {"title", implementation.title},
                                   {"rank", implementation.rank}});
    }
    json["implementations"] = implementations;
    nlohmann::json summary = nlohmann::json::array();
    for (const BenchConfig& config : results.configs) {
        for (const BenchImplementation& implementation : results.implementations) {
            const BenchCell* cell = results.cell(implementation.id, config);
            if (cell == nullptr) {
                continue;
            }
            summary.push_back({
                {"implementation", implementation.id},
                {"mode", config.mode},
                {"producers", config.producers},
                {"consumers", config.consumers},
                {"capacity", config.capacity},
                {"median_items_per_second", cell->median},
                {"min_items_per_second", cell->min},
                {"max_items_per_second", cell->max},
                {"cv", cell->cv},
                {"samples", cell->samples},
                {"ratio_to_baseline", cell->ratio ? nlohmann::json(*cell->ratio) : nullptr},
                {"error",
                 cell->error.empty() ? nlohmann::json(nullptr) : nlohmann::json(cell->error)},
            });
        }
    }
    json["summary"] = summary;
    json["raw"] = {{"google_benchmark", raw_benchmark}, {"python", raw_python}};
    return json;
}

}  // namespace pclab::grader
