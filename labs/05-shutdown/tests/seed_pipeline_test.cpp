// The seed program without daemon threads: run_seed_pipeline returns exactly the squares of
// 0..N-1, leaves the queue shut down, empty and with no unfinished tasks, and leaves no thread
// running behind it: the process runs as many threads after the call as before (counted from
// /proc/self/task, not counting threads already on their way out of the kernel).
//
// Measured for this check (SeedPipeline.*): g++ 12, 2 cores at load average 6-10 (other
// builds running), PCLAB_SEED=1..20:
//   unsafe:detached_consumers  plain: 20/20 runs fail (assertion)  tsan: 20/20 (assertion)
//   solution                   plain: 0/20 fail                    tsan: 0/20 fail
#include <gtest/gtest.h>

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <numeric>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include "lab05_support.hpp"
#include "pclab/testkit/failure_category.hpp"
#include "pclab/testkit/kernel_thread.hpp"
#include "pclab/testkit/multiset_check.hpp"
#include "pclab/testkit/thread_registry.hpp"
#include "pipeline.hpp"
#include "queue.hpp"

namespace {

using lab05::holds;
using lab05::kContractBroken;
using pclab::testkit::category::kWrongResult;

std::vector<std::int64_t> squares_below(std::int64_t items) {
    std::vector<std::int64_t> squares;
    for (std::int64_t i = 0; i < items; ++i) {
        squares.push_back(i * i);
    }
    return squares;
}

class SeedPipeline : public lab05::ShutdownTest {
  protected:
    // Runs the pipeline on a fresh queue and checks everything its contract promises. The test
    // thread is registered with the watchdog, so a pipeline that never returns is reported as
    // `main: blocked in run_seed_pipeline()`.
    std::vector<std::int64_t> run_and_check(int consumers, std::int64_t items) {
        SCOPED_TRACE(std::to_string(consumers) + " consumers, " + std::to_string(items) + " items");
        pclab::Queue<std::int64_t> queue;
        const std::size_t threads_before = pclab::testkit::running_thread_count();
        std::vector<std::int64_t> results;
        {
            const pclab::testkit::ScopedActivity inside("run_seed_pipeline()");
            results = pclab::run_seed_pipeline(queue, consumers, items);
        }
        const std::size_t threads_after = pclab::testkit::running_thread_count();
        PCLAB_EXPECT_PROPERTY(holds(threads_after <= threads_before, kContractBroken))
            << threads_after - threads_before << " thread(s) started by run_seed_pipeline were "
            << "still running after it returned: every thread must end and be joined before "
               "the call returns (C++ has no daemon threads; a detached thread may outlive the "
               "queue and results it uses)";
        wait_for_leftover_threads(threads_before);
        PCLAB_EXPECT_PROPERTY(pclab::testkit::same_multiset(squares_below(items), results));
        PCLAB_EXPECT_PROPERTY(holds(queue.is_shutdown(), kContractBroken))
            << "the queue is not shut down after run_seed_pipeline returned";
        PCLAB_EXPECT_PROPERTY(
            holds(queue.qsize() == 0 && queue.unfinished_tasks() == 0, kWrongResult))
            << "after run_seed_pipeline: qsize() " << queue.qsize() << ", unfinished_tasks() "
            << queue.unfinished_tasks() << "; both must be 0 (every number got and task_done)";
        return results;
    }

  private:
    // A failed test must not also destroy the queue under a thread that still uses it (that
    // would turn a clear report into a crash): give leftover threads a moment to end.
    static void wait_for_leftover_threads(std::size_t threads_before) {
        constexpr auto kGrace = std::chrono::seconds(2);  // ending takes microseconds
        const auto give_up_at = std::chrono::steady_clock::now() + kGrace;
        while (pclab::testkit::running_thread_count() > threads_before &&
               std::chrono::steady_clock::now() < give_up_at) {
            std::this_thread::sleep_for(std::chrono::milliseconds(1));
        }
    }

    pclab::testkit::WatchedThread main_{"main"};
    pclab::testkit::WatchedThread::Attachment attachment_{main_.attach_current_thread()};
};

// The seed activity's own numbers: range(100), several consumers, sum of squares 328350.
TEST_F(SeedPipeline, SeedProgramGivesTheHundredSquares) {
    constexpr std::int64_t kItems = 100;  // the seed program's range(100)
    constexpr int kConsumers = 4;         // "several consumers"
    constexpr int kRepeats = 4;           // measured 0.3 s mean, 1.0 s max in all under TSan
    constexpr std::int64_t kSeedSum = 328350;
    for (int repeat = 0; repeat < kRepeats && !HasFailure(); ++repeat) {
        const std::vector<std::int64_t> results = run_and_check(kConsumers, kItems);
        PCLAB_EXPECT_PROPERTY(
            holds(std::accumulate(results.begin(), results.end(), std::int64_t{0}) == kSeedSum,
                  kWrongResult))
            << "the squares of 0..99 must sum to " << kSeedSum;
    }
}

TEST_F(SeedPipeline, EndsEveryThreadAcrossSizes) {
    constexpr int kRounds = 12;               // measured 0.6 s mean, 1.4 s max under TSan
    constexpr int kMaxConsumers = 8;          // 4x the grading cores: most are idle in get()
    constexpr std::int64_t kMaxItems = 2000;  // enough for consumers to overlap
    run_rounds(kRounds, [&](int round) {
        const int consumers = static_cast<int>(rng().between(1, kMaxConsumers));
        // Round 0 has no items at all: the consumers start, find nothing, and must still end.
        const std::int64_t items = round == 0 ? 0 : rng().log_uniform(1, kMaxItems);
        static_cast<void>(run_and_check(consumers, items));
    });
}

TEST_F(SeedPipeline, RejectsBadArguments) {
    pclab::Queue<std::int64_t> queue;
    EXPECT_THROW(static_cast<void>(pclab::run_seed_pipeline(queue, 0, 10)), std::invalid_argument)
        << "consumers must be at least 1";
    EXPECT_THROW(static_cast<void>(pclab::run_seed_pipeline(queue, 2, -1)), std::invalid_argument)
        << "items must not be negative";
}

}  // namespace
