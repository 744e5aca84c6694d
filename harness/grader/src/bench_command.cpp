#include "bench_command.hpp"

#include <sys/utsname.h>
#include <unistd.h>

#include <algorithm>
#include <cstdlib>
#include <ctime>
#include <fstream>
#include <iomanip>
#include <iostream>
#include <regex>
#include <sstream>
#include <thread>
#include <vector>

#include "bench_report.hpp"
#include "bench_results.hpp"
#include "build_tree.hpp"
#include "file_contents.hpp"
#include "grade_command.hpp"
#include "isolated_process.hpp"
#include "lab_catalog.hpp"
#include "throughput_chart.hpp"

namespace pclab::grader {
namespace fs = std::filesystem;
namespace {

constexpr const char* kBenchTarget = "pclab-queue-bench";
constexpr const char* kQueueFile = "queue.hpp";

// The labs whose student file is queue.hpp (the pclab::Queue contract), latest first, or only
// `wanted` (id or slug) when given. Throws CatalogError for an unknown lab.
std::vector<const Lab*> queue_labs(const LabCatalog& catalog, const std::string& wanted) {
    std::vector<const Lab*> labs;
    for (const Lab& lab : catalog.labs()) {
        for (const std::string& file : lab.student_files) {
            if (fs::path(file).filename() == kQueueFile) {
                labs.insert(labs.begin(), &lab);
                break;
            }
        }
    }
    if (wanted.empty()) {
        return labs;
    }
    const Lab& chosen = catalog.resolve(wanted);
    if (std::find(labs.begin(), labs.end(), &chosen) == labs.end()) {
        throw CatalogError("lab " + chosen.id + " has no student file queue.hpp");
    }
    return {&chosen};
}

// The student's queue.hpp to benchmark, nullopt when none is asked for, or a usage error.
std::optional<fs::path> student_queue(const BenchOptions& options, std::string& error) {
    if (!options.submission && options.impl == "solution") {
        if (!options.lab.empty()) {
            error =
                "--lab chooses the student's queue.hpp: use it with --impl student or "
                "--submission DIR";
        }
        return std::nullopt;
    }
    if (!options.submission && options.impl != "student") {
        error =
            "--impl must be solution (the kit's queues and the peers) or student (also "
            "your queue.hpp), not '" +
            options.impl + "'";
        return std::nullopt;
    }
    LabCatalog catalog;
    std::vector<const Lab*> labs;  // point into catalog
    try {
        catalog = LabCatalog::load(options.root);
        labs = queue_labs(catalog, options.lab);
    } catch (const CatalogError& failure) {
        error = failure.what();
        return std::nullopt;
    }
    if (labs.empty()) {
        error = "no lab declares a student file queue.hpp";
        return std::nullopt;
    }
    if (!options.submission) {
        return labs.front()->directory / kQueueFile;
    }
    const fs::path directory = fs::absolute(*options.submission);
    if (!fs::is_directory(directory)) {
        error = "the submission " + directory.string() + " is not a directory";
        return std::nullopt;
    }
    if (fs::is_regular_file(directory / kQueueFile)) {
        return directory / kQueueFile;
    }
    std::string looked;
    for (const Lab* lab : labs) {
        const fs::path candidate = directory / "labs" / lab->directory_name / kQueueFile;
        if (fs::is_regular_file(candidate)) {
            return candidate;
        }
        looked += ", labs/" + lab->directory_name + "/queue.hpp";
    }
    error = "the submission " + directory.string() + " has no queue.hpp (looked for queue.hpp" +
            looked + ")";
    return std::nullopt;
}

bool on_path(const std::string& program) {
    const char* path = std::getenv("PATH");
    std::istringstream directories(path == nullptr ? "" : path);
    for (std::string directory; std::getline(directories, directory, ':');) {
        const fs::path candidate = fs::path(directory.empty() ? "." : directory) / program;
        if (access(candidate.c_str(), X_OK) == 0) {
            return true;
        }
    }
    return false;
}

std::string load_average() {
    std::ifstream file("/proc/loadavg");
    std::string one, five, fifteen;
    if (!(file >> one >> five >> fifteen)) {
        return "unknown";
    }
    return one + " " + five + " " + fifteen;
}

std::string cpu_model() {
    std::ifstream file("/proc/cpuinfo");
    for (std::string line; std::getline(file, line);) {
        if (line.rfind("model name", 0) == 0) {
            const std::size_t colon = line.find(':');
            if (colon != std::string::npos) {
                const std::size_t start = line.find_first_not_of(' ', colon + 1);
                return start == std::string::npos ? "" : line.substr(start);
            }
        }
    }
    return "";
}

BenchRecord start_record(const BenchOptions& options) {
    BenchRecord record;
    record.command = "./pclab " + options.command_line;
    const std::time_t now = std::time(nullptr);
    std::tm utc{};
    gmtime_r(&now, &utc);
    std::ostringstream date;
    date << std::put_time(&utc, "%Y-%m-%d %H:%M UTC");
    record.date = date.str();
    struct utsname machine {};
    uname(&machine);
    record.architecture = machine.machine;
    record.cpu_model = cpu_model();
    record.hardware_threads = std::thread::hardware_concurrency();
    record.load_before = load_average();
    record.items = options.items;
    record.repetitions = options.repetitions;
    record.min_time_seconds = options.min_time;
    return record;
}

std::optional<nlohmann::json> read_json(const fs::path& file) {
    const std::optional<std::string> text = read_file(file);
    if (!text) {
        return std::nullopt;
    }
    nlohmann::json json = nlohmann::json::parse(*text, nullptr, /*allow_exceptions=*/false);
    if (json.is_discarded()) {
        return std::nullopt;
    }
    return json;
}

bool write_text(const fs::path& file, const std::string& text) {
    std::ofstream out(file, std::ios::binary);
    out << text;
    return static_cast<bool>(out);
}

// How many of `program`'s benchmarks `filter` selects (all when empty); nullopt when it cannot
// say.
std::optional<std::size_t> count_benchmarks(const fs::path& program, const std::string& filter) {
    ProcessSpec spec;
    spec.argv = {program.string(), "--benchmark_list_tests=true"};
    if (!filter.empty()) {
        spec.argv.push_back("--benchmark_filter=" + filter);
    }
    spec.limits.timeout = std::chrono::seconds(60);
    const ProcessOutcome outcome = run_isolated(spec);
    if (outcome.end != ProcessEnd::exited || outcome.exit_code != 0) {
        return std::nullopt;
    }
    std::size_t count = 0;
    std::istringstream lines(outcome.stdout_text);
    for (std::string line; std::getline(lines, line);) {
        count += parse_bench_name(line) ? 1 : 0;
    }
    return count;
}

std::string shortest_decimal(double value) {
    std::ostringstream text;
    text << value;
    return text.str();
}

}  // namespace

int run_bench(const BenchOptions& options) {
    if (options.items == 0 || options.repetitions < 1 || !(options.min_time > 0)) {
        std::cerr << "pclab bench: --items, --repetitions and --min-time must be positive\n";
        return kUsageError;
    }
    try {
        const std::regex check(options.filter, std::regex::extended);
    } catch (const std::regex_error& error) {
        std::cerr << "pclab bench: --filter '" << options.filter
                  << "' is not an extended regular expression: " << error.what() << '\n';
        return kUsageError;
    }
    std::string error;
    const std::optional<fs::path> student = student_queue(options, error);
    if (!error.empty()) {
        std::cerr << "pclab bench: " << error << '\n';
        return kUsageError;
    }
    const fs::path output_dir =
        fs::absolute(options.output_dir.value_or(options.root / "build/release/bench"))
            .lexically_normal();
    std::error_code ignored;
    fs::create_directories(output_dir, ignored);
    if (!fs::is_directory(output_dir)) {
        std::cerr << "pclab bench: cannot create the output directory " << output_dir.string()
                  << '\n';
        return kUsageError;
    }
    const fs::path benchmark_json = output_dir / "google-benchmark.json";
    const fs::path python_json = output_dir / "python.json";
    fs::remove(benchmark_json, ignored);  // a stale file must never pass for this run's
    fs::remove(python_json, ignored);

    // The release tree, configured every time so that its student queue is this run's.
    BuildTree tree;
    tree.flavour = "release";
    tree.preset = "release";
    tree.source_dir = options.root;
    tree.binary_dir = options.root / "build" / "release";
    tree.cache_definitions = {"-DPCLAB_BENCH_STUDENT_QUEUE=" +
                              (student ? student->string() : std::string())};
    std::cerr << "pclab bench: building " << kBenchTarget
              << " in build/release (optimised; a few minutes the first time)\n";
    BuildOutcome built = configure(tree, /*force=*/true);
    if (built.succeeded) {
        built = build_targets(tree, {kBenchTarget});
    }
    if (!built.succeeded) {
        std::cerr << built.log.substr(built.log.size() > 6000 ? built.log.size() - 6000 : 0)
                  << "\npclab bench: the benchmark does not build"
                  << (built.first_error.empty() ? "" : ": " + built.first_error) << '\n';
        return kCouldNotGrade;
    }

    const fs::path program = tree.binary_dir / "bench" / kBenchTarget;
    std::vector<std::string> argv = {
        program.string(),
        "--pclab_items=" + std::to_string(options.items),
        "--benchmark_repetitions=" + std::to_string(options.repetitions),
        "--benchmark_min_time=" + shortest_decimal(options.min_time),
        // Repetitions of all benchmarks in random order: a burst of load on the machine
        // spreads over every implementation instead of landing on one.
        "--benchmark_enable_random_interleaving=true",
        "--benchmark_display_aggregates_only=true",
        "--benchmark_out_format=json",
        "--benchmark_out=" + benchmark_json.string(),
    };
    if (!options.filter.empty()) {
        argv.push_back("--benchmark_filter=" + options.filter);
    }
    // Google Benchmark writes no output at all when its filter matches nothing, and the filter
    // may mean only the Python runs ("python/"): ask it first.
    const std::optional<std::size_t> matching = count_benchmarks(program, options.filter);
    if (!matching) {
        std::cerr << "pclab bench: " << kBenchTarget << " cannot list its benchmarks\n";
        return kCouldNotGrade;
    }

    BenchRecord record = start_record(options);
    if (*matching > 0) {
        const int status = run_in_terminal(argv, options.root);
        if (status != 0) {
            std::cerr << "pclab bench: " << kBenchTarget << " ended with "
                      << (status > 128 ? signal_name(status - 128)
                                       : "status " + std::to_string(status))
                      << (status == 4 ? ": a queue stalled or threw (the message above names it)"
                                      : "")
                      << "; no results were written\n";
            return 1;
        }
    }

    std::optional<nlohmann::json> python;
    if (on_path("python3")) {
        std::vector<std::string> python_argv = {
            "python3",       (options.root / "bench/python_queue_pattern.py").string(),
            "--items",       std::to_string(options.items),
            "--repetitions", std::to_string(options.repetitions),
            "--output",      python_json.string(),
        };
        if (!options.filter.empty()) {
            python_argv.push_back("--filter");
            python_argv.push_back(options.filter);
        }
        const int python_status = run_in_terminal(python_argv, options.root);
        python = read_json(python_json);
        if (!python) {
            record.python_note = "the Python pattern ended with status " +
                                 std::to_string(python_status) + " and wrote no results";
        }
    } else {
        record.python_note = "python3 is not on the PATH: no Python row";
    }
    record.load_after = load_average();

    BenchResults results;
    const std::optional<nlohmann::json> measured =
        *matching > 0 ? read_json(benchmark_json) : nlohmann::json(nullptr);
    try {
        if (!measured) {
            throw BenchFormatError("cannot read " + benchmark_json.string());
        }
        if (*matching > 0) {
            add_google_benchmark_runs(results, *measured);
        }
        if (python) {
            add_python_runs(results, *python);
        }
    } catch (const BenchFormatError& failure) {
        std::cerr << "pclab bench: " << failure.what() << '\n';
        return kCouldNotGrade;
    }
    summarise(results);
    if (results.cells.empty()) {
        std::cerr << "pclab bench: --filter '" << options.filter
                  << "' matches no benchmark (names look like tbb/plain/2x2/16/manual_time)\n";
        return kUsageError;
    }

    const std::string text = bench_text(results, record);
    std::cout << '\n' << text;
    const nlohmann::json json =
        bench_json(results, record, *measured, python ? *python : nlohmann::json(nullptr));
    const std::string subtitle = record.date + ", " + record.architecture + ", " +
                                 std::to_string(record.hardware_threads) + " hardware threads" +
                                 (record.cpu_model.empty() ? "" : ", " + record.cpu_model) +
                                 ", load " + record.load_before;
    const bool written =
        write_text(output_dir / "bench-results.json", json.dump(2) + "\n") &&
        write_text(output_dir / "bench-results.md", bench_markdown(results, record)) &&
        write_text(output_dir / "bench-throughput.svg", throughput_chart_svg(results, subtitle));
    if (!written) {
        std::cerr << "pclab bench: cannot write the results into " << output_dir.string() << '\n';
        return kCouldNotGrade;
    }
    std::cout << "\npclab bench: wrote " << (output_dir / "bench-results.json").string() << ", "
              << (output_dir / "bench-results.md").string() << " and "
              << (output_dir / "bench-throughput.svg").string() << '\n';
    for (const auto& [key, cell] : results.cells) {
        if (!cell.error.empty()) {
            return 1;
        }
    }
    return 0;
}

}  // namespace pclab::grader
