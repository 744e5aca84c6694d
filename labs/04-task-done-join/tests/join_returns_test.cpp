// join() with nothing outstanding returns at once; it may be called any number of times; it
// counts task_done() calls, not gets; and on a queue used batch after batch each join() waits
// for its own batch. Every join() runs on a registered thread inside ScopedActivity("join()"),
// so one that never returns is reported by the watchdog as `joiner: blocked in join()`.
//
// Measured with PCLAB_SEED=1001..1020 (20 runs per line), 2 cores, load average 7-15 from
// other work on the machine:
//   solution  0/20 fail in each build; longest run 1.0 s plain, 0.8 s tsan
// Seen with PCLAB_SEED=1 only: task_done_without_notify hangs in EachJoinWaitsForItsBatch, and
// join_waits_for_empty_queue in CountsTaskDoneCallsNotGets (the queue never empties); both are
// reported as deadlock with `blocked in join()`.
#include <gtest/gtest.h>

#include <atomic>
#include <cstdint>
#include <functional>
#include <string>

#include "join_workload.hpp"
#include "pclab/testkit/stress_runner.hpp"
#include "pclab/testkit/stress_test.hpp"
#include "pclab/testkit/thread_registry.hpp"
#include "queue.hpp"

namespace {

using lab04::Item;

class JoinReturns : public pclab::testkit::StressTest {
  protected:
    // Runs `body` on one registered thread named `joiner`: a hang inside it is reported by the
    // watchdog with the call it is stuck in, and an exception reaches GoogleTest.
    static void on_watched_thread(const std::function<void()>& body) {
        pclab::testkit::StressRunner runner;
        runner.add("joiner", body);
        runner.run();
    }

    static void join(pclab::Queue<Item>& queue) {
        const pclab::testkit::ScopedActivity inside("join()");
        queue.join();
    }
};

TEST_F(JoinReturns, AtOnceWhenNothingWasPut) {
    pclab::Queue<Item> queue;
    on_watched_thread([&] {
        join(queue);
        join(queue);  // again: join may be called any number of times
        join(queue);
    });
    EXPECT_EQ(queue.unfinished_tasks(), 0U);
}

TEST_F(JoinReturns, AtOnceWhenEveryPutHadItsTaskDone) {
    constexpr int kItems = 5;  // a few: the count must go up and all the way down
    pclab::Queue<Item> queue;
    on_watched_thread([&] {
        for (Item item = 0; item < kItems; ++item) {
            queue.put(item);
        }
        for (int i = 0; i < kItems; ++i) {
            static_cast<void>(queue.get());
            queue.task_done();
        }
        join(queue);
        join(queue);
    });
    EXPECT_EQ(queue.unfinished_tasks(), 0U);
}

TEST_F(JoinReturns, CountsTaskDoneCallsNotGets) {
    constexpr int kItems = 3;
    pclab::Queue<Item> queue;
    on_watched_thread([&] {
        for (Item item = 0; item < kItems; ++item) {
            queue.put(item);
        }
        for (int i = 0; i < kItems; ++i) {
            queue.task_done();  // legal without a get: task_done counts puts
        }
        // Here: unfinished_tasks == 0 while every item is still queued. join() waits for the
        // count, not for an empty queue, so it returns at once.
        join(queue);
    });
    EXPECT_EQ(queue.qsize(), static_cast<std::size_t>(kItems));
}

// The activity's main thread, batch after batch: put a batch, join(), check that every
// task_done() of everything put so far had started, put the next batch. Consumers stay the same
// across batches and hold each item for a seeded while.
TEST_F(JoinReturns, EachJoinWaitsForItsBatch) {
    constexpr int kRounds = 6;   // measured ~0.3 s in total under TSan on 2 cores
    constexpr int kBatches = 5;  // join() called again and again on one queue
    constexpr std::int64_t kMaxBatch = 60;
    constexpr std::int64_t kMaxHoldUs = 300;  // items outlive the queue's emptiness
    run_rounds(kRounds, [&](int) {
        const int consumers = static_cast<int>(rng().between(1, 6));
        SCOPED_TRACE(std::to_string(consumers) + " consumers, " + std::to_string(kBatches) +
                     " batches");
        std::vector<std::uint64_t> seeds;
        for (int c = 0; c < consumers; ++c) {
            seeds.push_back(rng().next());
        }
        std::vector<std::int64_t> batch_sizes;
        for (int b = 0; b < kBatches; ++b) {
            batch_sizes.push_back(rng().between(1, kMaxBatch));
        }
        pclab::Queue<Item> queue;
        std::atomic<std::int64_t> task_dones_started{0};
        pclab::testkit::StressRunner runner;
        runner.add("producer and joiner", [&] {
            std::int64_t puts = 0;
            for (std::size_t batch = 0; batch < batch_sizes.size(); ++batch) {
                const std::int64_t size = batch_sizes[batch];
                for (std::int64_t i = 0; i < size; ++i) {
                    queue.put(puts++);
                }
                join(queue);
                PCLAB_EXPECT_PROPERTY(lab04::joined_after_every_task_done(
                    task_dones_started.load(), puts,
                    "the join() after batch " + std::to_string(batch)));
            }
            for (int c = 0; c < consumers; ++c) {
                queue.put(lab04::kStopItem);
            }
        });
        runner.add("consumer", consumers, [&](int consumer) {
            pclab::testkit::Rng hold(seeds[static_cast<std::size_t>(consumer)]);
            for (;;) {
                Item item = lab04::kStopItem;
                {
                    const pclab::testkit::ScopedActivity inside("get()");
                    item = queue.get();
                }
                if (item != lab04::kStopItem) {
                    std::this_thread::sleep_for(
                        std::chrono::microseconds(hold.between(0, kMaxHoldUs)));  // workload
                    task_dones_started.fetch_add(1);
                }
                queue.task_done();
                if (item == lab04::kStopItem) {
                    return;
                }
            }
        });
        runner.on_first_exception([&] {
            for (int c = 0; c < consumers; ++c) {
                queue.put(lab04::kStopItem);
            }
        });
        runner.run();
    });
}

}  // namespace
