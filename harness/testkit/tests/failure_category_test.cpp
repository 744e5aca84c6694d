#include "pclab/testkit/failure_category.hpp"

#include <gtest/gtest-spi.h>
#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace pclab::testkit {
namespace {

// Runs `statement`, capturing the GoogleTest failures it reports instead of failing this test.
template <class Statement>
std::vector<::testing::TestPartResult> failures_of(Statement statement) {
    ::testing::TestPartResultArray captured;
    {
        const ::testing::ScopedFakeTestPartResultReporter capture(
            ::testing::ScopedFakeTestPartResultReporter::INTERCEPT_ONLY_CURRENT_THREAD, &captured);
        statement();
    }
    std::vector<::testing::TestPartResult> failures;
    failures.reserve(static_cast<std::size_t>(captured.size()));
    for (int i = 0; i < captured.size(); ++i) {
        failures.push_back(captured.GetTestPartResult(i));
    }
    return failures;
}

TEST(FailureCategory, TagIsBracketedCategoryAndSpace) {
    EXPECT_EQ(tag(category::kLostItem), "[pclab:lost-item] ");
    EXPECT_EQ(tag(category::kDeadlock), "[pclab:deadlock] ");
}

TEST(FailureCategory, ExpectCategoryMessageStartsWithTheTag) {
    const auto failures = failures_of([] {
        PCLAB_EXPECT_CATEGORY(1 + 1 == 3, category::kWrongResult) << "arithmetic is broken";
    });
    ASSERT_EQ(failures.size(), 1U);
    EXPECT_FALSE(failures[0].fatally_failed());
    EXPECT_EQ(std::string(failures[0].message()),
              "[pclab:wrong-result] expected: 1 + 1 == 3\narithmetic is broken");
}

TEST(FailureCategory, ExpectCategoryIsSilentWhenTheConditionHolds) {
    const auto failures =
        failures_of([] { PCLAB_EXPECT_CATEGORY(1 + 1 == 2, category::kWrongResult); });
    EXPECT_TRUE(failures.empty());
}

TEST(FailureCategory, AssertCategoryIsFatal) {
    const auto failures = failures_of([] {
        PCLAB_ASSERT_CATEGORY(false, category::kLostItem);
        ADD_FAILURE() << "not reached";
    });
    ASSERT_EQ(failures.size(), 1U);
    EXPECT_TRUE(failures[0].fatally_failed());
}

TEST(FailureCategory, ExpectPropertyReportsTheResultsOwnMessage) {
    const auto failures = failures_of(
        [] { PCLAB_EXPECT_PROPERTY(tagged_failure(category::kDuplicateItem) << "item 1 twice"); });
    ASSERT_EQ(failures.size(), 1U);
    EXPECT_EQ(std::string(failures[0].message()), "[pclab:duplicate-item] item 1 twice");
}

}  // namespace
}  // namespace pclab::testkit
