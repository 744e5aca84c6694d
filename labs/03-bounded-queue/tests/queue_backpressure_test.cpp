// Backpressure: the point of a bounded queue (the seed activity's 5b, "limit the queue size to
// avoid memory exhaustion"). A fast producer puts 1 MiB items; the consumer does not start until
// the producer is stuck inside a put. With a correct queue the producer blocks once the queue
// holds maxsize items, memory stays at maxsize MiB, and then the slow consumer and the producer
// take turns. With a put that never blocks the producer never gets stuck, and the queue, and the
// process, grow by 1 MiB per put.
//
// The grader runs this check with a 256 MiB resident-memory limit (lab.json) and stops a
// growing process there (category memory-limit). Run directly, the test stops itself after
// kBudgetItems (1 GiB) and fails with the same diagnosis.
//
// Measured for this check (backpressure-bounds-memory), 2 cores, g++ 12, 20 grading runs with
// seeds 1001..1020:
//   unsafe:maxsize_ignored  20/20 runs fail (memory-limit: stopped by the grader at 256 MiB)
//   solution                plain: 0/20 fail (~1 s per run, about 20 MiB resident)
#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <cstdint>
#include <mutex>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include "call_outcome.hpp"
#include "pclab/failure_categories.hpp"
#include "pclab/testkit/failure_category.hpp"
#include "pclab/testkit/stress_runner.hpp"
#include "pclab/testkit/stress_test.hpp"
#include "pclab/testkit/thread_registry.hpp"
#include "queue.hpp"

namespace {

using pclab::testkit::category::kCapacityExceeded;
using pclab::testkit::category::kOrderViolated;
using pclab::testkit::category::kWrongResult;
using Clock = std::chrono::steady_clock;
using namespace std::chrono_literals;

// The failure the grader reports when it stops a process for its memory; the test uses it when
// it stops itself for the same reason.
constexpr std::string_view kMemoryLimit = "memory-limit";
static_assert(pclab::is_failure_category(kMemoryLimit));

// 1 MiB per item: every put that should have blocked shows up in the resident set at once.
constexpr std::size_t kItemBytes = std::size_t{1} << 20;
// 1 GiB: where the test gives up by itself when no grader stops it first. Four times the
// grader's limit for this check, and harmless on any machine that builds the kit.
constexpr std::int64_t kBudgetItems = 1024;
// A producer still inside one put after this long is blocked. A measurement, not
// synchronisation: a bound-ignoring put returns in microseconds; a correct one never returns
// before the consumer starts, however long we watch.
constexpr auto kStuckFor = 200ms;
// The consumer's work per item: slower than the producer, so the producer keeps meeting a full
// queue after the consumer starts. Workload, not synchronisation.
constexpr auto kConsumerWork = 1ms;

// One item: its sequence number, whether it is the producer's last, and 1 MiB of payload whose
// every byte is derived from the sequence number (so a torn or mixed-up item is noticed).
struct BigItem {
    std::int64_t sequence = 0;
    bool last = false;
    std::vector<unsigned char> payload;
};

unsigned char fill_byte(std::int64_t sequence) {
    return static_cast<unsigned char>(sequence | 1);  // never 0: the pages are really written
}

class QueueBackpressure : public pclab::testkit::StressTest {};

TEST_F(QueueBackpressure, FastProducerWaitsForASlowConsumer) {
    constexpr int kRounds = 3;  // each ~0.3 s; maxsize drawn 1..16 (at most 18 MiB in use)
    run_rounds(kRounds, [&](int round) {
        const auto maxsize =
            round == 0 ? std::size_t{1} : static_cast<std::size_t>(rng().log_uniform(1, 16));
        // After the consumer starts, the producer puts this many more: several more rounds of
        // "full, wait for a get".
        const auto extra_after_start = static_cast<std::int64_t>(2 * maxsize + 2);
        SCOPED_TRACE("maxsize " + std::to_string(maxsize));
        pclab::Queue<BigItem> queue(maxsize);

        // Test side only: what the producer is doing, for the consumer to decide when to start.
        std::mutex progress_mutex;
        std::condition_variable progress_changed;
        bool in_put = false;                 // guarded by progress_mutex
        Clock::time_point put_started_at{};  // guarded by progress_mutex
        std::int64_t puts_returned = 0;      // guarded by progress_mutex
        bool out_of_budget = false;          // guarded by progress_mutex
        bool abandoned = false;              // guarded by progress_mutex: a worker threw
        std::atomic<bool> consumer_started{false};
        std::atomic<std::int64_t> gets_started{0};
        std::int64_t returned_before_consumer = 0;  // written by the consumer, read after run()
        std::int64_t most_held = 0;  // producer only: largest puts returned - gets started

        pclab::testkit::StressRunner runner;
        runner.add("producer", [&] {
            std::int64_t stop_at = kBudgetItems;
            for (std::int64_t k = 0; k < stop_at; ++k) {
                if (consumer_started.load() && stop_at == kBudgetItems) {
                    stop_at = k + extra_after_start;
                }
                // The last item tells the consumer to stop; the budget's end is a last item too.
                BigItem item{k, k + 1 == stop_at,
                             std::vector<unsigned char>(kItemBytes, fill_byte(k))};
                {
                    const std::lock_guard<std::mutex> lock(progress_mutex);
                    in_put = true;
                    put_started_at = Clock::now();
                }
                progress_changed.notify_all();
                {
                    const pclab::testkit::ScopedActivity inside("Queue::put(1 MiB item)");
                    queue.put(std::move(item));
                }
                const std::int64_t held = (k + 1) - gets_started.load();
                most_held = std::max(most_held, held);
                {
                    const std::lock_guard<std::mutex> lock(progress_mutex);
                    in_put = false;
                    puts_returned = k + 1;
                    out_of_budget = !consumer_started.load() && k + 1 == kBudgetItems;
                }
                progress_changed.notify_all();
            }
        });
        runner.add("consumer", [&] {
            {
                std::unique_lock<std::mutex> lock(progress_mutex);
                for (;;) {
                    if (out_of_budget || abandoned) {
                        return;
                    }
                    if (in_put && Clock::now() - put_started_at >= kStuckFor) {
                        break;  // Here: the producer has been inside one put for kStuckFor.
                    }
                    if (in_put) {
                        progress_changed.wait_until(lock, put_started_at + kStuckFor);
                    } else {
                        progress_changed.wait(lock);
                    }
                }
                returned_before_consumer = puts_returned;
                consumer_started.store(true);
            }
            for (std::int64_t expected = 0;; ++expected) {
                std::this_thread::sleep_for(kConsumerWork);
                gets_started.fetch_add(1);
                BigItem item = [&] {
                    const pclab::testkit::ScopedActivity inside("Queue::get()");
                    return queue.get();
                }();
                PCLAB_ASSERT_PROPERTY(lab03::holds(item.sequence == expected, kOrderViolated))
                    << "got item " << item.sequence << " where item " << expected
                    << " was the oldest";
                PCLAB_ASSERT_PROPERTY(
                    lab03::holds(item.payload.size() == kItemBytes &&
                                     item.payload.front() == fill_byte(expected) &&
                                     item.payload.back() == fill_byte(expected),
                                 kWrongResult))
                    << "item " << expected << " came out with a different payload";
                if (item.last) {
                    return;
                }
            }
        });
        runner.on_first_exception([&] {
            {
                const std::lock_guard<std::mutex> lock(progress_mutex);
                abandoned = true;
            }
            progress_changed.notify_all();
        });
        runner.run();

        PCLAB_EXPECT_PROPERTY(
            !out_of_budget
                ? ::testing::AssertionSuccess()
                : pclab::testkit::tagged_failure(kMemoryLimit)
                      << "the queue grew past maxsize: a put that never blocks lets a fast "
                         "producer exhaust memory (the producer put "
                      << kBudgetItems << " items of 1 MiB, " << kBudgetItems / 1024
                      << " GiB in all, into a queue with maxsize " << maxsize
                      << " while nobody got any, and no put ever waited)");
        PCLAB_EXPECT_PROPERTY(lab03::holds(
            returned_before_consumer <= static_cast<std::int64_t>(maxsize), kCapacityExceeded))
            << returned_before_consumer << " puts returned before anybody got an item, with "
            << "maxsize " << maxsize << ": the producer should have been blocked at " << maxsize;
        PCLAB_EXPECT_PROPERTY(
            lab03::holds(most_held <= static_cast<std::int64_t>(maxsize), kCapacityExceeded))
            << "at one point " << most_held << " puts had returned beyond the gets started, "
            << "with maxsize " << maxsize;
    });
}

}  // namespace
