/// @file
/// @ingroup testkit
/// @brief How a call into a lab's queue ended (returned, or which contract exception it
///        threw), and the assertions that it ended as the contract says, in words a student
///        can read.
///
/// Shared by the tests of every lab that grades `pclab::Queue<T>` (labs 03 and 05):
/// @code
///   EXPECT_TRUE(ended_as(Outcome::full, outcome_of([&] { queue.put_nowait(7); }),
///                        "put_nowait on a full queue"));
/// @endcode
#pragma once

#include <gtest/gtest.h>

#include <stdexcept>
#include <string>
#include <string_view>

#include "pclab/errors.hpp"
#include "pclab/testkit/failure_category.hpp"

namespace pclab::testkit {

/// @brief The plain `assertion` category: a member broke its contract in a way that has no
///        category of its own (a wrong exception, an early timeout, a wrong flag).
inline constexpr std::string_view kContractBroken = "assertion";
static_assert(pclab::is_failure_category(kContractBroken));

/// @brief How a call ended.
enum class Outcome {
    returned,          ///< returned normally
    full,              ///< threw pclab::Full
    empty,             ///< threw pclab::Empty
    shut_down,         ///< threw pclab::ShutDown
    invalid_argument,  ///< threw std::invalid_argument
    logic_error,       ///< threw another std::logic_error
    other,             ///< threw any other exception
};

/// @brief "return normally", "throw pclab::Full", ... or, when `done`, "returned normally",
///        "threw pclab::Full", ...
inline std::string describe(Outcome outcome, bool done = true) {
    const std::string threw = done ? "threw " : "throw ";
    switch (outcome) {
        case Outcome::returned:
            return done ? "returned normally" : "return normally";
        case Outcome::full:
            return threw + "pclab::Full";
        case Outcome::empty:
            return threw + "pclab::Empty";
        case Outcome::shut_down:
            return threw + "pclab::ShutDown";
        case Outcome::invalid_argument:
            return threw + "std::invalid_argument";
        case Outcome::logic_error:
            return threw + "std::logic_error";
        case Outcome::other:
            break;
    }
    return threw + "an exception the contract does not name";
}

/// @brief Runs `call` and says how it ended.
///
/// pclab::NotImplemented is not an outcome but an unfinished stub: it propagates, so the test
/// fails as `not-implemented` naming the member.
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
    } catch (const std::logic_error&) {
        return Outcome::logic_error;
    } catch (const std::exception&) {
        return Outcome::other;
    }
}

/// @brief Success when `ok`; otherwise a failure tagged `category`, explained by what the
///        caller streams after it.
///
/// Unlike PCLAB_EXPECT_CATEGORY it does not quote the condition's source text, so a student
/// reads only the explanation:
/// `PCLAB_EXPECT_PROPERTY(holds(size <= maxsize, category::kCapacityExceeded)) << "...";`
inline ::testing::AssertionResult holds(bool ok, std::string_view category) {
    return ok ? ::testing::AssertionSuccess() : tagged_failure(category);
}

/// @brief Succeeds when `actual == expected`.
///
/// A put that returned where it had to throw Full has let the queue grow past maxsize, so that
/// failure is tagged `capacity-exceeded`; any other mismatch is kContractBroken.
/// @param expected how the contract says the call ends.
/// @param actual how it ended (outcome_of).
/// @param call the call as the message names it, e.g. `put_nowait on a full queue`.
inline ::testing::AssertionResult ended_as(Outcome expected, Outcome actual,
                                           std::string_view call) {
    if (actual == expected) {
        return ::testing::AssertionSuccess();
    }
    if (expected == Outcome::full && actual == Outcome::returned) {
        return tagged_failure(category::kCapacityExceeded)
               << call << " must throw pclab::Full, but it returned: the item went in, and the "
               << "queue now holds more items than maxsize.";
    }
    return tagged_failure(kContractBroken) << call << " must " << describe(expected, false)
                                           << ", but it " << describe(actual) << ".";
}

}  // namespace pclab::testkit
