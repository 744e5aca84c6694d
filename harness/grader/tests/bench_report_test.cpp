// Tests of ./pclab bench's renderings (bench_report: table, Markdown, JSON; throughput_chart:
// the SVG) on the recorded run of tests/data/bench.
#include <gtest/gtest.h>

#include <string>

#include "bench_report.hpp"
#include "bench_results.hpp"
#include "junit_report.hpp"
#include "recorded_bench_run.hpp"
#include "text_assertions.hpp"
#include "throughput_chart.hpp"

namespace pclab::grader {
namespace {

BenchRecord a_record() {
    BenchRecord record;
    record.command = "./pclab bench --items 2000 --repetitions 2 --min-time 0.01";
    record.date = "2026-11-30 01:11 UTC";
    record.architecture = "x86_64";
    record.cpu_model = "Some CPU";
    record.hardware_threads = 2;
    record.load_before = "0.10 0.20 0.30";
    record.load_after = "1.10 1.20 1.30";
    record.items = 2000;
    record.repetitions = 2;
    record.min_time_seconds = 0.01;
    return record;
}

TEST(BenchFormatting, RatesRatiosAndCells) {
    EXPECT_EQ(format_rate(1234567), "1.23M");
    EXPECT_EQ(format_rate(12.04e6), "12.0M");
    EXPECT_EQ(format_rate(123456789), "123M");
    EXPECT_EQ(format_rate(95230), "95.2k");
    EXPECT_EQ(format_rate(999.6), "1.00k");
    EXPECT_EQ(format_rate(812.4), "812");
    EXPECT_EQ(format_ratio(0.843), "×0.84");
    EXPECT_EQ(format_ratio(12.43), "×12.4");
    EXPECT_EQ(format_ratio(123.4), "×123");
    EXPECT_EQ(format_cell(nullptr), "—");
    BenchCell failed;
    failed.error = "lost";
    EXPECT_EQ(format_cell(&failed), "FAILED");
    BenchCell measured;
    measured.samples = {1, 2};
    measured.median = 95230;
    measured.cv = 0.04;
    EXPECT_EQ(format_cell(&measured), "95.2k ±4.0%");
    measured.ratio = 2.5;
    measured.cv = 0.123;
    EXPECT_EQ(format_cell(&measured), "95.2k ×2.50 ±12%");
}

TEST(BenchText, ConfigRowsImplementationColumnsFailuresAndTheNoiseWarning) {
    const std::string text = bench_text(recorded_bench_results(), a_record());
    EXPECT_TRUE(contains(text, "./pclab bench --items 2000 --repetitions 2 --min-time 0.01"));
    EXPECT_TRUE(contains(text, "P/C  capacity"));
    // Columns in rank order, the baseline first.
    const std::size_t solution = text.find("solution", text.find("P/C"));
    const std::size_t student = text.find("student", text.find("P/C"));
    const std::size_t tbb = text.find("tbb", text.find("P/C"));
    const std::size_t python = text.find("python", text.find("P/C"));
    EXPECT_LT(solution, student);
    EXPECT_LT(student, tbb);
    EXPECT_LT(tbb, python);
    EXPECT_TRUE(contains(text, "×1.00"));
    EXPECT_TRUE(contains(text, "FAILED"));
    EXPECT_TRUE(contains(text, "student plain 1/1 capacity 16: the values got are not 0..1999"));
    EXPECT_TRUE(contains(text, "load average 0.10 0.20 0.30 before the run, 1.10 1.20 1.30"));
    EXPECT_TRUE(contains(text, "Compare the ratios within one run"));
    EXPECT_TRUE(contains(text, "[baseline]"));
}

TEST(BenchMarkdown, PastableSectionWithCommandTablesAndImplementations) {
    const std::string markdown = bench_markdown(recorded_bench_results(), a_record());
    EXPECT_TRUE(contains(markdown,
                         "Measured 2026-11-30 01:11 UTC on x86_64, 2 hardware threads, "
                         "Some CPU, with\n\n    ./pclab bench --items 2000"));
    EXPECT_TRUE(
        contains(markdown, "| P/C | capacity | `solution` | `student` | `tbb` | `python` |"));
    EXPECT_TRUE(contains(markdown, "|---|---:|---:|---:|---:|---:|"));
    EXPECT_EQ(occurrences(markdown, "| 1/1 |"), 2U);  // capacities 1 and 16, plain only
    EXPECT_TRUE(contains(markdown, "- `solution`: pclab::Queue"));
    EXPECT_TRUE(contains(markdown, "(the baseline)"));
    EXPECT_TRUE(contains(markdown, "**Noise:"));
}

TEST(BenchJson, SummaryPerCellWithRatiosErrorsAndTheRawOutputs) {
    const BenchResults results = recorded_bench_results();
    const nlohmann::json raw = recorded_bench_output("google-benchmark.json");
    const nlohmann::json json =
        bench_json(results, a_record(), raw, recorded_bench_output("python.json"));
    EXPECT_EQ(json.at("baseline"), "solution");
    EXPECT_EQ(json.at("items"), 2000);
    EXPECT_EQ(json.at("machine").at("hardware_threads"), 2);
    EXPECT_EQ(json.at("summary").size(), results.cells.size());
    bool saw_student = false;
    for (const nlohmann::json& entry : json.at("summary")) {
        if (entry.at("implementation") == "student") {
            saw_student = true;
            EXPECT_TRUE(entry.at("ratio_to_baseline").is_null());
            EXPECT_TRUE(entry.at("error").is_string());
        } else {
            EXPECT_TRUE(entry.at("ratio_to_baseline").is_number());
            EXPECT_TRUE(entry.at("error").is_null());
            EXPECT_EQ(entry.at("samples").size(), 2U);
        }
    }
    EXPECT_TRUE(saw_student);
    EXPECT_EQ(json.at("raw").at("google_benchmark"), raw);
}

TEST(ThroughputChart, LogAxisOverWholeDecades) {
    const LogAxis axis = LogAxis::covering(9000, 2.1e6);
    EXPECT_EQ(axis.low_exponent, 3);
    EXPECT_EQ(axis.high_exponent, 7);
    EXPECT_DOUBLE_EQ(axis.position(1e3, 10, 400), 410);  // bottom
    EXPECT_DOUBLE_EQ(axis.position(1e7, 10, 400), 10);   // top
    // Ten times more is always the same distance higher.
    EXPECT_DOUBLE_EQ(axis.position(2e4, 0, 400) - axis.position(2e5, 0, 400), 100);
    EXPECT_DOUBLE_EQ(axis.position(1, 0, 400), 400);  // clamped
    const LogAxis single = LogAxis::covering(1000, 1000);
    EXPECT_EQ(single.high_exponent, single.low_exponent + 1);
    EXPECT_EQ(decade_label(0), "1");
    EXPECT_EQ(decade_label(4), "10k");
    EXPECT_EQ(decade_label(6), "1M");
    EXPECT_EQ(decade_label(9), "1G");
}

TEST(ThroughputChart, OneLinePerMeasuredImplementationPerPanelAndEscapedText) {
    BenchResults results = recorded_bench_results();
    for (BenchImplementation& implementation : results.implementations) {
        if (implementation.id == "tbb") {
            implementation.title = "a<b & \"c\"";
        }
    }
    const std::string svg = throughput_chart_svg(results, "subtitle <x>");
    EXPECT_EQ(svg.rfind("<svg xmlns=\"http://www.w3.org/2000/svg\"", 0), 0U);
    EXPECT_TRUE(contains(svg, "</svg>\n"));
    EXPECT_EQ(occurrences(svg, "<g class=\"panel\""), 1U);  // plain, 1x1
    // solution, tbb and python have medians; the failed student has none.
    EXPECT_EQ(occurrences(svg, "<polyline"), 3U);
    EXPECT_FALSE(contains(svg, "data-implementation=\"student\""));
    EXPECT_TRUE(contains(svg, "a&lt;b &amp; &quot;c&quot;"));
    EXPECT_TRUE(contains(svg, "subtitle &lt;x&gt;"));
    EXPECT_FALSE(contains(svg, "a<b"));
    EXPECT_EQ(xml_escaped("<'&'>", true), "&lt;&apos;&amp;&apos;&gt;");
}

}  // namespace
}  // namespace pclab::grader
