// Hidden check of lab 03 (hidden-checks/03-bounded-queue/checks.json: timed-put-fan-in).
//
// A mix the handout's checks never use on its own: many producers that only ever call the timed
// put(item, timeout) and retry after Full, all funnelling into one consumer through a queue of
// maxsize 2. The queue is full nearly all the time, so almost every put waits, many time out, and
// a put that gave up must have left the queue unchanged. A queue that loses or doubles an item on
// a timed-out put, that lets a timed put slip past the bound, or that reorders one producer's
// items fails here even if it passed every check the students can see.
//
// Verdicts, tagged as the lab's own checks tag them: lost-item / duplicate-item (the ledger),
// order-violated (one producer's items out of order), capacity-exceeded (puts returned minus
// gets started above 2: see tagged_traffic.hpp for why that bound is exact).
#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "pclab/testkit/exactly_once_ledger.hpp"
#include "pclab/testkit/rng.hpp"
#include "pclab/testkit/stress_runner.hpp"
#include "pclab/testkit/stress_test.hpp"
#include "pclab/testkit/thread_registry.hpp"
#include "queue.hpp"
#include "tagged_traffic.hpp"

namespace {

using lab03::TaggedItem;

constexpr std::size_t kMaxsize = 2;
// Timed puts wait 50 µs .. 2 ms: long enough that some succeed by waiting, short enough that
// many give up while the one consumer is busy.
constexpr std::int64_t kMinTimeoutUs = 50;
constexpr std::int64_t kMaxTimeoutUs = 2000;
// Busy-work units per item in the consumer (~2 µs at most): slower than a put, so the queue stays
// full and the producers queue up behind it.
constexpr unsigned kMaxConsumerWork = 400;
// Now and then the consumer pauses for longer than most timeouts (load shaping, not
// synchronisation): every producer waiting meanwhile gives up with Full and must retry.
constexpr std::uint64_t kPauseOneIn = 16;
constexpr std::int64_t kMaxPauseUs = 3000;

class HiddenTimedPutFanIn : public pclab::testkit::StressTest {};

// Measured, 2 cores under load: ~1 s per run in the plain build (seeds 1, 2: 40-70% of the
// puts of a round timed out at least once before going in).
TEST_F(HiddenTimedPutFanIn, ManyTimedProducersOneConsumerMaxsizeTwo) {
    constexpr int kRounds = 8;
    run_rounds(kRounds, [&](int) {
        const int producers = static_cast<int>(rng().between(4, 8));
        const std::int64_t items = rng().log_uniform(20, 400);
        SCOPED_TRACE(std::to_string(producers) + " producers x " + std::to_string(items) +
                     " items, put(item, timeout) only, 1 consumer, maxsize 2");
        pclab::Queue<TaggedItem> queue(kMaxsize);
        lab03::TrafficRecord record(producers, 1);
        std::atomic<std::int64_t> puts_returned{0};
        std::atomic<std::int64_t> gets_started{0};
        std::atomic<int> producers_running{producers};
        std::atomic<bool> abandon{false};  // a worker threw: the others stop retrying
        std::mutex violation_mutex;        // test side only: guards record.capacity_violation

        std::vector<std::uint64_t> seeds;
        for (int i = 0; i <= producers; ++i) {
            seeds.push_back(rng().next());
        }
        // Puts `item` with timed puts until one succeeds; false when the run was abandoned.
        const auto timed_put = [&](const TaggedItem& item, pclab::testkit::Rng& rng) {
            while (!abandon.load()) {
                try {
                    const pclab::testkit::ScopedActivity inside("Queue::put(item, timeout)");
                    queue.put(item,
                              std::chrono::microseconds(rng.between(kMinTimeoutUs, kMaxTimeoutUs)));
                    return true;
                } catch (const pclab::Full&) {
                    // the contract: the queue is unchanged; try again
                }
            }
            return false;
        };

        pclab::testkit::StressRunner runner;
        runner.add("producer", producers, [&](int p) {
            pclab::testkit::Rng rng(seeds[static_cast<std::size_t>(p)]);
            for (std::int64_t k = 0; k < items; ++k) {
                if (!timed_put(TaggedItem{p, k}, rng)) {
                    return;
                }
                record.ledger.record_put(p, k);
                // This put has taken effect: read "puts returned", then "gets started".
                const std::int64_t returned = puts_returned.fetch_add(1) + 1;
                const std::int64_t started = gets_started.load();
                if (returned - started > static_cast<std::int64_t>(kMaxsize)) {
                    const std::lock_guard<std::mutex> lock(violation_mutex);
                    if (!record.capacity_violation) {
                        record.capacity_violation =
                            std::to_string(returned) + " timed puts had returned but only " +
                            std::to_string(started) + " gets had even started, so the queue held " +
                            "at least " + std::to_string(returned - started) +
                            " items with maxsize 2";
                    }
                }
            }
            if (producers_running.fetch_sub(1) == 1) {
                // Every producer's items are in the queue or got: the stop item goes behind them.
                timed_put(lab03::kStopItem, rng);
            }
        });
        runner.add("consumer", [&] {
            pclab::testkit::Rng rng(seeds.back());
            for (;;) {
                gets_started.fetch_add(1);
                const pclab::testkit::ScopedActivity inside("Queue::get()");
                const TaggedItem item = queue.get();
                if (item == lab03::kStopItem) {
                    return;
                }
                record.got_by[0].push_back(item);
                record.ledger.record_got(0, item);
                lab03::traffic_detail::process_item(
                    static_cast<unsigned>(rng.below(kMaxConsumerWork + 1)));
                if (rng.below(kPauseOneIn) == 0) {
                    std::this_thread::sleep_for(
                        std::chrono::microseconds(rng.between(kMinTimeoutUs, kMaxPauseUs)));
                }
            }
        });
        // A worker that died (an unfinished stub, an unexpected exception) must not leave the
        // others retrying, or the consumer waiting for a stop item nobody will put.
        runner.on_first_exception([&] {
            abandon.store(true);
            queue.put(lab03::kStopItem, std::chrono::seconds(1));
        });
        runner.run();

        PCLAB_EXPECT_PROPERTY(lab03::kept_each_producers_order(record, producers));
        PCLAB_EXPECT_PROPERTY(record.ledger.verify(pclab::testkit::ExactlyOnceLedger::Options{
            .per_producer_fifo = true, .max_listed = 5}));
        PCLAB_EXPECT_PROPERTY(lab03::stayed_within_maxsize(record));
    });
}

}  // namespace
