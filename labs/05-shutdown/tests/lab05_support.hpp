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
#include "pclab/testkit/call_outcome.hpp"
#include "pclab/testkit/kernel_thread.hpp"
#include "pclab/testkit/stress_test.hpp"
#include "queue.hpp"

namespace lab05 {

// How a call ended and the contract assertions: shared with lab 03 through the testkit.
using pclab::testkit::describe;
using pclab::testkit::ended_as;
using pclab::testkit::holds;
using pclab::testkit::kContractBroken;
using pclab::testkit::Outcome;
using pclab::testkit::outcome_of;

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
