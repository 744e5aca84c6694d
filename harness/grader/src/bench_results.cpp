#include "bench_results.hpp"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <functional>
#include <numeric>
#include <tuple>

namespace pclab::grader {
namespace {

int mode_order(const std::string& mode) {
    return mode == "plain" ? 0 : mode == "join" ? 1 : 2;
}

std::optional<int> positive_int(std::string_view text) {
    int value = 0;
    const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
    if (error != std::errc() || end != text.data() + text.size() || value <= 0) {
        return std::nullopt;
    }
    return value;
}

std::vector<std::string_view> split(std::string_view text, char separator) {
    std::vector<std::string_view> parts;
    std::size_t begin = 0;
    while (true) {
        const std::size_t end = text.find(separator, begin);
        parts.push_back(text.substr(begin, end - begin));
        if (end == std::string_view::npos) {
            return parts;
        }
        begin = end + 1;
    }
}

void add_implementation(BenchResults& results, BenchImplementation implementation) {
    if (results.implementation(implementation.id) == nullptr) {
        results.implementations.push_back(std::move(implementation));
    }
}

// One repetition of `name`: a sample, or an error.
void add_run(BenchResults& results, const std::string& name, const nlohmann::json& run,
             const char* rate_key, const char* error_key) {
    const auto parsed = parse_bench_name(name);
    if (!parsed) {
        throw BenchFormatError("a run is named '" + name + "', not <id>/<mode>/<P>x<C>/<capacity>");
    }
    BenchCell& cell = results.cells[*parsed];
    if (run.contains(error_key) && run.at(error_key).is_string()) {
        if (cell.error.empty()) {
            cell.error = run.at(error_key).get<std::string>();
        }
        return;
    }
    if (!run.contains(rate_key) || !run.at(rate_key).is_number()) {
        throw BenchFormatError("run '" + name + "' has no " + rate_key);
    }
    cell.samples.push_back(run.at(rate_key).get<double>());
}

}  // namespace

std::strong_ordering BenchConfig::operator<=>(const BenchConfig& other) const {
    return std::make_tuple(mode_order(mode), std::cref(mode), producers, consumers, capacity) <=>
           std::make_tuple(mode_order(other.mode), std::cref(other.mode), other.producers,
                           other.consumers, other.capacity);
}

const BenchCell* BenchResults::cell(const std::string& id, const BenchConfig& config) const {
    const auto found = cells.find({id, config});
    return found == cells.end() ? nullptr : &found->second;
}

const BenchImplementation* BenchResults::implementation(std::string_view id) const {
    for (const BenchImplementation& implementation : implementations) {
        if (implementation.id == id) {
            return &implementation;
        }
    }
    return nullptr;
}

std::optional<std::pair<std::string, BenchConfig>> parse_bench_name(std::string_view name) {
    std::vector<std::string_view> parts = split(name, '/');
    if (parts.size() == 5 && parts[4] == "manual_time") {
        parts.pop_back();
    }
    if (parts.size() != 4 || parts[0].empty() || (parts[1] != "plain" && parts[1] != "join")) {
        return std::nullopt;
    }
    const std::size_t times = parts[2].find('x');
    if (times == std::string_view::npos) {
        return std::nullopt;
    }
    const auto producers = positive_int(parts[2].substr(0, times));
    const auto consumers = positive_int(parts[2].substr(times + 1));
    const auto capacity = positive_int(parts[3]);
    if (!producers || !consumers || !capacity) {
        return std::nullopt;
    }
    return std::pair{std::string(parts[0]),
                     BenchConfig{std::string(parts[1]), *producers, *consumers, *capacity}};
}

void add_google_benchmark_runs(BenchResults& results, const nlohmann::json& output) {
    if (!output.is_object() || !output.contains("benchmarks") ||
        !output.at("benchmarks").is_array()) {
        throw BenchFormatError("the benchmark output has no \"benchmarks\" array");
    }
    const nlohmann::json context = output.value("context", nlohmann::json::object());
    if (!context.contains("pclab_implementations") ||
        !context.at("pclab_implementations").is_string()) {
        throw BenchFormatError(
            "the benchmark output's context has no pclab_implementations (is it "
            "pclab-queue-bench's?)");
    }
    const nlohmann::json listed =
        nlohmann::json::parse(context.at("pclab_implementations").get<std::string>(), nullptr,
                              /*allow_exceptions=*/false);
    if (!listed.is_array()) {
        throw BenchFormatError("pclab_implementations is not a JSON array");
    }
    for (const nlohmann::json& entry : listed) {
        add_implementation(
            results, {entry.value("id", ""), entry.value("title", ""), entry.value("rank", 0)});
    }
    // The student release has no kit reference: ratios are then to the textbook buffer.
    if (results.implementation(kKitReferenceId) == nullptr) {
        results.baseline = kReleaseBaselineId;
    }
    for (const nlohmann::json& run : output.at("benchmarks")) {
        if (run.value("run_type", "iteration") != "iteration") {
            continue;
        }
        const std::string name = run.value("run_name", run.value("name", ""));
        if (run.value("error_occurred", false)) {
            nlohmann::json failed = {{"error", run.value("error_message", "failed")}};
            add_run(results, name, failed, "items_per_second", "error");
        } else {
            add_run(results, name, run, "items_per_second", "error");
        }
    }
}

void add_python_runs(BenchResults& results, const nlohmann::json& output) {
    if (!output.is_object() || !output.contains("implementation") ||
        !output.at("implementation").is_object() || !output.contains("runs") ||
        !output.at("runs").is_array()) {
        throw BenchFormatError("the Python pattern's output has no implementation or runs");
    }
    const nlohmann::json& implementation = output.at("implementation");
    add_implementation(results, {implementation.value("id", "python"),
                                 implementation.value("title", "Python queue.Queue"),
                                 implementation.value("rank", 20)});
    for (const nlohmann::json& run : output.at("runs")) {
        add_run(results, run.value("name", ""), run, "items_per_second", "error");
    }
}

double median_of(std::vector<double> values) {
    if (values.empty()) {
        return 0;
    }
    std::sort(values.begin(), values.end());
    const std::size_t middle = values.size() / 2;
    return values.size() % 2 == 1 ? values[middle] : (values[middle - 1] + values[middle]) / 2;
}

void summarise(BenchResults& results) {
    results.configs.clear();
    for (auto& [key, cell] : results.cells) {
        if (results.implementation(key.first) == nullptr) {
            // Measured but not described: listed after every described implementation.
            results.implementations.push_back({key.first, key.first, 1000});
        }
        if (std::find(results.configs.begin(), results.configs.end(), key.second) ==
            results.configs.end()) {
            results.configs.push_back(key.second);
        }
        const std::vector<double>& samples = cell.samples;
        if (samples.empty()) {
            continue;
        }
        cell.median = median_of(samples);
        cell.min = *std::min_element(samples.begin(), samples.end());
        cell.max = *std::max_element(samples.begin(), samples.end());
        const double mean = std::accumulate(samples.begin(), samples.end(), 0.0) /
                            static_cast<double>(samples.size());
        double squares = 0;
        for (const double sample : samples) {
            squares += (sample - mean) * (sample - mean);
        }
        cell.cv = samples.size() < 2 || mean <= 0
                      ? 0
                      : std::sqrt(squares / static_cast<double>(samples.size() - 1)) / mean;
    }
    std::sort(results.configs.begin(), results.configs.end());
    // Described but not measured (filtered out): not a column of any table.
    std::erase_if(results.implementations, [&results](const BenchImplementation& implementation) {
        return std::none_of(results.cells.begin(), results.cells.end(), [&](const auto& entry) {
            return entry.first.first == implementation.id;
        });
    });
    std::stable_sort(results.implementations.begin(), results.implementations.end(),
                     [](const BenchImplementation& left, const BenchImplementation& right) {
                         return std::tie(left.rank, left.id) < std::tie(right.rank, right.id);
                     });
    for (auto& [key, cell] : results.cells) {
        const BenchCell* baseline = results.cell(results.baseline, key.second);
        cell.ratio.reset();
        if (!cell.samples.empty() && baseline != nullptr && !baseline->samples.empty() &&
            baseline->median > 0) {
            cell.ratio = cell.median / baseline->median;
        }
    }
}

}  // namespace pclab::grader
