// The workload most lab 04 checks share: producers put numbered items into an unbounded Queue,
// consumers get them and hold each one for a while ("processing") before task_done(), joiners
// call join() once every put has returned, and each joiner records what it saw at the moment
// join() returned.
//
// The evidence for an early join. A consumer adds 1 to `task_dones_started` *just before* it
// calls task_done(). When join() returns, the joiner reads that counter. With a correct queue it
// equals the number of puts, always:
//   - join() returns only after it saw unfinished_tasks == 0 under the queue's lock, and every
//     put had returned before join() was called, so all `puts` task_done() calls had lowered the
//     count under that lock before join() returned;
//   - each consumer's increment is sequenced before its task_done(), which releases the lock
//     that join() then acquires: the increment happens-before the joiner's read (seq_cst
//     atomics on the test's side; no ordering is borrowed from anything but the queue's lock).
// Counting calls that *returned* would not do: a correct join() may return while the last
// task_done() is still on its way out of the queue. So `started < puts` at join's return means
// join() returned before some task_done() had even begun: an early join, whatever the timing.
//
// Timing is workload, never synchronisation. Holding an item (a sleep of a seeded length) only
// makes early joins and lost wake-ups *likely* to show; the correctness of the verdict never
// depends on it. The "slow" items are the sharpest tool: their consumer waits until every joiner
// is about to call join() (a latch), then holds the item a long while, so the joiners are
// asleep in join() when the last task_done() comes, long after the queue went empty.
#pragma once

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <cstdint>
#include <latch>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "pclab/testkit/failure_category.hpp"
#include "pclab/testkit/rng.hpp"
#include "pclab/testkit/stress_runner.hpp"
#include "pclab/testkit/thread_registry.hpp"
#include "queue.hpp"

namespace lab04 {

using Item = std::int64_t;

// Tells a consumer to stop: C++ has no daemon threads, so every consumer needs an explicit end,
// and lab 04 may not rely on shutdown() (lab 05's). Item numbers are never negative.
inline constexpr Item kStopItem = -1;

// Counts a latch down when it goes out of scope, however the scope is left (a joiner whose
// join() throws must still let the others go on).
class CountDownOnExit {
  public:
    explicit CountDownOnExit(std::latch& latch) : latch_(latch) {}
    ~CountDownOnExit() { latch_.count_down(); }
    CountDownOnExit(const CountDownOnExit&) = delete;
    CountDownOnExit& operator=(const CountDownOnExit&) = delete;

  private:
    std::latch& latch_;
};

// Success when `ok`; otherwise a failure whose message is `[pclab:<category>] <why>` on one
// line (unlike PCLAB_EXPECT_CATEGORY it does not quote source text at the student, and the
// explanation stays on the tag's line, where the grader reads it).
inline ::testing::AssertionResult holds(bool ok, std::string_view category,
                                        const std::string& why) {
    return ok ? ::testing::AssertionSuccess() : pclab::testkit::tagged_failure(category) << why;
}

// "1 joiner", "3 joiners".
inline std::string count_of(std::int64_t n, const std::string& noun) {
    return std::to_string(n) + " " + noun + (n == 1 ? "" : "s");
}

// The verdict on one join() return: `[pclab:early-join] join() returned with k task_done()
// calls outstanding ...` unless every put's task_done() had started.
inline ::testing::AssertionResult joined_after_every_task_done(std::int64_t started_at_return,
                                                               std::int64_t puts,
                                                               const std::string& who) {
    if (started_at_return >= puts) {
        return ::testing::AssertionSuccess();
    }
    return pclab::testkit::tagged_failure(pclab::testkit::category::kEarlyJoin)
           << "join() returned with " << count_of(puts - started_at_return, "task_done() call")
           << " outstanding (" << who << "; " << puts << " items put, only " << started_at_return
           << " task_done() calls had started): join must wait for the last task_done(), not "
              "for the queue to be empty";
}

struct JoinPlan {
    int producers = 1;
    int consumers = 1;
    int joiners = 1;
    int observers = 0;  // threads reading unfinished_tasks() and qsize() meanwhile
    std::int64_t items = 1;
    std::int64_t slow_items = 1;              // the highest-numbered items are slow
    std::chrono::microseconds max_hold{0};    // each ordinary item: a seeded hold in [0, max]
    std::chrono::milliseconds slow_hold{20};  // each slow item, after every joiner arrived
};

inline std::string describe(const JoinPlan& plan) {
    return count_of(plan.producers, "producer") + ", " + count_of(plan.items, "item") + ", " +
           count_of(plan.consumers, "consumer") + " holding each item up to " +
           std::to_string(plan.max_hold.count()) + " us, " +
           count_of(plan.slow_items, "slow item") + " held " +
           std::to_string(plan.slow_hold.count()) + " ms, " + count_of(plan.joiners, "joiner") +
           ", " + count_of(plan.observers, "observer");
}

// Draws a plan: 1-3 producers, 1-8 consumers (4x the grading cores: contention), 1-400 items
// (log-uniform: a single item comes up as often as hundreds).
inline JoinPlan draw_plan(pclab::testkit::Rng& rng) {
    constexpr int kMaxProducers = 3;  // several producers: join() must wait for all their items
    constexpr int kMaxConsumers = 8;
    constexpr std::int64_t kMaxItems = 400;   // keeps a round near 20-60 ms under TSan
    constexpr std::int64_t kMaxHoldUs = 200;  // a few queue round trips per item
    JoinPlan plan;
    plan.producers = static_cast<int>(rng.between(1, kMaxProducers));
    plan.consumers = static_cast<int>(rng.between(1, kMaxConsumers));
    plan.items = rng.log_uniform(1, kMaxItems);
    plan.slow_items = rng.between(0, std::min<std::int64_t>(plan.items, plan.consumers));
    plan.max_hold = std::chrono::microseconds(rng.between(0, kMaxHoldUs));
    return plan;
}

// What one round saw.
struct JoinRecord {
    std::int64_t puts = 0;                        // items put (all returned before any join)
    std::vector<std::int64_t> started_at_return;  // per joiner: task_dones started at its return
    std::size_t unfinished_at_end = 0;            // unfinished_tasks() once every thread was joined
};

// Runs one round on `queue` (unbounded, empty, nothing outstanding). Every thread is registered
// with the watchdog under its role, and every call that may block is marked, so a hang reads as
// `joiner 1: blocked in join()`. Rethrows the first exception a thread threw (say,
// `not implemented: Queue::join`) after releasing the others, so an unfinished queue fails fast.
inline JoinRecord run_join_round(pclab::Queue<Item>& queue, const JoinPlan& plan,
                                 std::uint64_t seed) {
    pclab::testkit::Rng seeds(seed);
    JoinRecord record;
    record.puts = plan.items;
    record.started_at_return.assign(static_cast<std::size_t>(plan.joiners), -1);

    std::atomic<std::int64_t> task_dones_started{0};
    std::atomic<bool> round_over{false};            // tells observers to stop
    std::latch every_put_returned(plan.producers);  // joiners start only then
    std::latch every_joiner_arrived(plan.joiners);  // slow items' holds start only then
    std::latch every_joiner_returned(plan.joiners);
    const Item first_slow_item = plan.items - plan.slow_items;  // slow: the last ones put

    std::vector<std::uint64_t> consumer_seeds;
    consumer_seeds.reserve(static_cast<std::size_t>(plan.consumers));
    for (int c = 0; c < plan.consumers; ++c) {
        consumer_seeds.push_back(seeds.next());
    }

    pclab::testkit::StressRunner runner;
    runner.add("producer", plan.producers, [&](int producer) {
        const CountDownOnExit done(every_put_returned);
        // Producer p puts, in increasing order, the items counted p, p + producers, ... down
        // from the last one: the slow items (the highest numbers) end every producer's stream.
        std::vector<Item> mine;
        for (Item item = 0; item < plan.items; ++item) {
            if ((plan.items - 1 - item) % plan.producers == producer) {
                mine.push_back(item);
            }
        }
        const pclab::testkit::ScopedActivity inside("put()");
        for (const Item item : mine) {
            queue.put(item);
        }
    });
    runner.add("consumer", plan.consumers, [&](int consumer) {
        pclab::testkit::Rng rng(consumer_seeds[static_cast<std::size_t>(consumer)]);
        for (;;) {
            Item item = kStopItem;
            {
                const pclab::testkit::ScopedActivity inside("get()");
                item = queue.get();
            }
            if (item == kStopItem) {
                const pclab::testkit::ScopedActivity inside("task_done()");
                queue.task_done();  // the stop items were put too: they need theirs
                return;
            }
            // "Processing" the item: workload, not synchronisation (see the file comment).
            if (item >= first_slow_item) {
                {
                    const pclab::testkit::ScopedActivity inside(
                        "the test's wait until every joiner is about to call join()");
                    every_joiner_arrived.wait();
                }
                std::this_thread::sleep_for(plan.slow_hold);
            } else if (plan.max_hold.count() > 0) {
                std::this_thread::sleep_for(std::chrono::microseconds(
                    rng.between(0, static_cast<std::int64_t>(plan.max_hold.count()))));
            }
            task_dones_started.fetch_add(1);  // before the call: see the file comment
            const pclab::testkit::ScopedActivity inside("task_done()");
            queue.task_done();
        }
    });
    runner.add("joiner", plan.joiners, [&](int joiner) {
        const CountDownOnExit returned(every_joiner_returned);
        {
            const pclab::testkit::ScopedActivity inside(
                "the test's wait until every put has returned");
            every_put_returned.wait();
        }
        every_joiner_arrived.count_down();
        {
            const pclab::testkit::ScopedActivity inside("join()");
            queue.join();
        }
        record.started_at_return[static_cast<std::size_t>(joiner)] = task_dones_started.load();
    });
    runner.add("closer", [&] {
        {
            const pclab::testkit::ScopedActivity inside(
                "the test's wait until every joiner has returned from join()");
            every_joiner_returned.wait();
        }
        round_over.store(true);
        const pclab::testkit::ScopedActivity inside("put() of the stop items");
        for (int c = 0; c < plan.consumers; ++c) {
            queue.put(kStopItem);
        }
    });
    // Observers only read, and nobody waits for them: declared as such, they do not keep the
    // watchdog from seeing a join or a get that sleeps for ever as the deadlock it is.
    runner.add_observers("observer", plan.observers, [&](int) {
        const pclab::testkit::ScopedActivity inside(
            "calls of unfinished_tasks() and qsize(), until every joiner has returned");
        while (!round_over.load()) {
            static_cast<void>(queue.unfinished_tasks());
            static_cast<void>(queue.qsize());
            std::this_thread::yield();  // reads are the point, not a busy core
        }
    });
    // A thread that throws (an unfinished stub) must not leave consumers blocked in get(): give
    // each one a stop item. The queue is unbounded, so these puts never wait.
    runner.on_first_exception([&] {
        round_over.store(true);
        for (int c = 0; c < plan.consumers; ++c) {
            queue.put(kStopItem);
        }
    });
    runner.run();
    record.unfinished_at_end = queue.unfinished_tasks();
    return record;
}

// The checks every round makes: each joiner returned after the last task_done() started, and
// once everything ended (stop items included) nothing is outstanding.
inline void expect_joined_after_every_task_done(const JoinRecord& record) {
    for (std::size_t j = 0; j < record.started_at_return.size(); ++j) {
        PCLAB_EXPECT_PROPERTY(joined_after_every_task_done(record.started_at_return[j], record.puts,
                                                           "joiner " + std::to_string(j)));
    }
    EXPECT_EQ(record.unfinished_at_end, 0U)
        << "every item put (the stop items too) had its task_done(), yet unfinished_tasks() is "
        << record.unfinished_at_end;
}

}  // namespace lab04
