// What every lab 05 test shares: the fixture (seed, rounds, and a probe that fails at once with
// `not-implemented` while shutdown() is still the stub), how a call ended, and the bookkeeping
// for threads that must be asleep inside the queue before a test shuts it down.
#pragma once

#include <gtest/gtest.h>

#include <chrono>
#include <cstddef>
#include <latch>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include "pclab/errors.hpp"
#include "pclab/testkit/failure_category.hpp"
#include "pclab/testkit/kernel_thread.hpp"
#include "pclab/testkit/stress_test.hpp"
#include "queue.hpp"

namespace lab05 {

// The plain `assertion` category: a member broke its contract in a way that has no category of
// its own (a wrong exception, a wrong flag).
inline constexpr std::string_view kContractBroken = "assertion";
static_assert(pclab::is_failure_category(kContractBroken));

// How long a test waits for its blocked threads to fall asleep before it shuts the queue down
// anyway. They need microseconds; 2 s covers a TSan build on a loaded machine. Running out only
// makes a bug less likely to show, never fails correct code.
inline constexpr std::chrono::milliseconds kPatienceToFallAsleep{2000};

class ShutdownTest : public pclab::testkit::StressTest {
  protected:
    // Calls shutdown() in both modes and is_shutdown() on throwaway queues, so that while they
    // are still the stub every test fails here, at once, with `not implemented: Queue::...`,
    // before any thread blocks in a queue waiting for a shutdown that would only throw.
    void SetUp() override {
        StressTest::SetUp();
        pclab::Queue<int> soft;
        soft.shutdown(/*immediate=*/false);
        static_cast<void>(soft.is_shutdown());
        pclab::Queue<int> immediate;
        immediate.shutdown(/*immediate=*/true);
    }
};

enum class Outcome { returned, full, empty, shut_down, invalid_argument, logic_error, other };

// "return normally", "throw pclab::Full", ... (`done`: "returned normally", "threw ...").
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
    } catch (const std::logic_error&) {
        return Outcome::logic_error;
    } catch (const std::exception&) {
        return Outcome::other;
    }
}

// Success when `ok`; otherwise a failure tagged `category`, explained by what the caller
// streams after it (no source text quoted, so a student reads only the explanation).
inline ::testing::AssertionResult holds(bool ok, std::string_view category) {
    return ok ? ::testing::AssertionSuccess() : pclab::testkit::tagged_failure(category);
}

// Succeeds when `actual == expected`; otherwise an `assertion` failure naming the call.
inline ::testing::AssertionResult ended_as(Outcome expected, Outcome actual,
                                           std::string_view call) {
    if (actual == expected) {
        return ::testing::AssertionSuccess();
    }
    return pclab::testkit::tagged_failure(kContractBroken)
           << call << " must " << describe(expected, false) << ", but it " << describe(actual)
           << ".";
}

// Counts a latch down when it goes out of scope, however the scope is left (a shutdown that
// throws must still let the threads waiting for it go).
class CountDownOnExit {
  public:
    explicit CountDownOnExit(std::latch& latch) : latch_(latch) {}
    ~CountDownOnExit() { latch_.count_down(); }
    CountDownOnExit(const CountDownOnExit&) = delete;
    CountDownOnExit& operator=(const CountDownOnExit&) = delete;

  private:
    std::latch& latch_;
};

// The threads of a test that must be blocked inside the queue when it is shut down. Each one
// calls about_to_block() right before its blocking call; the shutting thread calls
// wait_until_all_asleep(), which returns once all have called it and are asleep in the kernel
// (or after kPatienceToFallAsleep: a correct queue passes either way).
class BlockedThreads {
  public:
    explicit BlockedThreads(int count)
        : all_about_to_block_(count), threads_(static_cast<std::size_t>(count)) {}

    // Each thread writes only its own slot; the latch orders every write before the reads in
    // wait_until_all_asleep() (count_down happens-before the return of wait).
    void about_to_block(int index) {
        threads_[static_cast<std::size_t>(index)] = pclab::testkit::KernelThread::calling_thread();
        all_about_to_block_.count_down();
    }

    void wait_until_all_asleep() {
        all_about_to_block_.wait();
        std::vector<pclab::testkit::KernelThread> threads;
        for (const auto& thread : threads_) {
            threads.push_back(*thread);
        }
        static_cast<void>(pclab::testkit::wait_until_settled(threads, kPatienceToFallAsleep));
    }

  private:
    std::latch all_about_to_block_;
    std::vector<std::optional<pclab::testkit::KernelThread>> threads_;
};

}  // namespace lab05
