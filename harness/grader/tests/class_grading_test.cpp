// Tests of `./pclab grade-batch`'s parts that need no child grader: the roster and shards,
// reading a JSON report back, CSV quoting, HTML escaping, the gradebook, the HTML page and
// summary.json rendered from hand-made results (one student's grading failed), and --merge.
#include <gtest/gtest.h>
#include <stdlib.h>
#include <unistd.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include <pclab/failure_categories.hpp>

#include "class_grading.hpp"
#include "class_report_html.hpp"
#include "class_results.hpp"
#include "class_roster.hpp"
#include "class_summary_json.hpp"
#include "grade_command.hpp"
#include "gradebook_csv.hpp"
#include "report_formats.hpp"
#include "report_json_reading.hpp"
#include "scratch_directory.hpp"
#include "text_assertions.hpp"

namespace pclab::grader {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;

std::string read_text(const fs::path& path) {
    std::ifstream in(path, std::ios::binary);
    return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

// ---------------------------------------------------------------------------------------------
// Hand-made results of a class of four, graded on lab 01 (10 points) and lab 02 (8 points).

CheckResult check(std::string name, int points, bool passed, std::string category = "",
                  std::string message = "") {
    CheckResult result;
    result.name = std::move(name);
    result.explains = "explains " + result.name;
    result.builds = {"plain", "tsan"};
    result.max_score = points;
    result.score = passed ? points : 0;
    result.passed = passed;
    result.category = std::move(category);
    result.message = std::move(message);
    return result;
}

LabResult lab01(bool racy) {
    LabResult lab;
    lab.id = "01";
    lab.slug = "shared-results";
    lab.title = "Shared results: many consumers, one list";
    lab.impl = "student";
    lab.checks.push_back(check("append-contract", 2, true));
    CheckResult exact = check("exact-results", 4, !racy);
    CheckResult appends = check("concurrent-appends-race-free", 4, !racy);
    if (racy) {
        for (CheckResult* lost : {&exact, &appends}) {
            lost->category = "data-race";
            // Student output reaches messages: it must show, never run, in the page.
            lost->message = "Data race at result_list.hpp:31 <script>alert(\"pwned\")</script>";
            lost->seed = 42;
            lost->replay_command =
                "./pclab grade 01 --impl student --submission /class/bob "
                "--check " +
                lost->name + " --seed 42";
            lost->where = CodeLocation{"result_list.hpp", 31};
        }
    }
    lab.checks.push_back(exact);
    lab.checks.push_back(appends);
    return lab;
}

LabResult lab02(bool compiles) {
    LabResult lab;
    lab.id = "02";
    lab.slug = "bounded-buffer";
    lab.title = "A bounded buffer";
    lab.impl = "student";
    if (!compiles) {
        lab.lab_error_category = "compile-error";
        lab.lab_error = "bounded_buffer.hpp:3:1: error: expected ';' before '</pre>' token";
    }
    for (auto [name, points] : {std::pair{"put-get-contract", 3}, std::pair{"exactly-once", 5}}) {
        CheckResult result = compiles ? check(name, points, true)
                                      : check(name, points, false, "compile-error", lab.lab_error);
        lab.checks.push_back(result);
    }
    return lab;
}

StudentResult graded(std::string id, std::vector<LabResult> labs) {
    StudentResult student;
    student.id = id;
    student.directory_name = id;
    student.graded = true;
    student.run.seed = 42;
    student.run.impl = "student";
    student.run.labs = std::move(labs);
    student.wall = std::chrono::milliseconds(61000);
    return student;
}

ClassResults sample_class() {
    ClassResults results;
    results.graded_at = "2025-03-01 09:30 UTC";
    results.seeds = {42};
    results.labs = {{"01", "shared-results", "Shared results: many consumers, one list", 10},
                    {"02", "bounded-buffer", "A bounded buffer", 8}};
    results.students.push_back(graded("alice", {lab01(false), lab02(true)}));
    results.students.push_back(graded("bob", {lab01(true), lab02(true)}));
    results.students.push_back(graded("carol", {lab01(false), lab02(false)}));
    StudentResult dave;
    dave.id = "dave";
    dave.directory_name = "dave";
    dave.error = "the grader died of SIGSEGV (segmentation fault)";
    dave.log_tail = "+ cmake --build ...\n<b>boom</b>";
    dave.wall = std::chrono::milliseconds(3000);
    results.students.push_back(dave);
    return results;
}

// ---------------------------------------------------------------------------------------------
// Roster and shards

TEST(ClassRoster, StudentIdsAreSafeFileNames) {
    EXPECT_EQ(student_id_for("alice"), "alice");
    EXPECT_EQ(student_id_for("lab-01-bob_2+x@uni.edu"), "lab-01-bob_2+x@uni.edu");
    EXPECT_EQ(student_id_for("Alice Smith"), "Alice_Smith");
    EXPECT_EQ(student_id_for("a/../b"), "a_.._b");
    EXPECT_EQ(student_id_for("<script>"), "_script_");
    EXPECT_EQ(student_id_for("-rf"), "_rf");
    EXPECT_EQ(student_id_for("..x"), "_.x");
    EXPECT_EQ(student_id_for("Jos\xC3\xA9"), "Jos__");
    EXPECT_EQ(student_id_for(std::string(300, 'x')).size(), kMaxStudentIdLength);
}

TEST(ClassRoster, ListsStudentDirectoriesSortedAndSkipsTheRest) {
    const ScratchDirectory dir("pclab-class-roster");
    for (const char* name : {"carol", "alice", "a b", "a_b", ".git", "bob"}) {
        fs::create_directories(dir.path() / name);
    }
    std::ofstream(dir.path() / "grades.csv") << "x\n";
    const Roster roster = read_roster(dir.path());
    std::vector<std::string> ids;
    for (const ClassMember& member : roster.students) {
        ids.push_back(member.id);
        EXPECT_TRUE(member.directory.is_absolute());
        EXPECT_EQ(member.directory.filename().string(), member.directory_name);
    }
    // "a b" sorts before "a_b" and keeps the plain id; the later one gets a suffix.
    EXPECT_EQ(ids, (std::vector<std::string>{"a_b", "a_b-2", "alice", "bob", "carol"}));
    EXPECT_EQ(roster.students[0].directory_name, "a b");
    EXPECT_EQ(roster.students[1].directory_name, "a_b");
    EXPECT_EQ(roster.skipped.size(), 2u);
}

TEST(ClassRoster, ANonDirectoryIsAnError) {
    EXPECT_THROW(read_roster("/nonexistent/pclab/class"), RosterError);
}

TEST(ClassRoster, ShardsParseAndPartitionTheClass) {
    EXPECT_FALSE(parse_shard("3"));
    EXPECT_FALSE(parse_shard("3/3"));
    EXPECT_FALSE(parse_shard("-1/3"));
    EXPECT_FALSE(parse_shard("1/0"));
    EXPECT_FALSE(parse_shard("1/x"));
    EXPECT_FALSE(parse_shard("/3"));
    ASSERT_TRUE(parse_shard("2/3"));
    EXPECT_EQ(parse_shard("2/3")->index, 2);
    EXPECT_EQ(parse_shard("2/3")->count, 3);

    std::vector<ClassMember> students;
    for (int i = 0; i < 7; ++i) {
        students.push_back({"s" + std::to_string(i), "s" + std::to_string(i), "/c"});
    }
    std::vector<std::string> seen;
    for (int k = 0; k < 3; ++k) {
        for (const ClassMember& member : students_of_shard(students, Shard{k, 3})) {
            seen.push_back(member.id);
        }
    }
    std::sort(seen.begin(), seen.end());
    EXPECT_EQ(seen.size(), students.size());
    EXPECT_EQ(std::unique(seen.begin(), seen.end()), seen.end());
    EXPECT_EQ(students_of_shard(students, Shard{1, 3}).front().id, "s1");
    EXPECT_EQ(students_of_shard(students, Shard{1, 3}).back().id, "s4");
}

// ---------------------------------------------------------------------------------------------
// Reading a report back

TEST(ReportJsonReading, AReportReadsBackToTheSameReport) {
    for (const StudentResult& student : sample_class().students) {
        if (!student.graded) {
            continue;
        }
        const json written = to_json(student.run);
        const GradingRun read = grading_run_from_json(written);
        EXPECT_EQ(to_json(read), written) << student.id;
        EXPECT_EQ(to_text(read, false), to_text(student.run, false)) << student.id;
    }
}

TEST(ReportJsonReading, RejectsWhatIsNoReport) {
    const json good = to_json(sample_class().students[1].run);
    EXPECT_THROW(grading_run_from_json(json::array()), ReportFormatError);
    json no_labs = good;
    no_labs.erase("labs");
    EXPECT_THROW(grading_run_from_json(no_labs), ReportFormatError);
    json bad_status = good;
    bad_status["labs"][0]["checks"][0]["status"] = "maybe";
    EXPECT_THROW(grading_run_from_json(bad_status), ReportFormatError);
    json inflated = good;  // a hand-edited score no longer matches its checks
    inflated["labs"][0]["score"] = 10;
    EXPECT_THROW(grading_run_from_json(inflated), ReportFormatError);
    json bad_line = good;
    bad_line["labs"][0]["checks"][1]["location"]["line"] = "thirty-one";
    EXPECT_THROW(grading_run_from_json(bad_line), ReportFormatError);
}

// ---------------------------------------------------------------------------------------------
// CSV and HTML escaping

TEST(GradebookCsv, QuotesOnlyFieldsThatNeedIt) {
    EXPECT_EQ(csv_field("alice"), "alice");
    EXPECT_EQ(csv_field(""), "");
    EXPECT_EQ(csv_field("data-race;lost-item"), "data-race;lost-item");
    EXPECT_EQ(csv_field("Smith, Alice"), "\"Smith, Alice\"");
    EXPECT_EQ(csv_field("say \"hi\""), "\"say \"\"hi\"\"\"");
    EXPECT_EQ(csv_field("two\nlines"), "\"two\nlines\"");
    EXPECT_EQ(csv_field("cr\rhere"), "\"cr\rhere\"");
}

TEST(ClassReportHtml, EscapesMarkupAndControlCharacters) {
    EXPECT_EQ(html_escaped("<script>alert('x') & \"y\"</script>"),
              "&lt;script&gt;alert(&#39;x&#39;) &amp; &quot;y&quot;&lt;/script&gt;");
    EXPECT_EQ(html_escaped("line\r\nnext\ttab"), "line\nnext\ttab");
    EXPECT_EQ(html_escaped("\x1b[31mred"), "\xEF\xBF\xBD[31mred");
    EXPECT_EQ(html_escaped("caf\xC3\xA9"), "caf\xC3\xA9");  // UTF-8 passes unchanged
}

// ---------------------------------------------------------------------------------------------
// The renderings of one class

TEST(GradebookCsv, OneRowPerStudentAndLabWithFailedGradingsAsGradingError) {
    EXPECT_EQ(gradebook_csv(sample_class()),
              "student,lab,score,max_score,categories\r\n"
              "alice,01,10,10,\r\n"
              "alice,02,8,8,\r\n"
              "bob,01,2,10,data-race\r\n"
              "bob,02,8,8,\r\n"
              "carol,01,10,10,\r\n"
              "carol,02,0,8,compile-error\r\n"
              "dave,01,0,10,grading-error\r\n"
              "dave,02,0,8,grading-error\r\n");
}

TEST(GradebookCsv, SeveralCategoriesAreJoinedSortedAndUnique) {
    ClassResults results = sample_class();
    LabResult& lab = results.students[1].run.labs[0];
    lab.checks[0] = check("append-contract", 2, false, "lost-item", "item 3, of 4, lost");
    lab.checks.push_back(check("again", 1, false, "data-race", "again"));
    const std::string csv = gradebook_csv(results);
    EXPECT_TRUE(contains(csv, "\r\nbob,01,0,11,data-race;lost-item\r\n"));
}

TEST(ClassReportHtml, ShowsEveryStudentAndNeverStudentMarkup) {
    const ClassResults results = sample_class();
    const std::string html = class_report_html(results);
    EXPECT_TRUE(contains(html, "<!DOCTYPE html>"));
    EXPECT_TRUE(contains(html, "2025-03-01 09:30 UTC"));
    for (const char* id : {"alice", "bob", "carol", "dave"}) {
        EXPECT_TRUE(contains(html, std::string("<details class=\"student\" id=\"student-") + id));
        EXPECT_TRUE(contains(html, std::string("<a href=\"#report-") + id + "\">"));
        EXPECT_TRUE(contains(html, std::string("id=\"report-") + id + "\""));
    }
    // Scores, colours and categories of the table.
    EXPECT_TRUE(contains(html,
                         "<td class=\"partial\"><a href=\"#report-bob\"><span "
                         "class=\"score\">2/10</span><span class=\"cats\">data-race"));
    EXPECT_TRUE(contains(html,
                         "<td class=\"zero\"><a href=\"#report-carol\"><span "
                         "class=\"score\">0/8</span><span class=\"cats\">compile-error"));
    EXPECT_TRUE(contains(html,
                         "<td class=\"error\"><a href=\"#report-dave\"><span "
                         "class=\"score\">error</span>"));
    EXPECT_TRUE(contains(html,
                         "<td class=\"full\"><a href=\"#report-alice\"><span "
                         "class=\"score\">18/18</span>"));
    // The student's code printed markup: it shows as text, in the message and the replay.
    EXPECT_TRUE(contains(html, "&lt;script&gt;alert(&quot;pwned&quot;)&lt;/script&gt;"));
    EXPECT_EQ(html.find("<script"), std::string::npos);
    EXPECT_EQ(html.find("</pre>' token"), std::string::npos);
    EXPECT_TRUE(contains(html, "before &#39;&lt;/pre&gt;&#39; token"));
    EXPECT_TRUE(contains(html, "&lt;b&gt;boom&lt;/b&gt;"));
    EXPECT_TRUE(contains(html, "Seed <code>42</code>"));
    EXPECT_TRUE(contains(html, "--check exact-results --seed 42"));
    // The failed grading is announced and explained.
    EXPECT_TRUE(contains(html, "The grading of 1 student failed"));
    EXPECT_TRUE(contains(html, "the grader died of SIGSEGV (segmentation fault)"));
    // No external resource, no script.
    EXPECT_EQ(html.find("src="), std::string::npos);
    EXPECT_EQ(html.find("<link"), std::string::npos);
    EXPECT_EQ(html.find("http"), std::string::npos);
}

TEST(ClassReportHtml, CountsFailureCategoriesPerLabWithTheSharedMeanings) {
    const ClassResults results = sample_class();
    const auto lab01_counts = category_counts(results, results.labs[0]);
    ASSERT_EQ(lab01_counts.size(), 2u);
    EXPECT_EQ(lab01_counts[0], (std::pair<std::string, int>{"data-race", 1}));
    EXPECT_EQ(lab01_counts[1], (std::pair<std::string, int>{"grading-error", 1}));
    const std::string html = class_report_html(results);
    for (const std::string_view category : {"data-race", "compile-error"}) {
        const auto known =
            std::find_if(kFailureCategories.begin(), kFailureCategories.end(),
                         [&](const FailureCategory& c) { return c.name == category; });
        ASSERT_NE(known, kFailureCategories.end());
        EXPECT_TRUE(contains(html, "<code class=\"cat\">" + std::string(category) +
                                       "</code></td><td class=\"count\">1</td><td>" +
                                       html_escaped(known->meaning)));
    }
    EXPECT_TRUE(contains(html, html_escaped(kGradingErrorMeaning)));
}

TEST(ClassReportHtml, LabsWithoutALostPointShareOneLine) {
    ClassResults results = sample_class();
    results.students.pop_back();                    // dave: no report
    results.students[2].run.labs[1] = lab02(true);  // carol now compiles
    const std::string html = class_report_html(results);
    EXPECT_TRUE(contains(html, "Every student passed every check of lab 02 bounded-buffer."));
    EXPECT_EQ(html.find("<h3>Lab 02"), std::string::npos);
    EXPECT_TRUE(contains(html, "<h3>Lab 01 shared-results"));
}

TEST(ClassSummaryJson, SaysWhichGradingsFailed) {
    const json summary = to_summary_json(sample_class());
    EXPECT_EQ(summary["complete"], false);
    EXPECT_EQ(summary["students_total"], 4);
    EXPECT_EQ(summary["students_graded"], 3);
    EXPECT_EQ(summary["students_failed"], 1);
    EXPECT_EQ(summary["failed_students"], json::array({"dave"}));
    EXPECT_EQ(summary["seeds"], json::array({42}));
    const json& bob = summary["students"][1];
    EXPECT_EQ(bob["student"], "bob");
    EXPECT_EQ(bob["status"], "graded");
    EXPECT_EQ(bob["score"], 10);
    EXPECT_EQ(bob["max_score"], 18);
    EXPECT_EQ(bob["labs"][0]["score"], 2);
    EXPECT_EQ(bob["labs"][0]["categories"], json::array({"data-race"}));
    EXPECT_EQ(bob["report"], "students/bob/report.json");
    const json& dave = summary["students"][3];
    EXPECT_EQ(dave["status"], "error");
    EXPECT_EQ(dave["error"], "the grader died of SIGSEGV (segmentation fault)");
    EXPECT_EQ(dave["score"], 0);
    EXPECT_EQ(dave["max_score"], 18);
    EXPECT_EQ(dave["labs"][1]["categories"], json::array({"grading-error"}));
}

// ---------------------------------------------------------------------------------------------
// Shards and --merge

// Writes `results` as a grade-batch run would have: outputs plus students/<id>/ files.
void write_batch_output(const ClassResults& results, const fs::path& dir) {
    for (const StudentResult& student : results.students) {
        const fs::path student_dir = dir / "students" / student.id;
        fs::create_directories(student_dir);
        std::ofstream(student_dir / "grader.log") << "log of " << student.id << '\n';
        if (student.graded) {
            std::ofstream(student_dir / "report.json") << to_json(student.run).dump(2);
        }
    }
    write_class_outputs(results, dir);
}

ClassResults shard_of(const ClassResults& all, const Shard& shard) {
    ClassResults part = all;
    part.students.clear();
    for (std::size_t i = 0; i < all.students.size(); ++i) {
        if (static_cast<int>(i) % shard.count == shard.index) {
            part.students.push_back(all.students[i]);
        }
    }
    part.shards = {std::to_string(shard.index) + "/" + std::to_string(shard.count)};
    return part;
}

TEST(ClassMerge, ShardsMergeIntoTheWholeClassOutput) {
    const ScratchDirectory dir("pclab-class-merge");
    const ClassResults all = sample_class();
    write_batch_output(shard_of(all, {0, 2}), dir.path() / "shard-0");
    write_batch_output(shard_of(all, {1, 2}), dir.path() / "shard-1");

    MergeOptions merge;
    merge.inputs = {dir.path() / "shard-1", dir.path() / "shard-0"};
    merge.output_dir = dir.path() / "class";
    ASSERT_EQ(merge_class_outputs(merge), kGraded);

    // The merged class renders exactly as the class graded in one batch would.
    ClassResults whole = all;
    whole.shards = {"0/2", "1/2"};
    EXPECT_EQ(read_text(merge.output_dir / "gradebook.csv"), gradebook_csv(whole));
    EXPECT_EQ(read_text(merge.output_dir / "class-report.html"), class_report_html(whole));
    const json summary = json::parse(read_text(merge.output_dir / "summary.json"));
    EXPECT_EQ(summary, to_summary_json(whole));
    EXPECT_EQ(summary["shards"], json::array({"0/2", "1/2"}));
    for (const char* id : {"alice", "bob", "carol", "dave"}) {
        EXPECT_TRUE(fs::exists(merge.output_dir / "students" / id / "grader.log")) << id;
    }
    EXPECT_TRUE(fs::exists(merge.output_dir / "students" / "bob" / "report.json"));
}

TEST(ClassMerge, AMissingReportBecomesThatStudentsGradingError) {
    const ScratchDirectory dir("pclab-class-merge-missing");
    write_batch_output(sample_class(), dir.path() / "all");
    fs::remove(dir.path() / "all" / "students" / "bob" / "report.json");
    const ClassResults read = read_class_output(dir.path() / "all");
    ASSERT_EQ(read.students.size(), 4u);
    EXPECT_TRUE(read.students[0].graded);
    EXPECT_FALSE(read.students[1].graded);
    EXPECT_TRUE(contains(read.students[1].error, "report.json could not be read back"));
    EXPECT_TRUE(contains(gradebook_csv(read), "bob,01,0,10,grading-error"));
}

TEST(ClassMerge, AStudentInTwoInputsIsTakenOnce) {
    const ScratchDirectory dir("pclab-class-merge-twice");
    write_batch_output(sample_class(), dir.path() / "a");
    write_batch_output(sample_class(), dir.path() / "b");
    MergeOptions merge{{dir.path() / "a", dir.path() / "b"}, dir.path() / "out"};
    ASSERT_EQ(merge_class_outputs(merge), kGraded);
    EXPECT_EQ(read_text(dir.path() / "out" / "gradebook.csv"), gradebook_csv(sample_class()));
}

TEST(ClassMerge, WhatIsNoBatchOutputIsAUsageError) {
    const ScratchDirectory dir("pclab-class-merge-bad");
    fs::create_directories(dir.path() / "empty");
    fs::create_directories(dir.path() / "other");
    std::ofstream(dir.path() / "other" / "summary.json") << R"({"score": 3})";
    fs::create_directories(dir.path() / "unsafe");
    json summary = to_summary_json(sample_class());
    summary["students"][0]["student"] = "../../etc";
    std::ofstream(dir.path() / "unsafe" / "summary.json") << summary.dump();
    for (const char* input : {"empty", "other", "unsafe"}) {
        MergeOptions merge{{dir.path() / input}, dir.path() / "out"};
        EXPECT_EQ(merge_class_outputs(merge), kUsageError) << input;
    }
    EXPECT_EQ(merge_class_outputs(MergeOptions{{}, dir.path() / "out"}), kUsageError);
}

// A stand-in for the child grader: it grades by the student directory's name. alice gets the
// report in $REPORT_SOURCE; bob's grader exits 3 saying why; carol's dies of SIGSEGV; dave's
// writes a report that is not JSON; erin's exits 0 without a report; frank's report is JSON but
// no grading report.
constexpr const char* kStandInGrader = R"sh(#!/bin/sh
out=""; sub=""
while [ $# -gt 0 ]; do
  case "$1" in
    --output) out="$2"; shift ;;
    --submission) sub="$2"; shift ;;
  esac
  shift
done
echo "stand-in grading $sub" >&2
case "$(basename "$sub")" in
  alice) cp "$REPORT_SOURCE" "$out" ;;
  bob) echo "pclab grade: could not configure the plain build tree <b>" >&2; exit 3 ;;
  carol) kill -SEGV $$ ;;
  dave) echo "{ not json" > "$out" ;;
  erin) ;;
  frank) echo '{"score": 1}' > "$out" ;;
esac
)sh";

TEST(ClassGrading, ABrokenGradingIsRecordedAndTheBatchGoesOn) {
    const ScratchDirectory dir("pclab-class-batch");
    const fs::path grader = dir.path() / "stand-in-grader";
    std::ofstream(grader) << kStandInGrader;
    fs::permissions(grader, fs::perms::owner_all);
    const fs::path report = dir.path() / "alice-report.json";
    GradingRun alice_run = sample_class().students[0].run;
    alice_run.labs.pop_back();  // the batch grades lab 01 only
    std::ofstream(report) << to_json(alice_run).dump();
    ::setenv("REPORT_SOURCE", report.c_str(), 1);  // the child inherits it
    for (const char* name : {"alice", "bob", "carol", "dave", "erin", "frank"}) {
        fs::create_directories(dir.path() / "class" / name);
    }

    BatchOptions options;
    options.root = PCLAB_SOURCE_DIR;
    options.submissions = dir.path() / "class";
    options.labs = {"01"};
    options.jobs = 3;
    options.seed = 5;
    options.output_dir = dir.path() / "out";
    options.grader_program = grader;
    ASSERT_EQ(grade_batch(options), kGraded);

    const ClassResults results = read_class_output(options.output_dir);
    ASSERT_EQ(results.students.size(), 6u);
    EXPECT_TRUE(results.students[0].graded);
    EXPECT_EQ(results.seeds, std::vector<std::uint64_t>{5});
    const auto error_of = [&](std::size_t i) { return results.students[i].error; };
    EXPECT_TRUE(contains(error_of(1),
                         "exited with status 3 (the kit could not grade): pclab "
                         "grade: could not configure the plain build tree <b>"));
    EXPECT_TRUE(contains(error_of(2), "died of SIGSEGV"));
    EXPECT_TRUE(contains(error_of(3), "not valid JSON"));
    EXPECT_TRUE(contains(error_of(4), "exited 0 but wrote no report"));
    EXPECT_TRUE(contains(error_of(5), "not a grading report"));
    EXPECT_EQ(read_text(options.output_dir / "gradebook.csv"),
              "student,lab,score,max_score,categories\r\n"
              "alice,01,10,10,\r\n"
              "bob,01,0,10,grading-error\r\n"
              "carol,01,0,10,grading-error\r\n"
              "dave,01,0,10,grading-error\r\n"
              "erin,01,0,10,grading-error\r\n"
              "frank,01,0,10,grading-error\r\n");
    // Each student's log: the command it ran and what it printed.
    const std::string log = read_text(options.output_dir / "students" / "bob" / "grader.log");
    EXPECT_TRUE(contains(log, "--submission " + (options.submissions / "bob").string()));
    EXPECT_TRUE(contains(log, "--seed 5"));
    EXPECT_TRUE(contains(log, "exited with status 3"));
    EXPECT_TRUE(contains(log, "stand-in grading"));
    EXPECT_TRUE(contains(read_text(options.output_dir / "students" / "alice" / "report.txt"),
                         "Total 10/10"));
    const json summary = json::parse(read_text(options.output_dir / "summary.json"));
    EXPECT_EQ(summary["complete"], false);
    EXPECT_EQ(summary["failed_students"], json::array({"bob", "carol", "dave", "erin", "frank"}));
    const std::string html = read_text(options.output_dir / "class-report.html");
    EXPECT_TRUE(contains(html, "The grading of 5 students failed"));
    EXPECT_TRUE(contains(html, "plain build tree &lt;b&gt;"));

    // When nobody can be graded, the batch could not grade at all.
    options.submissions = dir.path() / "nobody";
    fs::create_directories(options.submissions / "bob");
    EXPECT_EQ(grade_batch(options), kCouldNotGrade);
}

TEST(ClassGrading, UsageErrorsComeBeforeAnyGrading) {
    const ScratchDirectory dir("pclab-class-usage");
    BatchOptions options;
    options.root = PCLAB_SOURCE_DIR;
    options.output_dir = dir.path() / "out";
    options.submissions = dir.path() / "missing";
    EXPECT_EQ(grade_batch(options), kUsageError);
    options.submissions = dir.path() / "class";
    fs::create_directories(options.submissions / ".git");
    EXPECT_EQ(grade_batch(options), kUsageError);  // no student directory
    fs::create_directories(options.submissions / "alice");
    options.jobs = 0;
    EXPECT_EQ(grade_batch(options), kUsageError);
    options.jobs = 1;
    options.labs = {"99"};
    EXPECT_EQ(grade_batch(options), kUsageError);
    EXPECT_FALSE(fs::exists(options.output_dir));
}

}  // namespace
}  // namespace pclab::grader
