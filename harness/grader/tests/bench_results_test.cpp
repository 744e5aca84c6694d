// Tests of bench_results: benchmark names, reading pclab-queue-bench's and the Python pattern's
// recorded JSON (tests/data/bench: a real run in which a student queue duplicated an item), and
// the summary — medians, spread, ratios to the baseline.
#include "bench_results.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <string>

#include "recorded_bench_run.hpp"

namespace pclab::grader {
namespace {

const BenchConfig kPlain1x1Capacity1{"plain", 1, 1, 1};
const BenchConfig kPlain1x1Capacity16{"plain", 1, 1, 16};

TEST(BenchName, ParsesTheBenchmarkAndPythonNames) {
    const auto parsed = parse_bench_name("tbb/join/2x2/16/manual_time");
    ASSERT_TRUE(parsed.has_value());
    EXPECT_EQ(parsed->first, "tbb");
    EXPECT_EQ(parsed->second, (BenchConfig{"join", 2, 2, 16}));
    const auto python = parse_bench_name("python/plain/4x4/1024");
    ASSERT_TRUE(python.has_value());
    EXPECT_EQ(python->second, (BenchConfig{"plain", 4, 4, 1024}));
}

TEST(BenchName, RejectsEveryOtherShape) {
    for (const char* name : {"tbb/join/2x2", "tbb/other/1x1/1", "tbb/plain/0x1/1",
                             "tbb/plain/1x1/16/real_time", "/plain/1x1/1", "tbb/plain/1y1/1",
                             "tbb/plain/1x1/-4", "tbb/plain/1x1/16/manual_time_median"}) {
        EXPECT_FALSE(parse_bench_name(name).has_value()) << name;
    }
}

TEST(BenchConfigOrder, PlainBeforeJoinThenThreadsThenCapacity) {
    EXPECT_LT((BenchConfig{"plain", 4, 4, 1024}), (BenchConfig{"join", 1, 1, 1}));
    EXPECT_LT((BenchConfig{"join", 1, 1, 1024}), (BenchConfig{"join", 2, 2, 1}));
    EXPECT_LT((BenchConfig{"join", 2, 2, 1}), (BenchConfig{"join", 2, 2, 16}));
}

TEST(BenchMedian, MiddleValueOrMeanOfTheMiddleTwo) {
    EXPECT_EQ(median_of({}), 0);
    EXPECT_EQ(median_of({5, 1, 3}), 3);
    EXPECT_EQ(median_of({4, 1, 3, 10}), 3.5);
}

TEST(BenchRecorded, ImplementationsInRankOrderAndOnlyTheMeasuredOnes) {
    const BenchResults results = recorded_bench_results();
    std::vector<std::string> ids;
    for (const BenchImplementation& implementation : results.implementations) {
        ids.push_back(implementation.id);
    }
    // textbook-sem, moodycamel, boost-* were described by the program but filtered out.
    EXPECT_EQ(ids, (std::vector<std::string>{"solution", "student", "tbb", "python"}));
    EXPECT_EQ(results.implementation("tbb")->title,
              "tbb::concurrent_bounded_queue (oneTBB 2021.8)");
    EXPECT_EQ(results.configs, (std::vector<BenchConfig>{kPlain1x1Capacity1, kPlain1x1Capacity16}));
}

TEST(BenchRecorded, MedianAndSpreadOfTheRepetitionsNotOfGoogleBenchmarksAggregates) {
    const BenchResults results = recorded_bench_results();
    const BenchCell* solution = results.cell("solution", kPlain1x1Capacity1);
    ASSERT_NE(solution, nullptr);
    // The two repetitions (the file also holds mean/median/stddev/cv aggregate entries).
    ASSERT_EQ(solution->samples.size(), 2U);
    const double low = 7045.638975463058;
    const double high = 37526.378229416914;
    EXPECT_DOUBLE_EQ(solution->median, (low + high) / 2);
    EXPECT_DOUBLE_EQ(solution->min, low);
    EXPECT_DOUBLE_EQ(solution->max, high);
    const double mean = (low + high) / 2;
    const double deviation =
        std::sqrt(((low - mean) * (low - mean) + (high - mean) * (high - mean)));
    EXPECT_NEAR(solution->cv, deviation / mean, 1e-12);
    ASSERT_TRUE(solution->ratio.has_value());
    EXPECT_DOUBLE_EQ(*solution->ratio, 1.0);
}

TEST(BenchRecorded, RatiosAreToTheBaselineAtTheSameConfiguration) {
    const BenchResults results = recorded_bench_results();
    const BenchCell* tbb = results.cell("tbb", kPlain1x1Capacity1);
    ASSERT_NE(tbb, nullptr);
    ASSERT_TRUE(tbb->ratio.has_value());
    const double solution_median = (7045.638975463058 + 37526.378229416914) / 2;
    EXPECT_NEAR(*tbb->ratio, (122489.216049419 + 35612.31620617152) / 2 / solution_median, 1e-9);
    const BenchCell* python = results.cell("python", kPlain1x1Capacity16);
    ASSERT_NE(python, nullptr);
    ASSERT_TRUE(python->ratio.has_value());
    EXPECT_NEAR(*python->ratio,
                ((53119.31772620665 + 229011.44465499185) / 2) /
                    ((405060.7684823026 + 29470.629471205622) / 2),
                1e-9);
}

TEST(BenchRecorded, AFailedImplementationKeepsItsMessageAndHasNoRatio) {
    const BenchResults results = recorded_bench_results();
    const BenchCell* student = results.cell("student", kPlain1x1Capacity16);
    ASSERT_NE(student, nullptr);
    EXPECT_TRUE(student->samples.empty());
    EXPECT_EQ(student->error,
              "the values got are not 0..1999 exactly once (an item was lost, duplicated or "
              "corrupted)");
    EXPECT_FALSE(student->ratio.has_value());
}

TEST(BenchRecorded, WithoutTheBaselineThereAreNoRatios) {
    BenchResults results;
    results.baseline = "absent";
    add_google_benchmark_runs(results, recorded_bench_output("google-benchmark.json"));
    summarise(results);
    ASSERT_NE(results.cell("tbb", kPlain1x1Capacity1), nullptr);
    EXPECT_FALSE(results.cell("tbb", kPlain1x1Capacity1)->ratio.has_value());
}

// The student release's benchmark program has no kit reference (no solutions/): ratios are to
// the textbook semaphore buffer instead of to nothing.
TEST(BenchRecorded, WithoutTheKitReferenceRatiosAreToTheTextbookBuffer) {
    const nlohmann::json output = {
        {"context",
         {{"pclab_implementations", R"([{"id": "textbook-sem", "title": "textbook", "rank": 10},)"
                                    R"( {"id": "tbb", "title": "oneTBB", "rank": 11}])"}}},
        {"benchmarks",
         {{{"name", "textbook-sem/plain/1x1/1/manual_time"},
           {"run_type", "iteration"},
           {"items_per_second", 100.0}},
          {{"name", "tbb/plain/1x1/1/manual_time"},
           {"run_type", "iteration"},
           {"items_per_second", 300.0}}}}};
    BenchResults results;
    add_google_benchmark_runs(results, output);
    summarise(results);
    EXPECT_EQ(results.baseline, "textbook-sem");
    const BenchCell* tbb = results.cell("tbb", kPlain1x1Capacity1);
    ASSERT_NE(tbb, nullptr);
    ASSERT_TRUE(tbb->ratio.has_value());
    EXPECT_DOUBLE_EQ(*tbb->ratio, 3.0);
}

TEST(BenchRecorded, WithTheKitReferenceItIsTheBaseline) {
    BenchResults results;
    add_google_benchmark_runs(results, recorded_bench_output("google-benchmark.json"));
    EXPECT_EQ(results.baseline, "solution");
}

TEST(BenchFormat, OutputsThatAreNotTheBenchmarksAreRefusedWithTheReason) {
    BenchResults results;
    EXPECT_THROW(add_google_benchmark_runs(results, nlohmann::json::object()), BenchFormatError);
    nlohmann::json foreign = recorded_bench_output("google-benchmark.json");
    foreign["context"].erase("pclab_implementations");
    try {
        add_google_benchmark_runs(results, foreign);
        ADD_FAILURE() << "a benchmark output without pclab_implementations was accepted";
    } catch (const BenchFormatError& error) {
        EXPECT_NE(std::string(error.what()).find("pclab_implementations"), std::string::npos);
    }
    nlohmann::json renamed = recorded_bench_output("google-benchmark.json");
    renamed["benchmarks"][0]["run_name"] = "solution/plain/one/1/manual_time";
    try {
        add_google_benchmark_runs(results, renamed);
        ADD_FAILURE() << "a run with a foreign name was accepted";
    } catch (const BenchFormatError& error) {
        EXPECT_NE(std::string(error.what()).find("solution/plain/one/1"), std::string::npos);
    }
    EXPECT_THROW(add_python_runs(results, nlohmann::json::array()), BenchFormatError);
}

}  // namespace
}  // namespace pclab::grader
