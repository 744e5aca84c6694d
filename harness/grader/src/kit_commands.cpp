#include "kit_commands.hpp"

#include <sys/utsname.h>
#include <unistd.h>

#include <algorithm>
#include <iostream>
#include <sstream>

#include "build_tree.hpp"
#include "grade_command.hpp"
#include "isolated_process.hpp"
#include "lab_catalog.hpp"

namespace pclab::grader {
namespace fs = std::filesystem;

int list_labs(const fs::path& root, const std::string& format) {
    try {
        const LabCatalog catalog = LabCatalog::load(root);
        if (format == "json") {
            std::cout << list_json(catalog, root).dump(2) << '\n';
        } else if (format == "text") {
            std::cout << list_text(catalog);
        } else {
            std::cerr << "pclab list: --format must be text or json\n";
            return kUsageError;
        }
    } catch (const CatalogError& error) {
        std::cerr << "pclab list: " << error.what() << '\n';
        return kUsageError;
    }
    return 0;
}

int run_demo(const fs::path& root, const std::string& lab_name, const std::string& impl, bool tsan,
             const std::vector<std::string>& args) {
    std::string impl_dir;
    const Lab* lab = nullptr;
    LabCatalog catalog;
    try {
        catalog = LabCatalog::load(root);
        lab = &catalog.resolve(lab_name);
    } catch (const CatalogError& error) {
        std::cerr << "pclab run: " << error.what() << '\n';
        return kUsageError;
    }
    if (impl == "solution" && !catalog.has_solutions()) {
        std::cerr << "pclab run: " << kNoSolutions << '\n';
        return kUsageError;
    }
    if (impl == "student" || impl == "solution") {
        impl_dir = impl;
    } else if (impl.rfind("unsafe:", 0) == 0 && lab->find_variant(impl.substr(7)) != nullptr) {
        impl_dir = "unsafe-" + impl.substr(7);
    } else {
        std::string known;
        for (const UnsafeVariant& variant : lab->unsafe_variants) {
            known += " unsafe:" + variant.name;
        }
        std::cerr << "pclab run: lab " << lab->id << " has no implementation '" << impl
                  << "'; choose student, solution" << known << '\n';
        return kUsageError;
    }
    const BuildTree tree = BuildTree::for_kit(root, tsan ? "tsan" : "plain");
    const BuildOutcome built =
        build_targets(tree, {"pclab-" + lab->slug + "-" + impl_dir + "-demo"});
    if (!built.succeeded) {
        std::cerr << built.log << "\npclab run: the demo does not build"
                  << (built.first_error.empty() ? "" : ": " + built.first_error) << '\n';
        return kCouldNotGrade;
    }
    std::vector<std::string> argv;
    if (tsan) {
        // Address-space randomisation off, as for every TSan run (cmake/PclabSanitizers.cmake).
        struct utsname machine {};
        uname(&machine);
        argv = {"setarch", machine.machine, "-R"};
    }
    argv.push_back((tree.lab_output_dir(lab->directory_name, impl_dir) / "demo").string());
    argv.insert(argv.end(), args.begin(), args.end());
    const int status = run_in_terminal(argv);
    if (status > 128) {
        // The demo's own death is the lesson; say it, since no shell is there to.
        std::cerr << "pclab run: the demo was killed by " << signal_name(status - 128) << '\n';
    }
    return status;
}

int run_kit_tests(const fs::path& root, const std::vector<std::string>& ctest_args) {
    // Both trees are built before any test runs: the end-to-end tests grade through the tsan
    // tree, and a build running under a test would race the test for the same files.
    for (const std::string preset : {"dev", "tsan"}) {
        if (!fs::exists(root / "build" / preset / "CMakeCache.txt")) {
            if (int status = run_in_terminal({"cmake", "--preset", preset}, root); status != 0) {
                return status;
            }
        }
        if (int status = run_in_terminal({"cmake", "--build", "--preset", preset}, root);
            status != 0) {
            return status;
        }
    }
    int worst = 0;
    for (const std::string preset : {"dev", "tsan"}) {
        std::vector<std::string> argv = {"ctest", "--preset", preset, "--parallel", "2"};
        argv.insert(argv.end(), ctest_args.begin(), ctest_args.end());
        if (int status = run_in_terminal(argv, root); status != 0) {
            worst = status;
        }
    }
    return worst;
}

int build_docs(const fs::path& root) {
    if (!fs::exists(root / "build" / "dev" / "CMakeCache.txt")) {
        if (int status = run_in_terminal({"cmake", "--preset", "dev"}, root); status != 0) {
            return status;
        }
    }
    const int status =
        run_in_terminal({"cmake", "--build", "--preset", "dev", "--target", "docs"}, root);
    if (status == 0) {
        std::cout << "pclab docs: open " << (root / "build/dev/docs/html/index.html").string()
                  << '\n';
    }
    return status;
}

namespace {

std::vector<fs::path> kit_sources(const fs::path& root, bool headers_too) {
    std::vector<fs::path> files;
    for (const char* top : {"harness", "labs", "solutions", "hidden-checks", "tests", "bench"}) {
        if (!fs::is_directory(root / top)) {
            continue;
        }
        for (const auto& entry : fs::recursive_directory_iterator(root / top)) {
            const std::string path = entry.path().generic_string();
            const std::string extension = entry.path().extension().string();
            const bool source = extension == ".cpp" || (headers_too && extension == ".hpp");
            if (entry.is_regular_file() && source &&
                path.find("/tests/data/") == std::string::npos) {
                files.push_back(entry.path());
            }
        }
    }
    std::sort(files.begin(), files.end());
    return files;
}

}  // namespace

int lint(const fs::path& root) {
    std::vector<std::string> format = {"clang-format", "--dry-run", "--Werror"};
    for (const fs::path& file : kit_sources(root, true)) {
        format.push_back(file.string());
    }
    const int format_status = run_in_terminal(format, root);
    if (format_status == 0) {
        std::cout << "pclab lint: clang-format: every file is formatted\n";
    }
    // Its own tree (preset `lint`): GCC's precompiled headers in the dev tree's compile
    // commands are unreadable to clang-tidy. Configured again each time, so it never goes stale.
    if (int status = run_in_terminal({"cmake", "--preset", "lint"}, root); status != 0) {
        return status;
    }
    // run-clang-tidy runs one clang-tidy per file on every core.
    std::vector<std::string> tidy = {"run-clang-tidy", "-p", (root / "build/lint").string(),
                                     "-quiet",         "-j", "2"};
    for (const fs::path& file : kit_sources(root, false)) {
        // Unsafe variants are wrong on purpose. harness/explore and the labs' exploration
        // programs (*_explore.cpp) need std::source_location, which clang 14 (Debian 12's
        // clang-tidy) cannot compile against libstdc++ 12.
        const std::string path = file.generic_string();
        if (path.find("/unsafe/") == std::string::npos &&
            path.find("/harness/explore/") == std::string::npos &&
            !path.ends_with("_explore.cpp")) {
            tidy.push_back(file.string());
        }
    }
    echo_command(tidy);
    ProcessSpec spec;
    spec.argv = tidy;
    spec.working_directory = root;
    spec.limits.timeout = std::chrono::minutes(30);  // a few minutes on two cores
    spec.limits.output_cap_bytes = std::size_t{16} << 20;
    const ProcessOutcome outcome = run_isolated(spec);
    // clang-tidy reports every header's suppressed warnings as "N warnings generated";
    // only findings are worth a reader's time.
    std::istringstream lines(outcome.stdout_text + outcome.stderr_text);
    std::size_t findings = 0;
    for (std::string line; std::getline(lines, line);) {
        const bool finding = line.find(" warning: ") != std::string::npos ||
                             line.find(" error: ") != std::string::npos;
        const bool context = line.find(" note: ") != std::string::npos;
        if (finding || context) {
            std::cout << line << '\n';
            findings += finding ? 1 : 0;
        }
    }
    const bool tidy_clean =
        outcome.end == ProcessEnd::exited && outcome.exit_code == 0 && findings == 0;
    std::cout << "pclab lint: clang-tidy: "
              << (tidy_clean ? "no findings" : std::to_string(findings) + " finding(s)") << '\n';
    if (outcome.end != ProcessEnd::exited) {
        std::cout << outcome.stderr_text.substr(0, 2000) << '\n';
    }
    const int tidy_status = tidy_clean ? 0 : 1;
    return format_status != 0 ? format_status : tidy_status;
}

namespace {

struct Probe {
    bool ok = false;
    std::string detail;
};

Probe probe_command(const std::vector<std::string>& argv) {
    ProcessSpec spec;
    spec.argv = argv;
    spec.limits.timeout = std::chrono::seconds(60);
    const ProcessOutcome outcome = run_isolated(spec);
    Probe probe;
    probe.ok = outcome.end == ProcessEnd::exited && outcome.exit_code == 0;
    std::string text = outcome.stdout_text.empty() ? outcome.stderr_text : outcome.stdout_text;
    probe.detail = text.substr(0, text.find('\n'));
    if (outcome.end == ProcessEnd::failed_to_start) {
        probe.detail = "not found";
    }
    return probe;
}

void report_line(bool ok, const std::string& what, const std::string& detail,
                 const std::string& fix) {
    std::cout << (ok ? "  ok    " : "  MISSING ") << what << (detail.empty() ? "" : " — " + detail)
              << '\n';
    if (!ok && !fix.empty()) {
        std::cout << "        fix: " << fix << '\n';
    }
}

}  // namespace

int doctor(const fs::path& root) {
    bool healthy = true;
    std::cout << "pclab doctor\n";
    const Probe compiler = probe_command({"c++", "--version"});
    report_line(compiler.ok, "C++ compiler", compiler.detail, "sudo apt-get install g++");
    healthy = healthy && compiler.ok;
    const Probe cmake = probe_command({"cmake", "--version"});
    report_line(cmake.ok, "CMake (3.25 or newer)", cmake.detail, "sudo apt-get install cmake");
    healthy = healthy && cmake.ok;
    const Probe ninja = probe_command({"ninja", "--version"});
    report_line(ninja.ok, "Ninja", ninja.detail, "sudo apt-get install ninja-build");
    healthy = healthy && ninja.ok;
    const bool gtest = fs::exists("/usr/src/googletest/CMakeLists.txt");
    report_line(gtest, "GoogleTest sources", "/usr/src/googletest",
                "sudo apt-get install googletest");
    healthy = healthy && gtest;
    const Probe doxygen = probe_command({"doxygen", "--version"});
    report_line(doxygen.ok, "Doxygen (optional: ./pclab docs)", doxygen.detail,
                "sudo apt-get install doxygen");

    // The decisive probe: TSan must build *and report* a planted race.
    std::string pattern = (fs::temp_directory_path() / "pclab-doctor-XXXXXX").string();
    if (mkdtemp(pattern.data()) != nullptr) {
        const fs::path dir = pattern;
        const fs::path binary = dir / "planted_race";
        const Probe built = probe_command(
            {"c++", "-std=c++20", "-fsanitize=thread", "-g", "-pthread",
             (root / "cmake/probes/planted_race.cpp").string(), "-o", binary.string()});
        bool reported = false;
        std::string detail = built.ok ? "" : "cannot build with -fsanitize=thread: " + built.detail;
        if (built.ok) {
            ProcessSpec spec;
            spec.argv = {binary.string()};
            spec.limits.disable_aslr = true;
            spec.limits.timeout = std::chrono::seconds(60);
            const ProcessOutcome outcome = run_isolated(spec);
            reported = outcome.stderr_text.find("ThreadSanitizer: data race") != std::string::npos;
            detail = reported ? "reports a planted data race"
                              : "built, but did not report the planted race: " +
                                    outcome.stderr_text.substr(0, 300);
        }
        report_line(reported, "ThreadSanitizer", detail,
                    "sudo apt-get install libtsan2 (g++) or libclang-rt-dev (clang++)");
        healthy = healthy && reported;
        std::error_code ignored;
        fs::remove_all(dir, ignored);
    }
    std::cout << (healthy ? "Everything pclab needs is here.\n"
                          : "Install what is missing, then run ./pclab doctor again.\n");
    return healthy ? 0 : 1;
}

}  // namespace pclab::grader
