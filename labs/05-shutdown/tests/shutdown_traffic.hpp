// The stress workload of the drain and immediate-mode checks: producers put tagged items,
// consumers get, "process" and task_done them, and at a drawn moment one producer shuts the
// queue down (a drawn sequence of soft and immediate shutdowns). Producers stop at their first
// ShutDown; consumers stop at theirs.
//
// Every wait here is a timed poll (put/get with kPollTimeout, retried on Full/Empty). A correct
// queue wakes a waiter at shutdown at once and the poll never matters; a queue that fails to
// wake waiters is the `blocked-threads-wake` check's business, and with polls these checks still
// end and judge only what they are about: what the getters got, and the counts.
#pragma once

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <set>
#include <stdexcept>
#include <string>
#include <vector>

#include "pclab/errors.hpp"
#include "pclab/testkit/exactly_once_ledger.hpp"
#include "pclab/testkit/failure_category.hpp"
#include "pclab/testkit/rng.hpp"
#include "pclab/testkit/stress_runner.hpp"
#include "pclab/testkit/thread_registry.hpp"
#include "queue.hpp"

namespace lab05 {

using pclab::testkit::TaggedItem;

struct TrafficPlan {
    int producers = 1;
    int consumers = 1;
    std::size_t maxsize = 1;
    std::int64_t items_per_producer = 1;
    std::int64_t shutdown_after_puts = 0;  // the producer whose put is number N shuts down
    std::vector<bool> shutdowns{false};    // the shutdown calls, in order: true = immediate
    unsigned max_consumer_work = 0;        // busy-work units per item: lets the queue fill up
};

inline std::string describe(const TrafficPlan& plan) {
    std::string calls;
    for (const bool immediate : plan.shutdowns) {
        calls += (calls.empty() ? "" : ", ") + std::string(immediate ? "immediate" : "soft");
    }
    return std::to_string(plan.producers) + " producers x " +
           std::to_string(plan.items_per_producer) + " items, " + std::to_string(plan.consumers) +
           " consumers, maxsize " + std::to_string(plan.maxsize) + ", shutdown (" + calls +
           ") after put number " + std::to_string(plan.shutdown_after_puts) +
           (plan.max_consumer_work > 0 ? ", slow consumers" : "");
}

// 1..4 producers and consumers (2x the grading cores: enough to overlap, few enough that a
// round stays short under TSan), maxsize 1..32 log-uniform or unbounded, up to `max_items` per
// producer, shutdown at a uniformly drawn put (0: before any put), `shutdowns` as given.
inline TrafficPlan draw_plan(pclab::testkit::Rng& rng, std::int64_t max_items,
                             std::vector<bool> shutdowns) {
    constexpr int kMaxThreadsPerRole = 4;
    constexpr std::int64_t kMaxMaxsize = 32;
    constexpr unsigned kSlowWork = 400;  // ~2 µs per item: slower than a put, so queues fill
    TrafficPlan plan;
    plan.producers = static_cast<int>(rng.between(1, kMaxThreadsPerRole));
    plan.consumers = static_cast<int>(rng.between(1, kMaxThreadsPerRole));
    plan.maxsize =
        rng.below(4) == 0 ? 0 : static_cast<std::size_t>(rng.log_uniform(1, kMaxMaxsize));
    plan.items_per_producer = rng.log_uniform(1, max_items);
    plan.shutdown_after_puts = rng.between(0, plan.producers * plan.items_per_producer);
    plan.shutdowns = std::move(shutdowns);
    plan.max_consumer_work = rng.below(4) == 0 ? 0 : kSlowWork;
    return plan;
}

// What a run recorded. Read it after run_traffic() returned.
struct TrafficRecord {
    TrafficRecord(int producers, int consumers)
        : ledger(producers, consumers),
          puts_by(static_cast<std::size_t>(producers), 0),
          got_by(static_cast<std::size_t>(consumers)) {}

    pclab::testkit::ExactlyOnceLedger ledger;
    std::vector<std::int64_t> puts_by;            // producer -> puts that returned normally
    std::vector<std::vector<TaggedItem>> got_by;  // consumer -> items, in the order it got them
    std::atomic<int> task_done_refusals{0};       // task_done() calls that threw logic_error
};

namespace traffic_detail {

// A poll, not a deadline: see the comment at the top. 20 ms is long against a queue operation
// and short against the checks' budgets even if every wait ran it out.
constexpr auto kPollTimeout = std::chrono::milliseconds(20);

inline void process_item(unsigned units) {
    static std::atomic<std::uint64_t> sink{0};
    std::uint64_t value = units;
    for (unsigned i = 0; i < units; ++i) {
        value = value * 6364136223846793005ULL + 1442695040888963407ULL;  // an LCG step (Knuth)
    }
    sink.fetch_add(value & 1U, std::memory_order_relaxed);
}

}  // namespace traffic_detail

inline void run_traffic(pclab::Queue<TaggedItem>& queue, const TrafficPlan& plan,
                        std::uint64_t seed, TrafficRecord& record) {
    using traffic_detail::kPollTimeout;
    std::atomic<std::int64_t> puts_returned{0};
    std::atomic<bool> abandon{false};  // a worker threw: everyone stops polling
    const auto shut_down = [&] {
        const pclab::testkit::ScopedActivity inside("shutdown()");
        for (const bool immediate : plan.shutdowns) {
            queue.shutdown(immediate);
        }
    };
    pclab::testkit::Rng seeds(seed);
    std::vector<std::uint64_t> consumer_seeds;
    consumer_seeds.reserve(static_cast<std::size_t>(plan.consumers));
    for (int c = 0; c < plan.consumers; ++c) {
        consumer_seeds.push_back(seeds.next());
    }

    pclab::testkit::StressRunner runner;
    runner.add("producer", plan.producers, [&](int p) {
        if (p == 0 && plan.shutdown_after_puts == 0) {
            shut_down();
        }
        for (std::int64_t k = 0; k < plan.items_per_producer; ++k) {
            for (bool put = false; !put;) {
                if (abandon.load()) {
                    return;
                }
                try {
                    const pclab::testkit::ScopedActivity inside("put(item, timeout)");
                    queue.put(TaggedItem{p, k}, kPollTimeout);
                    put = true;
                } catch (const pclab::Full&) {
                    // still full after a poll; the queue is unchanged: try the same item again
                } catch (const pclab::ShutDown&) {
                    return;  // the producer's normal end once the queue is shut down
                }
            }
            record.ledger.record_put(p, k);
            ++record.puts_by[static_cast<std::size_t>(p)];
            if (puts_returned.fetch_add(1) + 1 == plan.shutdown_after_puts) {
                shut_down();  // Here: exactly one producer made put number N.
            }
        }
    });
    runner.add("consumer", plan.consumers, [&](int c) {
        pclab::testkit::Rng rng(consumer_seeds[static_cast<std::size_t>(c)]);
        for (;;) {
            TaggedItem item;
            try {
                const pclab::testkit::ScopedActivity inside("get(timeout)");
                item = queue.get(kPollTimeout);
            } catch (const pclab::Empty&) {
                if (abandon.load()) {
                    return;
                }
                continue;
            } catch (const pclab::ShutDown&) {
                return;  // the consumer's normal end: shut down and (if soft) drained
            }
            record.got_by[static_cast<std::size_t>(c)].push_back(item);
            record.ledger.record_got(c, item);
            if (plan.max_consumer_work > 0) {
                traffic_detail::process_item(
                    static_cast<unsigned>(rng.below(plan.max_consumer_work + 1)));
            }
            try {
                queue.task_done();
            } catch (const std::logic_error&) {
                record.task_done_refusals.fetch_add(1);  // the count fell below what is held
            }
        }
    });
    // A worker that died (an unexpected exception from the queue) must not leave the others
    // polling a queue nobody will shut down.
    runner.on_first_exception([&] { abandon.store(true); });
    runner.run();
}

// After every thread ended and every item got was task_done: nothing may be left queued or
// unfinished, and no task_done may have been refused.
inline ::testing::AssertionResult counts_settled(const pclab::Queue<TaggedItem>& queue,
                                                 const TrafficRecord& record) {
    const std::size_t left = queue.qsize();
    const std::size_t unfinished = queue.unfinished_tasks();
    const int refusals = record.task_done_refusals.load();
    if (left == 0 && unfinished == 0 && refusals == 0) {
        return ::testing::AssertionSuccess();
    }
    return pclab::testkit::tagged_failure(pclab::testkit::category::kWrongResult)
           << "after the shutdown, with every thread ended and every item got marked "
              "task_done: qsize() is "
           << left << " (expected 0), unfinished_tasks() is " << unfinished
           << " (expected 0: every put was either got and task_done, or discarded by an "
              "immediate shutdown, which must lower the count), and "
           << refusals << " task_done() calls threw logic_error (expected 0)";
}

// For runs with an immediate shutdown, where discarded items are legitimately never got: each
// item got was put (by a producer, among its puts that returned) and was got only once.
inline ::testing::AssertionResult got_only_what_was_put_once(const TrafficRecord& record) {
    std::set<TaggedItem> seen;
    for (std::size_t c = 0; c < record.got_by.size(); ++c) {
        for (const TaggedItem& item : record.got_by[c]) {
            const bool was_put =
                item.producer >= 0 && item.producer < static_cast<int>(record.puts_by.size()) &&
                item.sequence >= 0 &&
                item.sequence < record.puts_by[static_cast<std::size_t>(item.producer)];
            if (!was_put) {
                return pclab::testkit::tagged_failure(pclab::testkit::category::kWrongResult)
                       << "consumer " << c << " got item " << item.sequence << " of producer "
                       << item.producer << ", which no put that returned normally put";
            }
            if (!seen.insert(item).second) {
                return pclab::testkit::tagged_failure(pclab::testkit::category::kDuplicateItem)
                       << "item " << item.sequence << " of producer " << item.producer
                       << " was got twice (the second time by consumer " << c << ")";
            }
        }
    }
    return ::testing::AssertionSuccess();
}

}  // namespace lab05
