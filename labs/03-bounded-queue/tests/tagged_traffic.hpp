// The stress workload several checks share: producers put tagged items into a Queue through
// every form of put, consumers get them through every form of get, observers read qsize(),
// empty(), full() and maxsize() meanwhile. It records what each check needs to judge the run:
// the exactly-once ledger, each consumer's items in the order it got them, and the first
// capacity violation anyone saw.
//
// Occupancy without looking inside the queue: every put that has returned has taken effect, and
// every get that has taken effect had started, so at any instant
//     puts returned - gets started <= items in the queue <= maxsize.
// A producer checks this right after each of its puts returns: it reads the count of returned
// puts (its own fetch_add) and then the count of started gets. Both are seq_cst atomics on the
// test's side, ordered by the queue's own synchronisation, so a correct queue can never make the
// check fail, however the threads interleave.
#pragma once

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "pclab/testkit/exactly_once_ledger.hpp"
#include "pclab/testkit/failure_category.hpp"
#include "pclab/testkit/rng.hpp"
#include "pclab/testkit/stress_runner.hpp"
#include "pclab/testkit/thread_registry.hpp"
#include "queue.hpp"

namespace lab03 {

using pclab::testkit::TaggedItem;

// The item that tells a consumer to stop; no producer has a negative id.
inline constexpr TaggedItem kStopItem{-1, 0};

struct TrafficPlan {
    int producers = 1;
    int consumers = 1;
    int observers = 0;  // threads reading qsize(), empty(), full(), maxsize() meanwhile
    std::size_t maxsize = 1;
    std::int64_t items_per_producer = 1;
    bool every_form = true;          // also the timed and _nowait forms, with retries
    unsigned max_consumer_work = 0;  // busy-work units per item: makes the queue fill up
};

inline std::string describe(const TrafficPlan& plan) {
    return std::to_string(plan.producers) + " producers x " +
           std::to_string(plan.items_per_producer) + " items, " + std::to_string(plan.consumers) +
           " consumers, " + std::to_string(plan.observers) + " observers, maxsize " +
           std::to_string(plan.maxsize) + (plan.every_form ? ", every form of put/get" : "") +
           (plan.max_consumer_work > 0 ? ", slow consumers" : "");
}

// Draws a plan: 1..8 producers and consumers, maxsize 1..64 (log-uniform, so 1 and 2 come up
// as often as 64), up to `max_items` per producer.
inline TrafficPlan draw_plan(pclab::testkit::Rng& rng, std::int64_t max_items) {
    constexpr int kMaxThreadsPerRole = 8;  // the handout's range; 4x the grading cores
    constexpr std::int64_t kMaxMaxsize = 64;
    TrafficPlan plan;
    plan.producers = static_cast<int>(rng.between(1, kMaxThreadsPerRole));
    plan.consumers = static_cast<int>(rng.between(1, kMaxThreadsPerRole));
    plan.maxsize = static_cast<std::size_t>(rng.log_uniform(1, kMaxMaxsize));
    plan.items_per_producer = rng.log_uniform(1, max_items);
    plan.every_form = rng.below(4) != 0;  // mostly mixed, sometimes only the blocking forms
    constexpr unsigned kMaxWork = 400;    // ~2 µs per item: slower than a put, so queues fill
    plan.max_consumer_work = rng.below(2) == 0 ? kMaxWork : 0;
    return plan;
}

// What a run recorded. Read it after run_traffic() returned.
struct TrafficRecord {
    TrafficRecord(int producers, int consumers)
        : ledger(producers, consumers), got_by(static_cast<std::size_t>(consumers)) {}

    pclab::testkit::ExactlyOnceLedger ledger;
    std::vector<std::vector<TaggedItem>> got_by;    // consumer -> items, in the order it got them
    std::optional<std::string> capacity_violation;  // the first one anyone saw
    std::optional<std::string> wrong_reading;       // the first impossible qsize/full/maxsize
};

// Success, or the first capacity violation of the run, tagged capacity-exceeded.
inline ::testing::AssertionResult stayed_within_maxsize(const TrafficRecord& record) {
    if (!record.capacity_violation) {
        return ::testing::AssertionSuccess();
    }
    return pclab::testkit::tagged_failure(pclab::testkit::category::kCapacityExceeded)
           << "the queue held more items than maxsize: " << *record.capacity_violation;
}

// Success, or the first impossible qsize/full/maxsize reading, tagged wrong-result.
inline ::testing::AssertionResult readings_were_possible(const TrafficRecord& record) {
    if (!record.wrong_reading) {
        return ::testing::AssertionSuccess();
    }
    return pclab::testkit::tagged_failure(pclab::testkit::category::kWrongResult)
           << *record.wrong_reading;
}

// Success when every consumer got each producer's items in the order they were put (FIFO seen
// from one consumer); otherwise the first inversion, tagged order-violated.
inline ::testing::AssertionResult kept_each_producers_order(const TrafficRecord& record,
                                                            int producers) {
    for (std::size_t c = 0; c < record.got_by.size(); ++c) {
        std::vector<std::int64_t> last(static_cast<std::size_t>(producers), -1);
        for (const TaggedItem& item : record.got_by[c]) {
            if (item.producer < 0 || item.producer >= producers) {
                continue;  // an invented item: the ledger reports it
            }
            std::int64_t& previous = last[static_cast<std::size_t>(item.producer)];
            if (item.sequence < previous) {
                return pclab::testkit::tagged_failure(pclab::testkit::category::kOrderViolated)
                       << "consumer " << c << " got item " << item.sequence << " of producer "
                       << item.producer << " after item " << previous
                       << " of the same producer, which was put later: a queue hands items out "
                          "in the order they were put";
            }
            previous = item.sequence;
        }
    }
    return ::testing::AssertionSuccess();
}

namespace traffic_detail {

// Busy work the optimiser cannot remove: the consumer "processes" its item.
inline void process_item(unsigned units) {
    static std::atomic<std::uint64_t> sink{0};
    std::uint64_t value = units;
    for (unsigned i = 0; i < units; ++i) {
        value = value * 6364136223846793005ULL + 1442695040888963407ULL;
    }
    sink.fetch_add(value & 1U, std::memory_order_relaxed);
}

// Retries before a producer or consumer that keeps meeting Full/Empty falls back to the blocking
// form: a few to exercise "a put that threw leaves the queue unchanged", not so many that
// retrying becomes a busy loop of its own.
constexpr int kRetries = 3;
// Timed forms wait 0..2 ms: 0 is the "never blocks" case, 2 ms often lets the other side act.
constexpr std::int64_t kMaxTimedWaitUs = 2000;

}  // namespace traffic_detail

// Runs the plan on `queue` (constructed with plan.maxsize). Every thread is a StressRunner
// worker, so exceptions come home and the watchdog can name a stuck thread.
inline void run_traffic(pclab::Queue<TaggedItem>& queue, const TrafficPlan& plan,
                        std::uint64_t seed, TrafficRecord& record) {
    using namespace traffic_detail;
    std::atomic<std::int64_t> puts_returned{0};
    std::atomic<std::int64_t> gets_started{0};
    std::atomic<int> producers_running{plan.producers};
    std::atomic<int> consumers_running{plan.consumers};
    std::atomic<bool> abandon{false};  // a worker threw: observers stop
    std::mutex violation_mutex;        // test side only: guards the violations in `record`
    const auto report = [&](std::optional<std::string>& first, std::string message) {
        const std::lock_guard<std::mutex> lock(violation_mutex);
        if (!first) {
            first = std::move(message);
        }
    };
    const auto report_capacity = [&](std::string message) {
        report(record.capacity_violation, std::move(message));
    };
    const auto put_stop_items = [&] {
        for (int c = 0; c < plan.consumers; ++c) {
            queue.put(kStopItem);
        }
    };

    pclab::testkit::Rng seeds(seed);
    std::vector<std::uint64_t> thread_seeds;
    for (int i = 0; i < plan.producers + plan.consumers; ++i) {
        thread_seeds.push_back(seeds.next());
    }

    pclab::testkit::StressRunner runner;
    runner.add("producer", plan.producers, [&](int p) {
        pclab::testkit::Rng rng(thread_seeds[static_cast<std::size_t>(p)]);
        for (std::int64_t k = 0; k < plan.items_per_producer; ++k) {
            const TaggedItem item{p, k};
            const std::uint64_t form = plan.every_form ? rng.below(3) : 0;
            bool done = false;
            for (int attempt = 0; form != 0 && attempt < kRetries && !done; ++attempt) {
                try {
                    const pclab::testkit::ScopedActivity inside("Queue::put(item, timeout)");
                    if (form == 1) {
                        queue.put(item, std::chrono::microseconds(rng.between(0, kMaxTimedWaitUs)));
                    } else {
                        queue.put_nowait(item);
                    }
                    done = true;
                } catch (const pclab::Full&) {
                    // the queue is unchanged; try again
                }
            }
            if (!done) {
                const pclab::testkit::ScopedActivity inside("Queue::put()");
                queue.put(item);
            }
            record.ledger.record_put(p, k);
            // Here: this put has taken effect. Read "puts returned", then "gets started".
            const std::int64_t returned = puts_returned.fetch_add(1) + 1;
            const std::int64_t started = gets_started.load();
            if (plan.maxsize > 0 && returned - started > static_cast<std::int64_t>(plan.maxsize)) {
                report_capacity(std::to_string(returned) + " puts had returned but only " +
                                std::to_string(started) + " gets had even started, so the queue " +
                                "held at least " + std::to_string(returned - started) +
                                " items with maxsize " + std::to_string(plan.maxsize));
            }
        }
        if (producers_running.fetch_sub(1) == 1) {
            // Here: every producer's items are in the queue (or already got), so the stop
            // items queue up behind all of them.
            const pclab::testkit::ScopedActivity inside("Queue::put(stop item)");
            put_stop_items();
        }
    });
    runner.add("consumer", plan.consumers, [&](int c) {
        pclab::testkit::Rng rng(thread_seeds[static_cast<std::size_t>(plan.producers + c)]);
        std::vector<TaggedItem>& got = record.got_by[static_cast<std::size_t>(c)];
        for (;;) {
            const std::uint64_t form = plan.every_form ? rng.below(3) : 0;
            std::optional<TaggedItem> item;
            for (int attempt = 0; form != 0 && attempt < kRetries && !item; ++attempt) {
                gets_started.fetch_add(1);
                try {
                    const pclab::testkit::ScopedActivity inside("Queue::get(timeout)");
                    item =
                        form == 1
                            ? queue.get(std::chrono::microseconds(rng.between(0, kMaxTimedWaitUs)))
                            : queue.get_nowait();
                } catch (const pclab::Empty&) {
                    // the queue is unchanged; try again
                }
            }
            if (!item) {
                gets_started.fetch_add(1);
                const pclab::testkit::ScopedActivity inside("Queue::get()");
                item = queue.get();
            }
            if (*item == kStopItem) {
                break;
            }
            got.push_back(*item);
            record.ledger.record_got(c, *item);
            if (plan.max_consumer_work > 0) {
                process_item(static_cast<unsigned>(rng.below(plan.max_consumer_work + 1)));
            }
        }
        consumers_running.fetch_sub(1);
    });
    // Observers only read, and nobody waits for them: they stop once the consumers are done.
    // Declared as such, they do not keep the watchdog from seeing a lost wake-up among the
    // producers and consumers as the deadlock it is (after seconds, not at 80% of the budget).
    runner.add_observers("observer", plan.observers, [&](int) {
        while (consumers_running.load() > 0 && !abandon.load()) {
            const pclab::testkit::ScopedActivity inside("Queue::qsize()");
            const std::size_t size = queue.qsize();
            if (plan.maxsize > 0 && size > plan.maxsize) {
                report_capacity("qsize() returned " + std::to_string(size) + " with maxsize " +
                                std::to_string(plan.maxsize));
            }
            if (const std::size_t maxsize = queue.maxsize(); maxsize != plan.maxsize) {
                report(record.wrong_reading, "maxsize() returned " + std::to_string(maxsize) +
                                                 " for a queue made with maxsize " +
                                                 std::to_string(plan.maxsize));
            }
            static_cast<void>(queue.empty());  // only its race-freedom can be judged here
            if (plan.maxsize == 0 && queue.full()) {
                report(record.wrong_reading,
                       "full() returned true for an unbounded queue (maxsize 0)");
            }
            std::this_thread::yield();  // an observer is a reader, not a CPU hog on 2 cores
        }
    });
    // A worker that died (an unfinished stub, an unexpected exception) must not leave the
    // consumers waiting for stop items nobody will put.
    runner.on_first_exception([&] {
        abandon.store(true);
        for (int c = 0; c < plan.consumers; ++c) {
            queue.put(kStopItem, std::chrono::seconds(1));
        }
    });
    runner.run();
}

}  // namespace lab03
