// What a call into the queue did (returned, or which exception it threw), and the assertion
// that it did what the contract says, with a message a student can read.
#pragma once

#include <gtest/gtest.h>

#include <stdexcept>
#include <string>
#include <string_view>

#include "pclab/errors.hpp"
#include "pclab/testkit/failure_category.hpp"

namespace lab03 {

// The plain `assertion` category: a member broke its contract in a way that has no category of
// its own (a wrong exception, an early timeout).
inline constexpr std::string_view kContractBroken = "assertion";
static_assert(pclab::is_failure_category(kContractBroken));

enum class Outcome { returned, full, empty, shut_down, invalid_argument, other };

// "return normally", "throw pclab::Full", ... (`done`: "returned normally", "threw ...").
inline std::string describe(Outcome outcome, bool done) {
    switch (outcome) {
        case Outcome::returned:
            return done ? "returned normally" : "return normally";
        case Outcome::full:
            return (done ? "threw" : "throw") + std::string(" pclab::Full");
        case Outcome::empty:
            return (done ? "threw" : "throw") + std::string(" pclab::Empty");
        case Outcome::shut_down:
            return (done ? "threw" : "throw") + std::string(" pclab::ShutDown");
        case Outcome::invalid_argument:
            return (done ? "threw" : "throw") + std::string(" std::invalid_argument");
        case Outcome::other:
            break;
    }
    return (done ? "threw" : "throw") + std::string(" an exception the contract does not name");
}

// Success when `ok`; otherwise a failure tagged `category`, explained by what the caller streams
// after the assertion. Unlike PCLAB_EXPECT_CATEGORY it does not quote the condition's source
// text, so a student reads only the explanation:
//     PCLAB_EXPECT_PROPERTY(lab03::holds(size <= maxsize, kCapacityExceeded)) << "...";
inline ::testing::AssertionResult holds(bool ok, std::string_view category) {
    return ok ? ::testing::AssertionSuccess() : pclab::testkit::tagged_failure(category);
}

// Runs `call` and says how it ended. pclab::NotImplemented is not an outcome but an unfinished
// stub: it propagates, so the test fails as `not-implemented` naming the member.
template <class Call>
Outcome outcome_of(Call&& call) {
    try {
        call();
        return Outcome::returned;
    } catch (const pclab::NotImplemented&) {
        throw;
    } catch (const pclab::Full&) {
        return Outcome::full;
    } catch (const pclab::Empty&) {
        return Outcome::empty;
    } catch (const pclab::ShutDown&) {
        return Outcome::shut_down;
    } catch (const std::invalid_argument&) {
        return Outcome::invalid_argument;
    } catch (const std::exception&) {
        return Outcome::other;
    }
}

// Succeeds when `actual == expected`. A put that returned where it had to throw Full has let
// the queue grow past maxsize, so that failure is tagged capacity-exceeded; any other mismatch
// is a plain contract violation.
inline ::testing::AssertionResult ended_as(Outcome expected, Outcome actual,
                                           std::string_view call) {
    if (actual == expected) {
        return ::testing::AssertionSuccess();
    }
    if (expected == Outcome::full && actual == Outcome::returned) {
        return pclab::testkit::tagged_failure(pclab::testkit::category::kCapacityExceeded)
               << call << " must throw pclab::Full, but it returned: the item went in, and the "
               << "queue now holds more items than maxsize.";
    }
    return pclab::testkit::tagged_failure(kContractBroken)
           << call << " must " << describe(expected, false) << ", but it " << describe(actual, true)
           << ".";
}

}  // namespace lab03
