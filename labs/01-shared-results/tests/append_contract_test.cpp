// Contract tests: one thread, deterministic, fast. They pin down what append, size and snapshot
// mean before any concurrency is involved.
#include <gtest/gtest.h>

#include <cstdint>
#include <limits>
#include <vector>

#include "pclab/testkit/rng.hpp"
#include "pclab/testkit/seed.hpp"
#include "result_list.hpp"

namespace {

using pclab::ResultList;

TEST(ResultListContract, StartsEmpty) {
    const ResultList list;
    EXPECT_EQ(list.size(), 0U);
    EXPECT_TRUE(list.snapshot().empty());
}

TEST(ResultListContract, AppendAddsOneValueAtTheEnd) {
    // Values drawn from the test's seed, so nothing about them can be special-cased.
    pclab::testkit::Rng rng(pclab::testkit::current_test_seed());
    constexpr int kAppends = 100;  // crosses several std::vector reallocations
    ResultList list;
    std::vector<std::int64_t> appended;
    for (int i = 0; i < kAppends; ++i) {
        const std::int64_t value = rng.between(-1'000'000, 1'000'000);
        list.append(value);
        appended.push_back(value);
        ASSERT_EQ(list.size(), appended.size()) << "after append " << i;
        ASSERT_EQ(list.snapshot(), appended) << "after append " << i;
    }
}

TEST(ResultListContract, KeepsRepeatedAndExtremeValues) {
    const std::vector<std::int64_t> values = {
        7, 7, 0, std::numeric_limits<std::int64_t>::min(), std::numeric_limits<std::int64_t>::max(),
        7};
    ResultList list;
    for (const std::int64_t value : values) {
        list.append(value);
    }
    EXPECT_EQ(list.snapshot(), values);
    EXPECT_EQ(list.size(), values.size());
}

TEST(ResultListContract, SnapshotIsAnIndependentCopy) {
    ResultList list;
    list.append(1);
    list.append(4);
    std::vector<std::int64_t> earlier = list.snapshot();
    list.append(9);
    EXPECT_EQ(earlier, (std::vector<std::int64_t>{1, 4})) << "a later append changed a snapshot";
    earlier.push_back(100);
    earlier[0] = -1;
    EXPECT_EQ(list.snapshot(), (std::vector<std::int64_t>{1, 4, 9}))
        << "changing a snapshot changed the list";
    EXPECT_EQ(list.size(), 3U);
}

TEST(ResultListContract, ReadsWorkThroughAConstReference) {
    ResultList list;
    list.append(25);
    const ResultList& view = list;
    EXPECT_EQ(view.size(), 1U);
    EXPECT_EQ(view.snapshot(), std::vector<std::int64_t>{25});
}

}  // namespace
