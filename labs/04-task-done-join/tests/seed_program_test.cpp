// The activity's own program, end to end in C++: a producer puts 0..99, several consumers take
// numbers, square them and record the square, then task_done(); the main thread join()s and
// reads the results. The seed's question 4: join() "blocks the main thread until all items in
// the queue have been processed and marked as done", so the main thread must find all 100
// squares (sum 328350) the moment join() returns.
//
// The results are plain int64s, one slot per number, written by consumers and read by the
// joiner *without any lock*: the contract's memory ordering (everything a consumer did before
// task_done() happens-before everything the joiner does after join() returns) is the only thing
// that makes that read correct, and ThreadSanitizer checks that it holds.
//
// C++ has no daemon threads: after join() the main thread puts one stop item per consumer, each
// consumer ends on its stop item, and the threads are joined (shutdown() is lab 05's).
//
// Measured with PCLAB_SEED=1001..1020 (20 runs per line), 2 cores, load average 7-15 from
// other work on the machine:
//   unsafe:join_waits_for_empty_queue  plain 20/20 fail (early-join: squares missing)
//   solution                           0/20 fail in each build; longest run 0.8 s plain, 1.2 s tsan
// Seen with PCLAB_SEED=1 only: task_done_without_notify hangs here (deadlock), and
// join_polls_with_sleep passes the plain build.
#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <cstdint>
#include <latch>
#include <numeric>
#include <string>
#include <thread>
#include <vector>

#include "join_workload.hpp"
#include "pclab/testkit/failure_category.hpp"
#include "pclab/testkit/stress_runner.hpp"
#include "pclab/testkit/stress_test.hpp"
#include "pclab/testkit/thread_registry.hpp"
#include "queue.hpp"

namespace {

using lab04::Item;
using pclab::testkit::category::kEarlyJoin;
using pclab::testkit::category::kWrongResult;

constexpr Item kNumbers = 100;                  // the seed program's range(100)
constexpr std::int64_t kSumOfSquares = 328350;  // 0² + 1² + ... + 99², the activity's check
constexpr std::int64_t kNotRecorded = -1;       // no square is negative

class SeedProgram : public pclab::testkit::StressTest {};

TEST_F(SeedProgram, HundredSquaresAreThereWhenJoinReturns) {
    constexpr int kRepeats = 20;              // measured ~0.4 s in total under TSan on 2 cores
    constexpr int kMaxConsumers = 6;          // "several consumers"
    constexpr std::int64_t kMaxWorkUs = 200;  // squaring "takes" a while: items outlive the queue
    run_rounds(kRepeats, [&](int) {
        const int consumers = static_cast<int>(rng().between(2, kMaxConsumers));
        SCOPED_TRACE(std::to_string(consumers) + " consumers");
        std::vector<std::uint64_t> seeds;
        seeds.reserve(static_cast<std::size_t>(consumers));
        for (int c = 0; c < consumers; ++c) {
            seeds.push_back(rng().next());
        }
        pclab::Queue<Item> queue;
        // One slot per number, not a shared list: no lock of the test's own orders the
        // consumers' writes before the main thread's reads; only join() may.
        std::vector<std::int64_t> squares(kNumbers, kNotRecorded);
        std::vector<std::int64_t> seen_at_join;
        std::latch producer_done(1);

        pclab::testkit::StressRunner runner;
        runner.add("producer", [&] {
            const lab04::CountDownOnExit done(producer_done);
            for (Item number = 0; number < kNumbers; ++number) {
                queue.put(number);
            }
        });
        runner.add("consumer", consumers, [&](int consumer) {
            pclab::testkit::Rng work(seeds[static_cast<std::size_t>(consumer)]);
            for (;;) {
                Item number = lab04::kStopItem;
                {
                    const pclab::testkit::ScopedActivity inside("get()");
                    number = queue.get();
                }
                if (number != lab04::kStopItem) {
                    std::this_thread::sleep_for(
                        std::chrono::microseconds(work.between(0, kMaxWorkUs)));  // workload
                    squares[static_cast<std::size_t>(number)] = number * number;
                }
                queue.task_done();
                if (number == lab04::kStopItem) {
                    return;
                }
            }
        });
        runner.add("main program", [&] {
            producer_done.wait();  // the activity's main thread joins after the producer
            {
                const pclab::testkit::ScopedActivity inside("join()");
                queue.join();
            }
            seen_at_join = squares;  // print(final_results): right after join(), no lock
            for (int c = 0; c < consumers; ++c) {
                queue.put(lab04::kStopItem);
            }
            const pclab::testkit::ScopedActivity inside("join() for the stop items");
            queue.join();
        });
        runner.on_first_exception([&] {
            for (int c = 0; c < consumers; ++c) {
                queue.put(lab04::kStopItem);
            }
        });
        runner.run();

        std::vector<Item> missing;
        for (Item number = 0; number < kNumbers; ++number) {
            if (seen_at_join[static_cast<std::size_t>(number)] == kNotRecorded) {
                missing.push_back(number);
            }
        }
        std::string listed;
        for (const Item number : missing) {
            listed += (listed.empty() ? "" : ", ") + std::to_string(number);
        }
        PCLAB_EXPECT_PROPERTY(lab04::holds(
            missing.empty(), kEarlyJoin,
            "when join() returned, the squares of " +
                lab04::count_of(static_cast<std::int64_t>(missing.size()), "number") +
                " were not yet recorded (" + listed +
                "): their consumers had taken them with get() but not yet called task_done()"));
        if (missing.empty()) {
            bool every_square_right = true;
            for (Item number = 0; number < kNumbers; ++number) {
                every_square_right =
                    every_square_right &&
                    seen_at_join[static_cast<std::size_t>(number)] == number * number;
            }
            const std::int64_t sum =
                std::accumulate(seen_at_join.begin(), seen_at_join.end(), std::int64_t{0});
            PCLAB_EXPECT_PROPERTY(lab04::holds(
                every_square_right && sum == kSumOfSquares, kWrongResult,
                "the results read after join() are not the squares of 0..99 (sum " +
                    std::to_string(sum) + ", expected " + std::to_string(kSumOfSquares) + ")"));
        }
        EXPECT_EQ(queue.unfinished_tasks(), 0U) << "every item, stop items too, had task_done()";
    });
}

}  // namespace
