/// @file
/// @ingroup testkit
/// @brief Failure categories and the assertions that tag a GoogleTest failure with one.
///
/// The grader classifies a failed check by the tag at the start of GoogleTest's failure
/// message: `[pclab:<category>] ` (see docs/architecture.md). An untagged failure is classified
/// `assertion`. Use these macros (not `EXPECT_TRUE`) whenever a failure has a category, so the
/// tag really is the first thing in the message:
///
/// @code
/// PCLAB_EXPECT_CATEGORY(list.size() == n, pclab::testkit::category::kLostItem)
///     << "size() is " << list.size() << " after " << n << " appends";
/// PCLAB_EXPECT_PROPERTY(ledger.verify());  // an AssertionResult that carries its own tag
/// @endcode
#pragma once

#include <gtest/gtest.h>

#include <pclab/failure_categories.hpp>

#include <string>
#include <string_view>

namespace pclab::testkit {

/// @brief The stable category strings shared with the grader (docs/architecture.md).
namespace category {
/// @brief ThreadSanitizer reported a data race.
inline constexpr std::string_view kDataRace = "data-race";
/// @brief An item that was put (or a value that was appended) never came out.
inline constexpr std::string_view kLostItem = "lost-item";
/// @brief An item came out more than once.
inline constexpr std::string_view kDuplicateItem = "duplicate-item";
/// @brief A result that should not exist, or has the wrong value.
inline constexpr std::string_view kWrongResult = "wrong-result";
/// @brief Items of one producer came out in another order than they went in.
inline constexpr std::string_view kOrderViolated = "order-violated";
/// @brief The buffer held more items than its capacity allows.
inline constexpr std::string_view kCapacityExceeded = "capacity-exceeded";
/// @brief join() returned while some task_done() was still outstanding.
inline constexpr std::string_view kEarlyJoin = "early-join";
/// @brief A blocked thread burned CPU time instead of sleeping.
inline constexpr std::string_view kBusyWait = "busy-wait";
/// @brief No progress: threads blocked for good (reported by the watchdog).
inline constexpr std::string_view kDeadlock = "deadlock";
}  // namespace category

static_assert(is_failure_category(category::kDataRace) &&
                  is_failure_category(category::kLostItem) &&
                  is_failure_category(category::kDuplicateItem) &&
                  is_failure_category(category::kWrongResult) &&
                  is_failure_category(category::kOrderViolated) &&
                  is_failure_category(category::kCapacityExceeded) &&
                  is_failure_category(category::kEarlyJoin) &&
                  is_failure_category(category::kBusyWait) &&
                  is_failure_category(category::kDeadlock),
              "every testkit category is one of pclab/failure_categories.hpp");

/// @brief Returns the tag for `category`: `[pclab:<category>] ` (with the trailing space).
/// @param category one of the strings in pclab::testkit::category.
std::string tag(std::string_view category);

/// @brief Returns `testing::AssertionFailure()` whose message already starts with the tag.
///
/// Stream the specifics after it: `return tagged_failure(category::kLostItem) << "item 3 ...";`
/// @param category one of the strings in pclab::testkit::category.
::testing::AssertionResult tagged_failure(std::string_view category);

/// @brief The predicate-formatter behind PCLAB_EXPECT_CATEGORY (not for direct use).
///
/// GoogleTest prints a predicate-formatter's failure message verbatim, which is what puts the
/// tag at the very start of the failure message.
struct CategoryCheck {
    std::string_view category;   ///< the category a failure is tagged with
    const char* condition_text;  ///< the condition as written, for the message

    /// @brief Succeeds when `value` converts to true; otherwise fails with
    ///        `[pclab:<category>] expected: <condition>`.
    template <class Value>
    ::testing::AssertionResult operator()(const char* /*expression*/, const Value& value) const {
        if (static_cast<bool>(value)) {
            return ::testing::AssertionSuccess();
        }
        return tagged_failure(category) << "expected: " << condition_text;
    }
};

/// @brief The predicate-formatter behind PCLAB_EXPECT_PROPERTY (not for direct use): passes
///        the result's own message through unchanged.
::testing::AssertionResult property_holds(const char* expression,
                                          const ::testing::AssertionResult& result);

}  // namespace pclab::testkit

/// @brief Like `EXPECT_TRUE(condition)`, but a failure message starts with
///        `[pclab:<category>] `. Stream more details with `<<`.
#define PCLAB_EXPECT_CATEGORY(condition, category) \
    EXPECT_PRED_FORMAT1((::pclab::testkit::CategoryCheck{(category), #condition}), (condition))

/// @brief Like PCLAB_EXPECT_CATEGORY, but fatal (returns from the current function).
#define PCLAB_ASSERT_CATEGORY(condition, category) \
    ASSERT_PRED_FORMAT1((::pclab::testkit::CategoryCheck{(category), #condition}), (condition))

/// @brief Expects a `testing::AssertionResult` to be a success; on failure its message
///        (which carries its own tag, e.g. from ExactlyOnceLedger::verify) is reported verbatim.
#define PCLAB_EXPECT_PROPERTY(assertion_result) \
    EXPECT_PRED_FORMAT1(::pclab::testkit::property_holds, (assertion_result))

/// @brief Like PCLAB_EXPECT_PROPERTY, but fatal (returns from the current function).
#define PCLAB_ASSERT_PROPERTY(assertion_result) \
    ASSERT_PRED_FORMAT1(::pclab::testkit::property_holds, (assertion_result))
