// pclab-grader: every `./pclab` command after the driver has made sure the tools are there.
#include <unistd.h>

#include <CLI/CLI.hpp>
#include <cstdint>
#include <cstdlib>
#include <iostream>
#include <optional>
#include <sstream>
#include <stdexcept>
#include <string>

#include "bench_command.hpp"
#include "build_tree.hpp"
#include "class_grading.hpp"
#include "explore_command.hpp"
#include "fairness_command.hpp"
#include "grade_command.hpp"
#include "gradescope_package.hpp"
#include "isolated_process.hpp"
#include "kit_commands.hpp"
#include "rates_command.hpp"
#include "student_release.hpp"

namespace {

std::filesystem::path default_root() {
    if (const char* root = std::getenv("PCLAB_ROOT"); root != nullptr && *root != '\0') {
        return root;
    }
    return std::filesystem::current_path();
}

// `--seed` of `command`: empty leaves `seed` unset; anything but a u64 is a usage error.
bool parse_seed(const std::string& text, const char* command, std::optional<std::uint64_t>& seed) {
    if (text.empty()) {
        return true;
    }
    try {
        std::size_t used = 0;
        seed = std::stoull(text, &used);
        if (used == text.size() && text.front() != '-') {
            return true;
        }
    } catch (const std::exception&) {
    }
    std::cerr << "pclab " << command << ": --seed takes a non-negative integer, not '" << text
              << "'\n";
    return false;
}

}  // namespace

int main(int argc, char** argv) {
    namespace grader = pclab::grader;
    grader::stop_children_when_interrupted();
    CLI::App app{"pclab: producer-consumer labs and their grader"};
    app.require_subcommand(1);
    std::filesystem::path root = default_root();
    app.add_option("--root", root, "The kit's root directory (default: $PCLAB_ROOT or .)")
        ->check(CLI::ExistingDirectory);

    grader::GradeOptions grade;
    std::string seed_text;
    std::string output_text;
    std::string submission_text;
    std::string output_dir_text;
    std::string fail_under_text;
    bool no_build = false;
    CLI::App* grade_cmd = app.add_subcommand("grade", "Grade labs: build, run checks, report");
    grade_cmd->add_option("labs", grade.labs, "Labs by id (01) or slug; default: all");
    grade_cmd->add_option("--impl", grade.impl, "student | solution | unsafe:NAME")
        ->default_str("student");
    grade_cmd->add_option("--submission", submission_text,
                          "Directory of student files, on their own or in the kit's layout");
    grade_cmd
        ->add_option("--format", grade.format,
                     "text, json, junit, gradescope, github; several with commas need "
                     "--output-dir")
        ->default_str("text");
    grade_cmd->add_option("--output", output_text, "Write the report here instead of stdout");
    grade_cmd->add_option("--output-dir", output_dir_text,
                          "Write every format's file here (report.txt, report.json, junit.xml, "
                          "results.json, github-summary.md + github-annotations.txt)");
    grade_cmd->add_option("--fail-under", fail_under_text,
                          "Exit 1 when the score is below this: points (12) or percent (80%)");
    grade_cmd->add_flag("--replay-in-kit", grade.replay_in_kit,
                        "Replay commands without --submission (the student replays in their own "
                        "copy of the kit; Gradescope)");
    grade_cmd->add_option("--seed", seed_text, "Base seed for every randomised check");
    grade_cmd->add_option("--check", grade.checks, "Only this check (repeatable)");
    grade_cmd->add_flag("--no-build", no_build, "Use the build trees as they are");
    grade_cmd->add_option("--builds", grade.builds, "Only these builds: plain, tsan, explore")
        ->delimiter(',');
    grade_cmd
        ->add_option("--timeout-scale", grade.timeout_scale,
                     "Multiply every check's timeout (default: measured on this machine)")
        ->check(CLI::Range(0.1, 100.0));

    grader::BatchOptions batch;
    std::vector<std::string> batch_inputs;
    std::string batch_seed;
    std::string batch_output;
    std::string batch_shard;
    bool batch_merge = false;
    CLI::App* batch_cmd = app.add_subcommand(
        "grade-batch", "Grade a class: one directory per student; gradebook, HTML report, summary");
    batch_cmd->add_option("inputs", batch_inputs,
                          "SUBMISSIONS [LABS...]; with --merge: the shards' output directories");
    batch_cmd
        ->add_option("--jobs", batch.jobs, "Students graded at once (each builds its own trees)")
        ->default_str("1");
    batch_cmd->add_option("--output-dir", batch_output, "Where the outputs go")->required();
    batch_cmd->add_option("--seed", batch_seed, "Base seed of every student's grading");
    batch_cmd
        ->add_option("--timeout-scale", batch.timeout_scale,
                     "Multiply every check's timeout (default: measured by each grading)")
        ->check(CLI::Range(0.1, 100.0));
    batch_cmd->add_option("--shard", batch_shard,
                          "K/N: grade only the students whose sorted index modulo N is K");
    batch_cmd->add_flag("--merge", batch_merge,
                        "Combine the output directories of shards into --output-dir");

    std::string list_format = "text";
    CLI::App* list_cmd = app.add_subcommand("list", "List the labs, student files and checks");
    list_cmd->add_option("--format", list_format, "text | json")->default_str("text");

    std::string run_lab;
    std::string run_impl = "student";
    bool run_tsan = false;
    std::vector<std::string> run_args;
    CLI::App* run_cmd = app.add_subcommand("run", "Build and run a lab's demo program");
    run_cmd->add_option("lab", run_lab, "Lab id or slug")->required();
    run_cmd->add_option("--impl", run_impl, "student | solution | unsafe:NAME")
        ->default_str("student");
    run_cmd->add_flag("--tsan", run_tsan, "Run the demo built with ThreadSanitizer");
    run_cmd->add_option("args", run_args, "Arguments for the demo (after --)");

    grader::ExploreCommandOptions explore;
    std::string explore_submission;
    std::string explore_replay;
    std::string explore_seed;
    std::uint32_t explore_schedules = 0;
    CLI::App* explore_cmd = app.add_subcommand(
        "explore", "Explore a lab's scenarios under controlled schedules, or replay one");
    explore_cmd->add_option("lab", explore.lab, "Lab id or slug")->required();
    explore_cmd->add_option("--impl", explore.impl, "student | solution | unsafe:NAME")
        ->default_str("student");
    explore_cmd->add_option("--submission", explore_submission,
                            "Directory mirroring the kit's layout; only student files are used");
    explore_cmd
        ->add_option("--schedules", explore_schedules,
                     "Schedules per scenario and strategy (default: each scenario's own)")
        ->check(CLI::Range(1U, 100000000U));
    explore_cmd->add_option("--strategy", explore.strategy, "random | pct | random,pct")
        ->default_str("random,pct");
    explore_cmd->add_option("--seed", explore_seed, "Base seed (default: drawn and printed)");
    explore_cmd->add_option("--replay", explore_replay,
                            "Replay one schedule: the replay id a failure printed");

    std::vector<std::string> ctest_args;
    CLI::App* test_cmd = app.add_subcommand("test", "Run the kit's own test suite");
    test_cmd->add_option("ctest-args", ctest_args, "Extra ctest arguments (after --)");

    grader::RatesOptions rates;
    std::string rates_output;
    CLI::App* rates_cmd = app.add_subcommand(
        "rates", "Measure detection and false-failure rates over many grading runs");
    rates_cmd->add_option("labs", rates.labs, "Labs by id or slug; default: all");
    rates_cmd->add_option("--runs", rates.runs, "Grading runs per implementation")
        ->default_str("20");
    rates_cmd->add_option("--first-seed", rates.first_seed, "Seed of the first run")
        ->default_str("1");
    rates_cmd->add_option("--output", rates_output, "Write the Markdown table here");
    rates_cmd->add_option("--builds", rates.builds, "Only these builds: plain, tsan, explore")
        ->delimiter(',');
    rates_cmd
        ->add_option("--explore-strategy", rates.explore_strategy,
                     "Exploration strategy of every run: random, pct or random,pct")
        ->default_str("random,pct");

    grader::FairnessOptions fairness;
    std::string fairness_output;
    std::vector<std::string> fairness_submissions;
    CLI::App* fairness_cmd = app.add_subcommand(
        "fairness", "Grade correct implementations many times under load: no point may be lost");
    fairness_cmd->add_option("labs", fairness.labs, "Labs by id or slug; default: all");
    fairness_cmd->add_option("--runs", fairness.runs, "Consecutive runs per implementation")
        ->default_str("50");
    fairness_cmd->add_option("--first-seed", fairness.first_seed, "Seed of the first run")
        ->default_str("1");
    fairness_cmd->add_option("--load", fairness.load, "Busy processes beside the grader")
        ->default_str("1");
    fairness_cmd->add_option(
        "--submission", fairness_submissions,
        "A correct submission (repeatable; default: solutions/alternatives/*)");
    fairness_cmd->add_option("--output", fairness_output, "Write the Markdown page here");

    grader::BenchOptions bench;
    std::string bench_submission;
    std::string bench_output_dir;
    bool bench_quick = false;
    CLI::App* bench_cmd = app.add_subcommand(
        "bench", "Measure queue throughput: the kit's queues against the best peers, as ratios");
    bench_cmd->add_option("--impl", bench.impl, "solution | student (also your queue.hpp)")
        ->default_str("solution");
    bench_cmd->add_option("--submission", bench_submission,
                          "Benchmark this directory's queue.hpp as 'student'");
    bench_cmd->add_option("--lab", bench.lab,
                          "The student's queue.hpp is this lab's (default: the latest lab's)");
    bench_cmd->add_option("--output-dir", bench_output_dir,
                          "Where the results go (default: build/release/bench)");
    CLI::Option* bench_items = bench_cmd->add_option("--items", bench.items, "Items per transfer")
                                   ->default_str("100000")
                                   ->check(CLI::Range(std::uint64_t{1}, std::uint64_t{1000000000}));
    CLI::Option* bench_repetitions =
        bench_cmd->add_option("--repetitions", bench.repetitions, "Repetitions per configuration")
            ->default_str("5")
            ->check(CLI::Range(1, 1000));
    CLI::Option* bench_min_time =
        bench_cmd
            ->add_option("--min-time", bench.min_time,
                         "Minimum seconds per repetition (Google Benchmark)")
            ->default_str("0.5")
            ->check(CLI::Range(0.001, 600.0));
    bench_cmd->add_option("--filter", bench.filter,
                          "Only benchmarks whose name matches, e.g. 'tbb|solution' or '/1x1/'");
    bench_cmd->add_flag("--quick", bench_quick,
                        "A smoke run: 20000 items, 2 repetitions, 0.01 s minimum time");

    grader::ReleaseOptions release;
    bool release_no_verify = false;
    CLI::App* release_cmd = app.add_subcommand(
        "release", "Write the student release (no solutions, no hidden checks) and verify it");
    release_cmd->add_option("--out", release.out, "A new (or empty) directory for the copy")
        ->required();
    release_cmd->add_flag("--no-verify", release_no_verify,
                          "Only write the copy: no leak scan, build or grading of the stubs");
    release_cmd
        ->add_option("--verify-labs", release.verify_labs,
                     "Build and grade only these labs when verifying (default: all)")
        ->delimiter(',');
    std::string release_build = "all";
    release_cmd
        ->add_option("--verify-build", release_build,
                     "all: build every target when verifying; grading: only what grading needs")
        ->check(CLI::IsMember({"all", "grading"}))
        ->default_str("all");

    std::string package_out;
    std::vector<std::string> package_labs;
    CLI::App* package_cmd = app.add_subcommand("package", "Package the kit for a grading service");
    package_cmd->require_subcommand(1);
    CLI::App* gradescope_cmd =
        package_cmd->add_subcommand("gradescope", "The Gradescope autograder bundle (a zip)");
    gradescope_cmd->add_option("--out", package_out, "The zip file to write")->required();
    gradescope_cmd->add_option("labs", package_labs,
                               "Only these labs (ids or slugs), e.g. one assignment per lab; "
                               "default: all");

    CLI::App* docs_cmd = app.add_subcommand("docs", "Build the Doxygen site");
    CLI::App* lint_cmd = app.add_subcommand("lint", "clang-format and clang-tidy the kit's code");
    CLI::App* doctor_cmd = app.add_subcommand("doctor", "Check the toolchain; say what to install");

    try {
        app.parse(argc, argv);
    } catch (const CLI::ParseError& error) {
        const int status = app.exit(error);
        return status == 0 ? 0 : grader::kUsageError;
    }
    root = std::filesystem::absolute(root);

    if (*grade_cmd) {
        if (!parse_seed(seed_text, "grade", grade.seed)) {
            return grader::kUsageError;
        }
        if (!output_text.empty()) {
            grade.output = output_text;
        }
        if (!submission_text.empty()) {
            grade.submission = submission_text;
        }
        if (!output_dir_text.empty()) {
            grade.output_dir = output_dir_text;
        }
        if (!fail_under_text.empty()) {
            try {
                grade.fail_under = grader::ScoreThreshold::parse(fail_under_text);
            } catch (const std::invalid_argument& error) {
                std::cerr << "pclab grade: " << error.what() << '\n';
                return grader::kUsageError;
            }
        }
        grade.root = root;
        grade.build = !no_build;
        grade.colour = isatty(STDOUT_FILENO) != 0 && std::getenv("NO_COLOR") == nullptr;
        return grader::grade(grade);
    }
    if (*batch_cmd) {
        if (batch_merge) {
            if (!batch_shard.empty() || !batch_seed.empty()) {
                std::cerr << "pclab grade-batch: --merge takes no --shard or --seed\n";
                return grader::kUsageError;
            }
            grader::MergeOptions merge;
            merge.inputs.assign(batch_inputs.begin(), batch_inputs.end());
            merge.output_dir = std::filesystem::absolute(batch_output);
            return grader::merge_class_outputs(merge);
        }
        if (batch_inputs.empty()) {
            std::cerr << "pclab grade-batch: name the submissions directory (one directory per "
                         "student)\n";
            return grader::kUsageError;
        }
        if (!parse_seed(batch_seed, "grade-batch", batch.seed)) {
            return grader::kUsageError;
        }
        if (!batch_shard.empty()) {
            batch.shard = grader::parse_shard(batch_shard);
            if (!batch.shard) {
                std::cerr << "pclab grade-batch: --shard takes K/N with 0 <= K < N, not '"
                          << batch_shard << "'\n";
                return grader::kUsageError;
            }
        }
        batch.root = root;
        batch.submissions = std::filesystem::absolute(batch_inputs.front());
        batch.labs.assign(batch_inputs.begin() + 1, batch_inputs.end());
        batch.output_dir = std::filesystem::absolute(batch_output);
        return grader::grade_batch(batch);
    }
    if (*explore_cmd) {
        explore.root = root;
        if (!explore_submission.empty()) {
            explore.submission = explore_submission;
        }
        if (!explore_replay.empty()) {
            explore.replay = explore_replay;
        }
        if (explore_schedules > 0) {
            explore.schedules = explore_schedules;
        }
        if (!parse_seed(explore_seed, "explore", explore.seed)) {
            return grader::kUsageError;
        }
        return grader::explore_lab(explore);
    }
    if (*list_cmd) {
        return grader::list_labs(root, list_format);
    }
    if (*run_cmd) {
        return grader::run_demo(root, run_lab, run_impl, run_tsan, run_args);
    }
    if (*test_cmd) {
        return grader::run_kit_tests(root, ctest_args);
    }
    if (*rates_cmd) {
        rates.root = root;
        if (!rates_output.empty()) {
            rates.output = rates_output;
        }
        return grader::measure_rates(rates);
    }
    if (*fairness_cmd) {
        fairness.root = root;
        for (const std::string& submission : fairness_submissions) {
            fairness.submissions.push_back(std::filesystem::absolute(submission));
        }
        if (!fairness_output.empty()) {
            fairness.output = fairness_output;
        }
        return grader::measure_fairness(fairness);
    }
    if (*bench_cmd) {
        bench.root = root.lexically_normal();
        if (bench_quick) {
            // Only what was not given explicitly.
            bench.items = bench_items->count() > 0 ? bench.items : 20000;
            bench.repetitions = bench_repetitions->count() > 0 ? bench.repetitions : 2;
            bench.min_time = bench_min_time->count() > 0 ? bench.min_time : 0.01;
        }
        if (!bench_submission.empty()) {
            bench.submission = bench_submission;
        }
        if (!bench_output_dir.empty()) {
            bench.output_dir = bench_output_dir;
        }
        // The command recorded with the results spells out every value that shaped them.
        std::ostringstream command;
        command << "bench --items " << bench.items << " --repetitions " << bench.repetitions
                << " --min-time " << bench.min_time;
        if (!bench.filter.empty()) {
            command << " --filter " << grader::shell_quote(bench.filter);
        }
        if (!bench_submission.empty()) {
            command << " --submission " << grader::shell_quote(bench_submission);
        } else if (bench.impl != "solution") {
            command << " --impl " << grader::shell_quote(bench.impl);
        }
        if (!bench.lab.empty()) {
            command << " --lab " << grader::shell_quote(bench.lab);
        }
        bench.command_line = command.str();
        return grader::run_bench(bench);
    }
    if (*release_cmd) {
        release.root = root;
        release.verify = !release_no_verify;
        release.verify_build_all = release_build == "all";
        return grader::write_student_release(release);
    }
    if (*gradescope_cmd) {
        return grader::package_gradescope(root, package_out, package_labs);
    }
    if (*docs_cmd) {
        return grader::build_docs(root);
    }
    if (*lint_cmd) {
        return grader::lint(root);
    }
    if (*doctor_cmd) {
        return grader::doctor(root);
    }
    return grader::kUsageError;
}
