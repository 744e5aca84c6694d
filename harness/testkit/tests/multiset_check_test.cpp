#include "pclab/testkit/multiset_check.hpp"

#include <gtest/gtest.h>

#include <string>

namespace pclab::testkit {
namespace {

std::string verdict(const ::testing::AssertionResult& result) {
    return result ? std::string() : std::string(result.message());
}

TEST(SameMultiset, IgnoresOrder) {
    EXPECT_EQ(verdict(same_multiset({1, 4, 9, 4}, {4, 9, 4, 1})), "");
}

TEST(SameMultiset, ReportsAMissingValueFirst) {
    const std::string message = verdict(same_multiset({0, 1, 4}, {0, 4, 4}));
    EXPECT_EQ(message.rfind("[pclab:lost-item] 1 is missing: expected once, found 0 times\n", 0),
              0U)
        << message;
    EXPECT_NE(message.find("\n[pclab:duplicate-item] 4 was found twice, expected once\n"),
              std::string::npos)
        << message;
}

TEST(SameMultiset, ReportsAnUnexpectedValueAsWrongResult) {
    const std::string message = verdict(same_multiset(
        {0, 1}, {0, 1, 2}, [](std::int64_t v) { return "value " + std::to_string(v); }));
    EXPECT_EQ(message.rfind("[pclab:wrong-result] value 2 was found once, but never expected\n", 0),
              0U)
        << message;
}

TEST(SameMultiset, ListsAFewAndCountsTheRest) {
    const std::string message = verdict(same_multiset({1, 2, 3, 4, 5, 6}, {}, {}, 2));
    EXPECT_NE(message.find("(6 values missing in all)"), std::string::npos) << message;
    EXPECT_NE(message.find("... and 4 more not listed"), std::string::npos) << message;
}

}  // namespace
}  // namespace pclab::testkit
