#include "class_grading.hpp"

#include <algorithm>
#include <atomic>
#include <cstdio>
#include <fstream>
#include <iostream>
#include <map>
#include <mutex>
#include <random>
#include <set>
#include <thread>

#include "build_tree.hpp"
#include "class_report_html.hpp"
#include "class_summary_json.hpp"
#include "file_contents.hpp"
#include "grade_command.hpp"
#include "gradebook_csv.hpp"
#include "isolated_process.hpp"
#include "lab_catalog.hpp"
#include "report_formats.hpp"
#include "report_json_reading.hpp"

namespace pclab::grader {
namespace fs = std::filesystem;
using nlohmann::json;

namespace {

// What a failed student's entry keeps of the grader's stderr: enough for the last error and the
// build step that printed it, short enough for a page with a class of them.
constexpr std::size_t kLogTailLines = 25;
constexpr std::size_t kLogTailBytes = 4000;

std::string log_tail(const std::string& text) {
    std::size_t end = text.find_last_not_of("\n ");
    if (end == std::string::npos) {
        return {};
    }
    std::size_t start = end + 1;
    for (std::size_t lines = 0; lines < kLogTailLines && start > 0; ++lines) {
        const std::size_t newline = text.rfind('\n', start - 1);
        start = newline == std::string::npos ? 0 : newline;
        if (newline == std::string::npos) {
            break;
        }
    }
    std::string tail = text.substr(start, end + 1 - start);
    if (tail.size() > kLogTailBytes) {
        tail = tail.substr(tail.size() - kLogTailBytes);
    }
    const std::size_t first = tail.find_first_not_of('\n');
    return first == std::string::npos ? std::string() : tail.substr(first);
}

std::string last_line(const std::string& text) {
    const std::string tail = log_tail(text);
    const std::size_t newline = tail.rfind('\n');
    return newline == std::string::npos ? tail : tail.substr(newline + 1);
}

std::string seconds_text(std::chrono::milliseconds duration) {
    char buffer[32];
    std::snprintf(buffer, sizeof buffer, "%.0f s", static_cast<double>(duration.count()) / 1000.0);
    return buffer;
}

void write_text(const fs::path& file, const std::string& text) {
    std::ofstream out(file, std::ios::binary | std::ios::trunc);
    out << text;
    out.close();
    if (!out) {
        throw std::runtime_error("cannot write " + file.string());
    }
}

// Why a child that ended so left no grading; empty when it exited 0.
std::string why_it_failed(const ProcessOutcome& outcome) {
    switch (outcome.end) {
        case ProcessEnd::failed_to_start:
            return "the grader could not be started: " + outcome.start_error;
        case ProcessEnd::timed_out:
            return "the grading ran longer than " + std::to_string(kStudentGradingTimeout.count()) +
                   " h and was stopped";
        case ProcessEnd::memory_exceeded:
            return "the grading used more memory than allowed and was stopped";
        case ProcessEnd::signalled:
            return "the grader died of " + signal_name(outcome.signal);
        case ProcessEnd::exited:
            break;
    }
    if (outcome.exit_code == 0) {
        return {};
    }
    std::string meaning = outcome.exit_code == kUsageError      ? " (bad usage or unreadable "
                                                                  "submission)"
                          : outcome.exit_code == kCouldNotGrade ? " (the kit could not grade)"
                                                                : "";
    const std::string said = last_line(outcome.stderr_text);
    return "the grader exited with status " + std::to_string(outcome.exit_code) + meaning +
           (said.empty() ? "" : ": " + said);
}

std::string describe_end(const ProcessOutcome& outcome) {
    switch (outcome.end) {
        case ProcessEnd::exited:
            return "exited with status " + std::to_string(outcome.exit_code);
        case ProcessEnd::signalled:
            return "killed by " + signal_name(outcome.signal);
        case ProcessEnd::timed_out:
            return "stopped after " + std::to_string(kStudentGradingTimeout.count()) + " h";
        case ProcessEnd::memory_exceeded:
            return "stopped: memory limit";
        case ProcessEnd::failed_to_start:
            return "could not start: " + outcome.start_error;
    }
    return "?";
}

struct StudentJob {
    const ClassMember* member = nullptr;
    fs::path dir;  // output_dir/students/<id>
};

// Grades one student in a child grader and reads its report back. Never throws for anything
// the student's submission or the child did: that becomes the student's grading error.
StudentResult grade_student(const BatchOptions& options, const fs::path& self,
                            const std::vector<std::string>& lab_ids, std::uint64_t seed,
                            const StudentJob& job) {
    StudentResult student;
    student.id = job.member->id;
    student.directory_name = job.member->directory_name;
    const fs::path report = job.dir / "report.json";
    std::error_code ignored;
    // A report left by an earlier batch must never stand in for this grading.
    fs::remove(report, ignored);
    fs::remove(job.dir / "report.txt", ignored);

    ProcessSpec spec;
    spec.argv = {self.string(), "--root", options.root.string(), "grade"};
    spec.argv.insert(spec.argv.end(), lab_ids.begin(), lab_ids.end());
    spec.argv.insert(spec.argv.end(),
                     {"--submission", job.member->directory.string(), "--format", "json",
                      "--output", report.string(), "--seed", std::to_string(seed)});
    if (options.timeout_scale) {
        spec.argv.insert(spec.argv.end(),
                         {"--timeout-scale", std::to_string(*options.timeout_scale)});
    }
    spec.working_directory = options.root;
    spec.limits.timeout = kStudentGradingTimeout;
    spec.limits.output_cap_bytes = std::size_t{16} << 20;
    // The child builds trees (test programs of tens of MiB) and sets its own, lower limits on
    // every check it runs.
    spec.limits.file_size_bytes = std::size_t{1} << 40;
    spec.stops_its_children_on_sigterm = true;
    const ProcessOutcome outcome = run_isolated(spec);
    student.wall = outcome.wall;

    std::string reason = why_it_failed(outcome);
    if (reason.empty()) {
        const std::optional<std::string> text = read_file(report);
        if (!text) {
            reason = "the grader exited 0 but wrote no report";
        } else {
            const json parsed = json::parse(*text, nullptr, false);
            if (parsed.is_discarded()) {
                reason = "the grader's report.json is not valid JSON";
            } else {
                try {
                    student.run = grading_run_from_json(parsed);
                    student.graded = true;
                } catch (const ReportFormatError& error) {
                    reason = std::string("the grader's report.json is not a grading report: ") +
                             error.what();
                }
            }
        }
    }

    std::string command;
    for (const std::string& word : spec.argv) {
        command += (command.empty() ? "" : " ") + shell_quote(word);
    }
    std::string log = "$ " + command + "\n" + describe_end(outcome) + " after " +
                      seconds_text(outcome.wall) + "\n";
    if (!reason.empty()) {
        log += "grading failed: " + reason + "\n";
    }
    log += "\n" + outcome.stderr_text;
    if (!outcome.stdout_text.empty()) {
        log += "\n--- standard output ---\n" + outcome.stdout_text;
    }
    try {
        write_text(job.dir / "grader.log", log);
        if (student.graded) {
            write_text(job.dir / "report.txt", to_text(student.run, false));
        }
    } catch (const std::exception& error) {
        if (reason.empty()) {
            reason = error.what();
            student.graded = false;
        }
    }
    if (!student.graded) {
        student.error = reason;
        student.log_tail = log_tail(outcome.stderr_text);
    }
    return student;
}

std::string progress_line(std::size_t done, std::size_t total, const StudentResult& student,
                          const std::vector<LabColumn>& labs, const fs::path& output_dir) {
    std::string line =
        "[" + std::to_string(done) + "/" + std::to_string(total) + "] " + student.id + ": ";
    if (student.graded) {
        const auto [score, max_score] = total_of(student, labs);
        line += std::to_string(score) + "/" + std::to_string(max_score);
    } else {
        line += "grading failed (" + student.error + "; see " +
                (output_dir / "students" / student.id / "grader.log").string() + ")";
    }
    return line + " in " + seconds_text(student.wall);
}

// A student's report may state more points for a lab than lab.json does (an instructor's
// hidden checks): a failed student is then out of the same maximum as the others.
void widen_columns(ClassResults& results) {
    for (LabColumn& column : results.labs) {
        for (const StudentResult& student : results.students) {
            for (const LabResult& lab : student.run.labs) {
                if (student.graded && lab.id == column.id) {
                    column.max_score = std::max(column.max_score, lab.max_score());
                }
            }
        }
    }
}

int write_outputs_or_fail(const ClassResults& results, const fs::path& dir, const char* command) {
    try {
        write_class_outputs(results, dir);
    } catch (const std::exception& error) {
        std::cerr << "pclab " << command << ": " << error.what() << '\n';
        return kCouldNotGrade;
    }
    std::cerr << "pclab " << command << ": " << results.graded_count() << " of "
              << results.students.size() << " students graded";
    if (results.failed_count() > 0) {
        std::cerr << "; the grading of " << results.failed_count()
                  << " failed (grading-error in the gradebook; see summary.json)";
    }
    std::cerr << "\n  " << (dir / "gradebook.csv").string() << "\n  "
              << (dir / "class-report.html").string() << "\n  " << (dir / "summary.json").string()
              << '\n';
    return kGraded;
}

}  // namespace

void write_class_outputs(const ClassResults& results, const fs::path& dir) {
    write_text(dir / "gradebook.csv", gradebook_csv(results));
    write_text(dir / "class-report.html", class_report_html(results));
    write_text(dir / "summary.json", to_summary_json(results).dump(2) + "\n");
}

int grade_batch(const BatchOptions& options) {
    const auto usage = [](const std::string& message) {
        std::cerr << "pclab grade-batch: " << message << '\n';
        return kUsageError;
    };
    if (options.jobs < 1) {
        return usage("--jobs must be at least 1");
    }
    Roster roster;
    std::error_code ignored_error;
    try {
        roster = read_roster(options.submissions);
    } catch (const RosterError& error) {
        return usage(error.what());
    }
    // An output directory inside the submissions directory is no student.
    const fs::path output = fs::weakly_canonical(options.output_dir, ignored_error);
    std::erase_if(roster.students, [&](const ClassMember& member) {
        if (fs::weakly_canonical(member.directory, ignored_error) != output) {
            return false;
        }
        roster.skipped.push_back(member.directory_name + " (the output directory)");
        return true;
    });
    for (const std::string& skipped : roster.skipped) {
        std::cerr << "pclab grade-batch: skipped " << skipped << '\n';
    }
    if (roster.students.empty()) {
        return usage(options.submissions.string() +
                     " holds no student directory (it should hold one directory per student)");
    }

    ClassResults results;
    std::vector<std::string> lab_ids;
    try {
        const LabCatalog catalog = LabCatalog::load(options.root);
        std::vector<const Lab*> labs;
        if (options.labs.empty()) {
            for (const Lab& lab : catalog.labs()) {
                labs.push_back(&lab);
            }
        }
        for (const std::string& name : options.labs) {
            const Lab* lab = &catalog.resolve(name);
            if (std::find(labs.begin(), labs.end(), lab) == labs.end()) {
                labs.push_back(lab);
            }
        }
        std::sort(labs.begin(), labs.end(),
                  [](const Lab* a, const Lab* b) { return a->id < b->id; });
        for (const Lab* lab : labs) {
            lab_ids.push_back(lab->id);
            results.labs.push_back({lab->id, lab->slug, lab->title, lab->max_score()});
        }
    } catch (const CatalogError& error) {
        return usage(error.what());
    }

    std::vector<ClassMember> students = roster.students;
    if (options.shard) {
        students = students_of_shard(roster.students, *options.shard);
        results.shards = {std::to_string(options.shard->index) + "/" +
                          std::to_string(options.shard->count)};
        if (students.empty()) {
            std::cerr << "pclab grade-batch: shard " << results.shards.front() << " of "
                      << roster.students.size() << " students holds none of them\n";
        }
    }

    std::error_code error;
    const fs::path self = options.grader_program ? *options.grader_program
                                                 : fs::read_symlink("/proc/self/exe", error);
    if (error) {
        std::cerr << "pclab grade-batch: cannot find the grader's own program (/proc/self/exe): "
                  << error.message() << '\n';
        return kCouldNotGrade;
    }
    std::vector<StudentJob> jobs;
    for (const ClassMember& member : students) {
        const fs::path dir = options.output_dir / "students" / member.id;
        fs::create_directories(dir, error);
        if (error) {
            std::cerr << "pclab grade-batch: cannot create " << dir.string() << ": "
                      << error.message() << '\n';
            return kCouldNotGrade;
        }
        jobs.push_back({&member, dir});
    }

    const std::uint64_t seed = options.seed ? *options.seed : std::random_device{}();
    results.seeds = {seed};
    results.graded_at = utc_minute_text(std::chrono::system_clock::now());
    const std::size_t workers = std::min<std::size_t>(static_cast<std::size_t>(options.jobs),
                                                      std::max<std::size_t>(jobs.size(), 1));
    std::cerr << "pclab grade-batch: " << jobs.size() << " student" << (jobs.size() == 1 ? "" : "s")
              << ", lab" << (lab_ids.size() == 1 ? " " : "s ");
    for (std::size_t i = 0; i < lab_ids.size(); ++i) {
        std::cerr << (i == 0 ? "" : ",") << lab_ids[i];
    }
    std::cerr << ", seed " << seed << ", " << workers << " at a time (each in its own build trees "
              << "under " << (options.root / "build" / "submissions").string() << ")\n";

    std::vector<StudentResult> graded(jobs.size());
    std::atomic<std::size_t> next{0};
    std::mutex progress;
    std::size_t done = 0;
    const auto work = [&] {
        for (std::size_t i = next++; i < jobs.size(); i = next++) {
            graded[i] = grade_student(options, self, lab_ids, seed, jobs[i]);
            const std::lock_guard lock(progress);
            std::cerr << progress_line(++done, jobs.size(), graded[i], results.labs,
                                       options.output_dir)
                      << std::endl;
        }
    };
    std::vector<std::thread> threads;
    for (std::size_t w = 0; w < workers; ++w) {
        threads.emplace_back(work);
    }
    for (std::thread& thread : threads) {
        thread.join();
    }
    results.students = std::move(graded);
    widen_columns(results);

    const int status = write_outputs_or_fail(results, options.output_dir, "grade-batch");
    if (status != kGraded) {
        return status;
    }
    if (!results.students.empty() && results.graded_count() == 0) {
        std::cerr << "pclab grade-batch: no student could be graded; see the students' "
                     "grader.log\n";
        return kCouldNotGrade;
    }
    return kGraded;
}

int merge_class_outputs(const MergeOptions& options) {
    if (options.inputs.empty()) {
        std::cerr << "pclab grade-batch --merge: name the output directories of the shards\n";
        return kUsageError;
    }
    ClassResults merged;
    std::set<std::string> seen;
    std::map<std::string, fs::path> origin;  // student id → the input directory it came from
    std::map<std::string, LabColumn> labs;
    std::set<std::uint64_t> seeds;
    std::set<std::string> shards;
    for (const fs::path& input : options.inputs) {
        ClassResults part;
        try {
            part = read_class_output(input);
        } catch (const SummaryFormatError& error) {
            std::cerr << "pclab grade-batch --merge: " << error.what() << '\n';
            return kUsageError;
        }
        if (merged.graded_at.empty() || part.graded_at < merged.graded_at) {
            merged.graded_at = part.graded_at;
        }
        seeds.insert(part.seeds.begin(), part.seeds.end());
        shards.insert(part.shards.begin(), part.shards.end());
        for (const LabColumn& column : part.labs) {
            auto [it, inserted] = labs.emplace(column.id, column);
            it->second.max_score = std::max(it->second.max_score, column.max_score);
        }
        for (StudentResult& student : part.students) {
            if (!seen.insert(student.id).second) {
                std::cerr << "pclab grade-batch --merge: " << student.id << " is in "
                          << origin.at(student.id).string() << " and in " << input.string()
                          << "; keeping the first\n";
                continue;
            }
            origin.emplace(student.id, input);
            merged.students.push_back(std::move(student));
        }
    }
    for (auto& [id, column] : labs) {
        merged.labs.push_back(column);
    }
    merged.seeds.assign(seeds.begin(), seeds.end());
    merged.shards.assign(shards.begin(), shards.end());
    std::sort(merged.students.begin(), merged.students.end(),
              [](const StudentResult& a, const StudentResult& b) { return a.id < b.id; });

    // Every K of one N should be there exactly once, or the class is incomplete.
    std::map<int, std::set<int>> by_count;
    for (const std::string& text : merged.shards) {
        if (const std::optional<Shard> shard = parse_shard(text)) {
            by_count[shard->count].insert(shard->index);
        }
    }
    for (const auto& [count, indexes] : by_count) {
        for (int k = 0; k < count; ++k) {
            if (!indexes.contains(k)) {
                std::cerr << "pclab grade-batch --merge: shard " << k << "/" << count
                          << " is missing: its students are not in the merged gradebook\n";
            }
        }
    }

    std::error_code error;
    fs::create_directories(options.output_dir / "students", error);
    for (const StudentResult& student : merged.students) {
        if (error) {
            break;
        }
        const fs::path from = origin.at(student.id) / "students" / student.id;
        const fs::path to = options.output_dir / "students" / student.id;
        std::error_code absent;
        if (!fs::exists(from, absent) || fs::equivalent(from, to, absent)) {
            continue;  // nothing to copy, or merging into one of the inputs
        }
        fs::create_directories(to, error);
        if (!error) {
            fs::copy(from, to, fs::copy_options::recursive | fs::copy_options::overwrite_existing,
                     error);
        }
    }
    if (error) {
        std::cerr << "pclab grade-batch --merge: cannot write into " << options.output_dir.string()
                  << ": " << error.message() << '\n';
        return kCouldNotGrade;
    }
    return write_outputs_or_fail(merged, options.output_dir, "grade-batch --merge");
}

}  // namespace pclab::grader
