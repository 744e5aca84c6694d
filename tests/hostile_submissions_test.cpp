// The hostile-submissions suite: `pclab-grader grade --submission` on student code that is
// broken or attacks the grader. Each test grades one bad submission (one fault) and asserts the
// verdict the student must get, and what every grading of hostile code must keep: the grader
// exits 0 and writes its report, the checks take no longer than their timeouts allow, and no
// process started from the submission's build trees outlives the grading.
//
// Cost is the design constraint (`./pclab test` has a budget; see tests/CMakeLists.txt):
// - One submission directory for the whole suite. The first grading of a directory path builds
//   a whole tree (about 45 s for labs 01, 03 and 04); a regrading recompiles the graded lab only
//   when its student file's text changed (about 4 s for lab 01, 10 s for labs 03 and 04).
// - The run-time faults of a lab share one source text, tests/hostile/*_runtime_faults.hpp, and
//   the fault is chosen when the check runs, from PCLAB_HOSTILE_FAULT in the grader's
//   environment (the grader hands its environment on to every check process). Each fault stays a
//   small function named for it, one fixture serves them all, and none needs a text of its own.
//   Faults that must not compile (syntax, signature, including the solution) have their own
//   texts; a failing compile stops at its first error.
// - Each test grades one check in one build (plain unless it says otherwise), chosen for a short
//   timeout. A fault that hangs costs its check's watchdog: 4 s when every thread sleeps, 80% of
//   the timeout for a thread that spins.
#include <gtest/gtest.h>
#include <poll.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <iterator>
#include <map>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "grader_run.hpp"
#include "machine_calibration.hpp"

namespace {

namespace fs = std::filesystem;
using pclab::end_to_end::catalog;
using pclab::end_to_end::describe;
using pclab::end_to_end::GraderRun;
using pclab::end_to_end::kRoot;
using pclab::end_to_end::kScratch;
using pclab::end_to_end::read_text;
using pclab::end_to_end::run_grader;
using Clock = std::chrono::steady_clock;

const fs::path kFixtures = kRoot / "tests" / "hostile";
const std::string kResultListFile = "labs/01-shared-results/result_list.hpp";
// Labs 03 and 04 grade the same queue.hpp contract: one fixture serves both.
const std::vector<std::string> kQueueFiles = {"labs/03-bounded-queue/queue.hpp",
                                              "labs/04-task-done-join/queue.hpp"};

// What a grading may take beyond its checks' timeouts: starting the grader, reading the
// catalog, and the watchdog's report and the kill after a timeout.
constexpr std::chrono::seconds kGradingOverhead{10};
// How long a process the grader has killed is given to go before it counts as a survivor: a
// SIGKILL is delivered, not awaited, and a fork bomb's thousands of children take a moment.
constexpr std::chrono::seconds kKillGrace{5};

fs::path submission_dir() {
    return kScratch / "hostile-submission";
}

// The grader builds a submission in <kit>/build/submissions/<directory name>-<hash of its path>/
// (a tree per build flavour); every program of the submission runs from there.
std::string submission_trees_prefix() {
    return (fs::weakly_canonical(kRoot) / "build" / "submissions" /
            (submission_dir().filename().string() + "-"))
        .string();
}

// What one grading asks for.
struct Request {
    std::vector<std::string> labs{};
    std::vector<std::string> checks{};
    std::string builds = "plain";
    // PCLAB_HOSTILE_FAULT: which run-time fault the fixtures commit; empty for none.
    std::string fault{};
    // The text of lab 01's student file; labs 03 and 04 always get the queue fixture.
    std::string result_list = read_text(kFixtures / "result_list_runtime_faults.hpp");
};

// A file that any user may append to: a root grader runs each check as a user of its own, and
// a fault that leaves the verdict alone writes down there what it did.
class EvidenceFile {
  public:
    EvidenceFile() {
        std::string pattern =
            (fs::temp_directory_path() / "pclab-hostile-evidence-XXXXXX").string();
        const int fd = ::mkstemp(pattern.data());
        if (fd < 0 || ::fchmod(fd, 0666) != 0) {
            throw std::runtime_error("cannot create an evidence file in /tmp");
        }
        ::close(fd);
        path_ = pattern;
    }
    EvidenceFile(const EvidenceFile&) = delete;
    EvidenceFile& operator=(const EvidenceFile&) = delete;
    ~EvidenceFile() {
        std::error_code ignored;
        fs::remove(path_, ignored);
    }
    const fs::path& path() const { return path_; }

  private:
    fs::path path_;
};

// Waits until process `pid` (not a child) has ended, at most until `deadline`.
bool ends_by(pid_t pid, Clock::time_point deadline) {
    const long fd = ::syscall(SYS_pidfd_open, pid, 0);
    if (fd < 0) {
        return errno == ESRCH;  // gone already
    }
    const auto left =
        std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now());
    pollfd ended{static_cast<int>(fd), POLLIN, 0};
    const int ready = ::poll(&ended, 1, static_cast<int>(std::max<std::int64_t>(left.count(), 0)));
    ::close(static_cast<int>(fd));
    return ready > 0;
}

// Processes running a program from under `prefix` that are still there kKillGrace after this
// call: "pid path" each. Zombies have no /proc/PID/exe and are not counted: they are dead.
std::vector<std::string> processes_surviving_from(const std::string& prefix) {
    std::vector<std::pair<pid_t, std::string>> running;
    std::error_code error;
    for (const auto& entry : fs::directory_iterator("/proc", error)) {
        const std::string name = entry.path().filename().string();
        if (name.find_first_not_of("0123456789") != std::string::npos) {
            continue;
        }
        std::error_code unreadable;  // ended meanwhile, a kernel thread, or a zombie
        const std::string exe = fs::read_symlink(entry.path() / "exe", unreadable).string();
        if (!unreadable && exe.starts_with(prefix)) {
            running.emplace_back(static_cast<pid_t>(std::stol(name)), exe);
        }
    }
    const Clock::time_point deadline = Clock::now() + kKillGrace;
    std::vector<std::string> survivors;
    for (const auto& [pid, exe] : running) {
        if (!ends_by(pid, deadline)) {
            survivors.push_back(std::to_string(pid) + " " + exe);
        }
    }
    return survivors;
}

// `object[name]`, or null when `object` is not an object or has no such member: a report that
// lacks a field fails an expectation instead of ending the test program.
const nlohmann::json& field(const nlohmann::json& object, const std::string& name) {
    static const nlohmann::json none;
    if (!object.is_object()) {
        return none;
    }
    const auto found = object.find(name);
    return found == object.end() ? none : *found;
}

// `object[name]` as an array to loop over; empty when it is anything else.
const nlohmann::json& items(const nlohmann::json& object, const std::string& name) {
    static const nlohmann::json empty = nlohmann::json::array();
    const nlohmann::json& found = field(object, name);
    return found.is_array() ? found : empty;
}

// One grading of the hostile submission, and what was seen right after it.
struct Grading {
    Request request;
    GraderRun run;
    std::chrono::milliseconds wall{0};  // the whole grading, build included
    std::vector<std::string> survivors;
    std::string evidence;

    const nlohmann::json& lab(const std::string& id) const {
        static const nlohmann::json none;
        for (const auto& lab : items(run.report, "labs")) {
            if (field(lab, "id") == id) {
                return lab;
            }
        }
        return none;
    }

    const nlohmann::json& check(const std::string& lab_id, const std::string& name) const {
        static const nlohmann::json none;
        for (const auto& check : items(lab(lab_id), "checks")) {
            if (field(check, "name") == name) {
                return check;
            }
        }
        return none;
    }
};

void write_submission(const Request& request) {
    fs::remove_all(submission_dir());
    std::map<std::string, std::string> files = {{kResultListFile, request.result_list}};
    const std::string queue = read_text(kFixtures / "queue_runtime_faults.hpp");
    for (const std::string& file : kQueueFiles) {
        files[file] = queue;
    }
    for (const auto& [relative, text] : files) {
        const fs::path path = submission_dir() / relative;
        fs::create_directories(path.parent_path());
        std::ofstream(path, std::ios::binary) << text;
    }
}

long long sum_of_check_durations_ms(const nlohmann::json& report) {
    long long total = 0;
    for (const auto& lab : items(report, "labs")) {
        for (const auto& check : items(lab, "checks")) {
            const nlohmann::json& duration = field(check, "duration_ms");
            total += duration.is_number_integer() ? duration.get<long long>() : 0;
        }
    }
    return total;
}

Grading run_grading(const Request& request, const std::string& label) {
    write_submission(request);
    const EvidenceFile evidence;
    std::vector<std::string> args = {"grade"};
    args.insert(args.end(), request.labs.begin(), request.labs.end());
    args.insert(args.end(),
                {"--submission", submission_dir().string(), "--builds", request.builds});
    for (const std::string& check : request.checks) {
        args.insert(args.end(), {"--check", check});
    }
    Grading grading;
    grading.request = request;
    const Clock::time_point start = Clock::now();
    grading.run = run_grader(args, {{"PCLAB_HOSTILE_FAULT", request.fault},
                                    {"PCLAB_HOSTILE_EVIDENCE", evidence.path().string()}});
    grading.wall = std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now() - start);
    grading.survivors = processes_surviving_from(submission_trees_prefix());
    grading.evidence = read_text(evidence.path());
    // The suite's cost, case by case, for whoever tunes it.
    std::cout << "[ hostile  ] " << label << ": grading " << grading.wall.count() / 1000.0
              << " s, build included; checks "
              << sum_of_check_durations_ms(grading.run.report) / 1000.0 << " s\n";
    return grading;
}

// The first grading of a submission path configures its build tree for the labs it names, and
// later gradings of that path reuse the tree, which has no targets for other labs
// (harness/grader/src/build_tree.cpp: a tree is configured once). So the suite's first grading
// names every lab the suite grades, whichever test runs first. It is also the syntax-error case:
// lab 01 does not compile, and labs 03 and 04, graded in the same run with the queue fixture
// and no fault, must still get their points (which also shows the fixture correct).
// ThreadSanitizer gradings use a tree of their own, configured by the first of them (lab 01
// only). A tree keeps its labs across runs: grading another lab here needs a new directory name.
const Grading& first_grading() {
    static const Grading grading =
        run_grading({.labs = {"01", "03", "04"},
                     .checks = {"append-contract", "nowait-never-blocks", "task-done-contract"},
                     .result_list = read_text(kFixtures / "result_list_syntax_error.hpp")},
                    "first grading: labs 01 (syntax error), 03 and 04 (no fault)");
    return grading;
}

std::string current_test_name() {
    return ::testing::UnitTest::GetInstance()->current_test_info()->name();
}

Grading grade(const Request& request) {
    first_grading();
    return run_grading(request, current_test_name());
}

::testing::AssertionResult mentions(const nlohmann::json& text, std::string_view part) {
    const std::string string = text.is_string() ? text.get<std::string>() : text.dump();
    if (string.find(part) != std::string::npos) {
        return ::testing::AssertionSuccess();
    }
    return ::testing::AssertionFailure() << "\"" << part << "\" is not in:\n" << string;
}

std::vector<std::string> split_at_commas(const std::string& list) {
    std::vector<std::string> parts;
    std::size_t begin = 0;
    while (begin <= list.size()) {
        const std::size_t comma = std::min(list.find(',', begin), list.size());
        parts.push_back(list.substr(begin, comma - begin));
        begin = comma + 1;
    }
    return parts;
}

// The timeout budget of the checks a grading asked for: each check's timeout once per build it
// runs in, before the grader's scaling.
std::chrono::milliseconds check_timeouts(const Request& request) {
    const std::vector<std::string> builds = split_at_commas(request.builds);
    std::chrono::milliseconds budget{0};
    for (const std::string& id : request.labs) {
        for (const std::string& name : request.checks) {
            const auto* check = catalog().resolve(id).find_check(name);
            if (check == nullptr) {
                continue;  // a check of another lab graded in the same run
            }
            for (const std::string& build : check->builds) {
                if (std::find(builds.begin(), builds.end(), build) != builds.end()) {
                    budget += std::chrono::seconds(check->timeout_seconds);
                }
            }
        }
    }
    return budget;
}

// What every grading of hostile code must keep, whatever the fault.
void expect_graded_in_time_leaving_nothing(const Grading& grading) {
    ASSERT_EQ(grading.run.outcome.end, pclab::grader::ProcessEnd::exited) << describe(grading.run);
    ASSERT_EQ(grading.run.outcome.exit_code, 0) << describe(grading.run);
    ASSERT_TRUE(grading.run.report.is_object()) << "no report written\n" << describe(grading.run);
    for (const std::string& lab : grading.request.labs) {
        ASSERT_TRUE(grading.lab(lab).is_object()) << "lab " << lab << "\n" << describe(grading.run);
        for (const std::string& name : grading.request.checks) {
            if (catalog().resolve(lab).find_check(name) != nullptr) {
                ASSERT_TRUE(grading.check(lab, name).is_object()) << lab << " " << name << "\n"
                                                                  << describe(grading.run);
            }
        }
    }
    // A grader that finds the machine slower than its reference machine stretches every
    // timeout by the factor it reports as timeout_scale (1 when it reports none).
    const nlohmann::json& reported_scale = field(grading.run.report, "timeout_scale");
    const double scale = reported_scale.is_number() ? reported_scale.get<double>() : 1.0;
    // A run that ends as deadlock after the machine has slowed down is run once more, at a scale
    // no higher than the cap (docs/grading.md, "Timeouts"): its timeout may then be spent twice.
    const bool rerun =
        grading.run.outcome.stderr_text.find("slowed down since") != std::string::npos;
    const double allowed = rerun ? scale + pclab::grader::kMaxTimeoutScale : scale;
    const std::chrono::milliseconds checks{sum_of_check_durations_ms(grading.run.report)};
    const auto budget = std::chrono::duration_cast<std::chrono::milliseconds>(
        check_timeouts(grading.request) * allowed + kGradingOverhead);
    EXPECT_LE(checks, budget) << "the checks took longer than their timeouts allow (x" << scale
                              << ")\n"
                              << describe(grading.run);
    EXPECT_TRUE(grading.survivors.empty()) << "processes of the submission outlived the grading:\n"
                                           << ::testing::PrintToString(grading.survivors);
}

// The verdict of a grading of one check that must fail: 0 points, in `category`.
void expect_failed_in(const Grading& grading, const std::string& lab, const std::string& name,
                      const std::string& category) {
    const nlohmann::json& check = grading.check(lab, name);
    EXPECT_EQ(field(check, "status"), std::string("failed")) << describe(grading.run);
    EXPECT_EQ(field(check, "category"), category) << describe(grading.run);
    EXPECT_EQ(field(check, "score"), 0);
    EXPECT_EQ(field(grading.lab(lab), "score"), 0);
    EXPECT_GT(field(grading.lab(lab), "max_score"), 0);
}

// The verdict of a grading of one check that must pass: full marks.
void expect_passed(const Grading& grading, const std::string& lab, const std::string& name) {
    EXPECT_EQ(field(grading.check(lab, name), "status"), std::string("passed"))
        << describe(grading.run);
    EXPECT_GT(field(grading.lab(lab), "max_score"), 0);
    EXPECT_EQ(field(grading.lab(lab), "score"), field(grading.lab(lab), "max_score"))
        << describe(grading.run);
}

// A run-time fault of lab 01, on its single-threaded contract check (30 s).
Grading grade_lab01_fault(const std::string& fault) {
    return grade({.labs = {"01"}, .checks = {"append-contract"}, .fault = fault});
}

int line_of(const std::string& text, std::string_view marker) {
    const std::size_t at = text.find(marker);
    if (at == std::string::npos) {
        throw std::logic_error("marker not found: " + std::string(marker));
    }
    return 1 + static_cast<int>(std::count(text.begin(), text.begin() + at, '\n'));
}

// ---- Code that does not compile ------------------------------------------------------------

TEST(HostileSubmission, SyntaxErrorIsACompileErrorAtItsLineWhileOtherLabsKeepTheirPoints) {
    const Grading& grading = first_grading();
    ASSERT_NO_FATAL_FAILURE(expect_graded_in_time_leaving_nothing(grading));
    expect_failed_in(grading, "01", "append-contract", "compile-error");
    const int line = line_of(grading.request.result_list, "SYNTAX ERROR");
    EXPECT_TRUE(mentions(field(grading.check("01", "append-contract"), "message"),
                         kResultListFile + ":" + std::to_string(line) + ":"));
    expect_passed(grading, "03", "nowait-never-blocks");
    expect_passed(grading, "04", "task-done-contract");
}

TEST(HostileSubmission, WrongSignatureIsACompileError) {
    const Grading grading =
        grade({.labs = {"01"},
               .checks = {"append-contract"},
               .result_list = read_text(kFixtures / "result_list_wrong_signature.hpp")});
    ASSERT_NO_FATAL_FAILURE(expect_graded_in_time_leaving_nothing(grading));
    expect_failed_in(grading, "01", "append-contract", "compile-error");
}

// ---- Code that never finishes ---------------------------------------------------------------

// Lab 03's non-blocking check (30 s) has a thread blocked in get() while another puts.
TEST(HostileSubmission, DeadlockInGetIsADeadlockSayingWhereThreadsWait) {
    const Grading grading =
        grade({.labs = {"03"}, .checks = {"nowait-never-blocks"}, .fault = "deadlock-in-get"});
    ASSERT_NO_FATAL_FAILURE(expect_graded_in_time_leaving_nothing(grading));
    expect_failed_in(grading, "03", "nowait-never-blocks", "deadlock");
    const auto& message = field(grading.check("03", "nowait-never-blocks"), "message");
    EXPECT_TRUE(mentions(message, "Where the threads were waiting:"));
    EXPECT_TRUE(mentions(message, ": blocked in Queue::get()"));
}

// Lab 04's join check (15 s) runs every join() on a watched thread.
TEST(HostileSubmission, DeadlockInJoinIsADeadlockSayingWhereThreadsWait) {
    const Grading grading =
        grade({.labs = {"04"}, .checks = {"join-returns-when-done"}, .fault = "deadlock-in-join"});
    ASSERT_NO_FATAL_FAILURE(expect_graded_in_time_leaving_nothing(grading));
    expect_failed_in(grading, "04", "join-returns-when-done", "deadlock");
    const auto& message = field(grading.check("04", "join-returns-when-done"), "message");
    EXPECT_TRUE(mentions(message, "Where the threads were waiting:"));
    EXPECT_TRUE(mentions(message, "joiner: blocked in join()"));
}

// A spinning thread is never asleep, so only the timeout ends it: lab 04's shortest (15 s).
TEST(HostileSubmission, BusyLoopForeverIsADeadlock) {
    const Grading grading =
        grade({.labs = {"04"}, .checks = {"task-done-contract"}, .fault = "busy-loop-in-put"});
    ASSERT_NO_FATAL_FAILURE(expect_graded_in_time_leaving_nothing(grading));
    expect_failed_in(grading, "04", "task-done-contract", "deadlock");
}

TEST(HostileSubmission, SleepingForeverIsADeadlock) {
    const Grading grading = grade_lab01_fault("sleeps-forever");
    ASSERT_NO_FATAL_FAILURE(expect_graded_in_time_leaving_nothing(grading));
    expect_failed_in(grading, "01", "append-contract", "deadlock");
}

// ---- Code that crashes ------------------------------------------------------------------------

TEST(HostileSubmission, NullDereferenceIsACrashNamingSigsegv) {
    const Grading grading = grade_lab01_fault("null-dereference");
    ASSERT_NO_FATAL_FAILURE(expect_graded_in_time_leaving_nothing(grading));
    expect_failed_in(grading, "01", "append-contract", "crash");
    EXPECT_TRUE(mentions(field(grading.check("01", "append-contract"), "message"), "SIGSEGV"));
}

// The one ThreadSanitizer case (its tree costs about 50 s): TSan catches the signal itself, and
// the crash must still be named. The check runs in the tsan build only.
TEST(HostileSubmission, NullDereferenceUnderThreadSanitizerIsACrashNamingSegv) {
    const Grading grading = grade({.labs = {"01"},
                                   .checks = {"concurrent-appends-race-free"},
                                   .builds = "tsan",
                                   .fault = "null-dereference"});
    ASSERT_NO_FATAL_FAILURE(expect_graded_in_time_leaving_nothing(grading));
    expect_failed_in(grading, "01", "concurrent-appends-race-free", "crash");
    EXPECT_TRUE(
        mentions(field(grading.check("01", "concurrent-appends-race-free"), "message"), "SEGV"));
}

TEST(HostileSubmission, AbortIsACrashNamingSigabrt) {
    const Grading grading = grade_lab01_fault("abort");
    ASSERT_NO_FATAL_FAILURE(expect_graded_in_time_leaving_nothing(grading));
    expect_failed_in(grading, "01", "append-contract", "crash");
    EXPECT_TRUE(mentions(field(grading.check("01", "append-contract"), "message"), "SIGABRT"));
}

TEST(HostileSubmission, UncaughtExceptionInAStudentThreadIsACrashNamingTypeAndWhat) {
    const Grading grading = grade_lab01_fault("exception-in-student-thread");
    ASSERT_NO_FATAL_FAILURE(expect_graded_in_time_leaving_nothing(grading));
    expect_failed_in(grading, "01", "append-contract", "crash");
    const auto& message = field(grading.check("01", "append-contract"), "message");
    EXPECT_TRUE(mentions(message, "std::runtime_error"));
    EXPECT_TRUE(mentions(message, "hostile: thrown in a thread the submission started"));
}

TEST(HostileSubmission, DestroyingAJoinableThreadIsACrashMentioningJoinable) {
    const Grading grading = grade_lab01_fault("joinable-thread-destroyed");
    ASSERT_NO_FATAL_FAILURE(expect_graded_in_time_leaving_nothing(grading));
    expect_failed_in(grading, "01", "append-contract", "crash");
    EXPECT_TRUE(mentions(field(grading.check("01", "append-contract"), "message"), "joinable"));
}

// ---- Code that takes too much ---------------------------------------------------------------

// Lab 03's backpressure check stops a run at 256 MiB (the others at 2 GiB): a cheaper bomb.
TEST(HostileSubmission, MemoryBombIsAMemoryLimit) {
    const Grading grading = grade(
        {.labs = {"03"}, .checks = {"backpressure-bounds-memory"}, .fault = "memory-bomb-in-put"});
    ASSERT_NO_FATAL_FAILURE(expect_graded_in_time_leaving_nothing(grading));
    expect_failed_in(grading, "03", "backpressure-bounds-memory", "memory-limit");
}

// A bounded bomb: at most 20,000 children, each pause()s until the grader kills it.
TEST(HostileSubmission, ForkBombIsAProcessLimit) {
    const Grading grading = grade_lab01_fault("fork-bomb");
    ASSERT_NO_FATAL_FAILURE(expect_graded_in_time_leaving_nothing(grading));
    expect_failed_in(grading, "01", "append-contract", "process-limit");
}

TEST(HostileSubmission, ThreadBombIsAProcessLimit) {
    const Grading grading = grade_lab01_fault("thread-bomb");
    ASSERT_NO_FATAL_FAILURE(expect_graded_in_time_leaving_nothing(grading));
    expect_failed_in(grading, "01", "append-contract", "process-limit");
}

// 1 GiB on each stream from a correct list: the grader keeps 1 MiB of each and reads on.
TEST(HostileSubmission, FloodingStdoutAndStderrIsCappedAndTheCheckStillPasses) {
    const Grading grading = grade_lab01_fault("floods-output");
    ASSERT_NO_FATAL_FAILURE(expect_graded_in_time_leaving_nothing(grading));
    EXPECT_TRUE(mentions(grading.evidence, "flooded stdout and stderr with 1073741824 bytes each"));
    expect_passed(grading, "01", "append-contract");
}

// ---- Code that lies about its result -------------------------------------------------------

TEST(HostileSubmission, ExitZeroInsideATestIsACrash) {
    const Grading grading = grade_lab01_fault("exit-zero");
    ASSERT_NO_FATAL_FAILURE(expect_graded_in_time_leaving_nothing(grading));
    expect_failed_in(grading, "01", "append-contract", "crash");
}

TEST(HostileSubmission, UnderscoreExitZeroInsideATestIsACrash) {
    const Grading grading = grade_lab01_fault("underscore-exit-zero");
    ASSERT_NO_FATAL_FAILURE(expect_graded_in_time_leaving_nothing(grading));
    expect_failed_in(grading, "01", "append-contract", "crash");
}

// A list that drops every value fails the contract check with plain expectations: assertion.
TEST(HostileSubmission, PrintingAFakePassingRunChangesNothing) {
    const Grading grading = grade_lab01_fault("prints-fake-pass");
    ASSERT_NO_FATAL_FAILURE(expect_graded_in_time_leaving_nothing(grading));
    expect_failed_in(grading, "01", "append-contract", "assertion");
    EXPECT_EQ(field(grading.run.report, "score"), 0);
}

TEST(HostileSubmission, ForgedGoogleTestReportIsTampering) {
    const Grading grading = grade_lab01_fault("forges-gtest-report");
    ASSERT_NO_FATAL_FAILURE(expect_graded_in_time_leaving_nothing(grading));
    expect_failed_in(grading, "01", "append-contract", "tampering");
}

// ---- Code that reaches outside its sandbox -------------------------------------------------

// The bytes and modification times of files, to compare and, if need be, to put back.
class FileSnapshot {
  public:
    explicit FileSnapshot(const std::vector<fs::path>& files) {
        for (const fs::path& file : files) {
            std::ifstream in(file, std::ios::binary);
            files_[file] = {std::string{std::istreambuf_iterator<char>(in), {}},
                            fs::last_write_time(file)};
        }
    }

    // Restores every file that differs from the snapshot; returns their paths.
    std::vector<std::string> restore_changed() const {
        std::vector<std::string> changed;
        for (const auto& [file, saved] : files_) {
            std::ifstream in(file, std::ios::binary);
            const std::string now{std::istreambuf_iterator<char>(in), {}};
            if (now == saved.bytes && fs::last_write_time(file) == saved.modified) {
                continue;
            }
            changed.push_back(file.string());
            std::ofstream(file, std::ios::binary | std::ios::trunc) << saved.bytes;
            fs::last_write_time(file, saved.modified);
        }
        return changed;
    }

  private:
    struct Saved {
        std::string bytes;
        fs::file_time_type modified;
    };
    std::map<fs::path, Saved> files_;
};

std::vector<fs::path> lab01_test_sources() {
    std::vector<fs::path> sources;
    for (const auto& entry : fs::directory_iterator(kRoot / "labs/01-shared-results/tests")) {
        sources.push_back(entry.path());
    }
    return sources;
}

// The fixture rewrites labs/01-shared-results/tests/append_contract_test.cpp (keeping its text,
// adding a comment) and creates HOSTILE-SUBMISSION-WAS-HERE in the kit's root. Both must fail;
// if the grader lets them through, the kit is put back before anything is asserted, because
// every other test builds from these files.
TEST(HostileSubmission, WritesIntoTheKitChangeNothing) {
    const fs::path marker = kRoot / "HOSTILE-SUBMISSION-WAS-HERE";
    ASSERT_FALSE(fs::exists(marker)) << marker << " is left from an earlier run; remove it";
    const FileSnapshot before(lab01_test_sources());
    const Grading grading = grade_lab01_fault("writes-into-kit");
    const std::vector<std::string> changed = before.restore_changed();
    const bool marker_created = fs::remove(marker);

    ASSERT_NO_FATAL_FAILURE(expect_graded_in_time_leaving_nothing(grading));
    EXPECT_TRUE(changed.empty()) << "the check changed " << ::testing::PrintToString(changed);
    EXPECT_FALSE(marker_created) << "the check created " << marker;
    EXPECT_TRUE(mentions(grading.evidence, "rewrite ")) << "the rewrite was never attempted";
    EXPECT_TRUE(mentions(grading.evidence, "create ")) << "the marker was never attempted";
    expect_passed(grading, "01", "append-contract");
}

// The staged file's directory has no ../../solutions, but the kit's include directory does.
TEST(HostileSubmission, IncludingTheSolutionByARelativePathIsForbidden) {
    const Grading grading =
        grade({.labs = {"01"},
               .checks = {"append-contract"},
               .result_list = read_text(kFixtures / "result_list_includes_solution.hpp")});
    ASSERT_NO_FATAL_FAILURE(expect_graded_in_time_leaving_nothing(grading));
    expect_failed_in(grading, "01", "append-contract", "forbidden-include");
}

// The absolute path depends on where the kit is, so this text is made here.
TEST(HostileSubmission, IncludingTheSolutionByAnAbsolutePathIsForbidden) {
    const fs::path solution = kRoot / "solutions/01-shared-results/result_list.hpp";
    const Grading grading = grade({.labs = {"01"},
                                   .checks = {"append-contract"},
                                   .result_list = "#pragma once\n#include \"" + solution.string() +
                                                  "\"  // the reference, whole\n"});
    ASSERT_NO_FATAL_FAILURE(expect_graded_in_time_leaving_nothing(grading));
    expect_failed_in(grading, "01", "append-contract", "forbidden-include");
}

}  // namespace
