#include "pclab/testkit/rng.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <stdexcept>
#include <vector>

namespace pclab::testkit {
namespace {

// Enough draws that every value of a 7-value range shows up with overwhelming probability
// (a given value is missed with probability (6/7)^10000, about 10^-670).
constexpr int kDraws = 10'000;

TEST(Rng, SameSeedGivesSameSequence) {
    Rng first(7);
    Rng second(7);
    for (int i = 0; i < 100; ++i) {
        ASSERT_EQ(first.next(), second.next()) << "draw " << i;
    }
}

TEST(Rng, DifferentSeedsGiveDifferentSequences) {
    Rng first(7);
    Rng second(8);
    std::vector<std::uint64_t> a(10);
    std::vector<std::uint64_t> b(10);
    std::generate(a.begin(), a.end(), [&] { return first.next(); });
    std::generate(b.begin(), b.end(), [&] { return second.next(); });
    EXPECT_NE(a, b);
}

TEST(Rng, BetweenStaysInRangeAndReachesBothEnds) {
    Rng rng(1);
    std::vector<int> hits(7);
    for (int i = 0; i < kDraws; ++i) {
        const std::int64_t value = rng.between(-3, 3);
        ASSERT_GE(value, -3);
        ASSERT_LE(value, 3);
        ++hits[static_cast<std::size_t>(value + 3)];
    }
    for (std::size_t v = 0; v < hits.size(); ++v) {
        EXPECT_GT(hits[v], 0) << "value " << static_cast<int>(v) - 3 << " never drawn";
    }
}

TEST(Rng, LogUniformGivesSmallAndLargeSizes) {
    Rng rng(2);
    int small = 0;  // <= 8: where edge cases live
    int large = 0;  // >= 2048: where races show
    for (int i = 0; i < kDraws; ++i) {
        const std::int64_t value = rng.log_uniform(1, 4096);
        ASSERT_GE(value, 1);
        ASSERT_LE(value, 4096);
        small += value <= 8 ? 1 : 0;
        large += value >= 2048 ? 1 : 0;
    }
    // 4 of 13 bit lengths are <= 8 and ~1.5 of 13 are >= 2048: expect about 3000 and 1100.
    EXPECT_GT(small, kDraws / 10);
    EXPECT_GT(large, kDraws / 20);
}

TEST(Rng, RejectsEmptyRanges) {
    Rng rng(3);
    EXPECT_THROW(rng.below(0), std::invalid_argument);
    EXPECT_THROW(rng.between(2, 1), std::invalid_argument);
    EXPECT_THROW(rng.log_uniform(0, 5), std::invalid_argument);
}

}  // namespace
}  // namespace pclab::testkit
