// join() and shutdown: joiners return exactly when unfinished_tasks reaches 0. A soft shutdown
// does not release them (`early-join` if it does); an immediate one lowers the count by the
// items it discards and wakes them, so they return if nothing else is outstanding (a joiner
// left blocked is a `deadlock`, named by the watchdog as `joiner 1: blocked in join()`), and
// keep waiting for items taken but not yet task_done (`early-join` if they do not).
//
// Each joiner reads, when its join() returns, how many task_done() calls had *started*. A
// correct join returns only after the last needed task_done took effect, and each call is
// counted before it is made, so a correct queue always shows all of them started.
//
// Measured for this check (ShutdownJoin.*): g++ 12, 2 cores at load average 6-10 (other
// builds running), PCLAB_SEED=1..20, PCLAB_TIMEOUT_MS=20000:
//   unsafe:immediate_shutdown_leaves_join_blocked  plain: 20/20 fail (deadlock)
//                                                  tsan:  20/20 fail (deadlock)
//   solution                                       plain: 0/20 fail   tsan: 0/20 fail
#include <gtest/gtest.h>

#include <atomic>
#include <cstddef>
#include <latch>
#include <stdexcept>
#include <string>
#include <vector>

#include "lab05_support.hpp"
#include "pclab/testkit/failure_category.hpp"
#include "pclab/testkit/stress_runner.hpp"
#include "pclab/testkit/thread_registry.hpp"
#include "queue.hpp"

namespace {

using lab05::holds;
using pclab::testkit::category::kEarlyJoin;
using pclab::testkit::category::kWrongResult;

constexpr int kJoinRounds = 6;  // measured 0.1-0.6 s mean, 1.3 s max per test under TSan
constexpr int kMaxJoiners = 4;  // 2x the grading cores: several wait at once
constexpr int kMaxItems = 50;   // the count matters, not the traffic

class ShutdownJoin : public lab05::ShutdownTest {
  protected:
    // Calls task_done() `count` times, counting each call before it is made.
    static void finish_tasks(pclab::Queue<int>& queue, int count, std::atomic<int>& started) {
        for (int i = 0; i < count; ++i) {
            started.fetch_add(1);
            const pclab::testkit::ScopedActivity inside("task_done()");
            queue.task_done();
        }
    }

    // Lowers the count to 0 whatever state a failed shutdown left it in, so joiners end.
    static void release_joiners(pclab::Queue<int>& queue) {
        try {
            while (queue.unfinished_tasks() > 0) {
                queue.task_done();
            }
        } catch (const std::logic_error&) {
            // another thread finished the last task first
        }
    }

    static ::testing::AssertionResult returned_after_all(const std::vector<int>& seen_by,
                                                         int needed, const std::string& when) {
        for (std::size_t j = 0; j < seen_by.size(); ++j) {
            if (seen_by[j] != needed) {
                return pclab::testkit::tagged_failure(kEarlyJoin)
                       << "joiner " << j << "'s join() returned when only " << seen_by[j]
                       << " of the " << needed << " task_done() calls it waits for had started ("
                       << when << "): join returns only when unfinished_tasks reaches 0";
            }
        }
        return ::testing::AssertionSuccess();
    }
};

// Joiners wait; the queue is shut down softly; more joiners come after. A consumer then marks
// the tasks done (task_done counts puts, so it needs no get). Nobody may return before the last.
TEST_F(ShutdownJoin, SoftShutdownDoesNotReleaseJoiners) {
    run_rounds(kJoinRounds, [&](int) {
        const int items = static_cast<int>(rng().between(1, kMaxItems));
        const int joiners = static_cast<int>(rng().between(1, kMaxJoiners));
        const int late_joiners = static_cast<int>(rng().between(1, kMaxJoiners));
        SCOPED_TRACE(std::to_string(items) + " puts, " + std::to_string(joiners) +
                     " joiners before and " + std::to_string(late_joiners) +
                     " after a soft shutdown");
        pclab::Queue<int> queue;
        for (int i = 0; i < items; ++i) {
            queue.put(i);
        }
        lab05::BlockedThreads blocked(joiners);
        std::latch shut_down(1);
        std::atomic<int> task_dones_started{0};
        std::vector<int> seen_by(static_cast<std::size_t>(joiners + late_joiners), -1);
        pclab::testkit::StressRunner runner;
        runner.add("joiner", joiners + late_joiners, [&](int j) {
            if (j < joiners) {
                blocked.about_to_block(j);
            } else {
                shut_down.wait();
            }
            const pclab::testkit::ScopedActivity inside("join()");
            queue.join();
            seen_by[static_cast<std::size_t>(j)] = task_dones_started.load();
        });
        runner.add("shutter", [&] {
            const lab05::CountDownOnExit release(shut_down);
            blocked.wait_until_all_asleep();
            const pclab::testkit::ScopedActivity inside("shutdown()");
            queue.shutdown();
        });
        runner.add("consumer", [&] {
            shut_down.wait();
            finish_tasks(queue, items, task_dones_started);
        });
        runner.run();
        PCLAB_EXPECT_PROPERTY(returned_after_all(seen_by, items, "the queue was shut down softly"));
    });
}

// Nothing taken: an immediate shutdown discards every unfinished item, the count drops to 0,
// and every joiner must return.
TEST_F(ShutdownJoin, ImmediateShutdownReleasesJoinersWhenNothingIsTaken) {
    run_rounds(kJoinRounds, [&](int) {
        const int items = static_cast<int>(rng().between(1, kMaxItems));
        const int joiners = static_cast<int>(rng().between(1, kMaxJoiners));
        SCOPED_TRACE(std::to_string(items) + " puts, no gets, " + std::to_string(joiners) +
                     " joiners, then shutdown(true)");
        pclab::Queue<int> queue;
        for (int i = 0; i < items; ++i) {
            queue.put(i);
        }
        lab05::BlockedThreads blocked(joiners);
        pclab::testkit::StressRunner runner;
        runner.add("joiner", joiners, [&](int j) {
            blocked.about_to_block(j);
            const pclab::testkit::ScopedActivity inside("join()");
            queue.join();
        });
        runner.add("shutter", [&] {
            blocked.wait_until_all_asleep();
            const pclab::testkit::ScopedActivity inside("shutdown(true)");
            queue.shutdown(/*immediate=*/true);
        });
        runner.on_first_exception([&] { release_joiners(queue); });
        runner.run();
        // Here: every joiner returned (a joiner still blocked never gets here; the watchdog
        // reports it).
        PCLAB_EXPECT_PROPERTY(holds(queue.unfinished_tasks() == 0, kWrongResult))
            << "unfinished_tasks() is " << queue.unfinished_tasks()
            << " after shutdown(true) discarded every item put";
    });
}

// Some items taken by get and not yet done: an immediate shutdown discards the rest, but the
// joiners must wait for the taken ones' task_done.
TEST_F(ShutdownJoin, ImmediateShutdownKeepsJoinersForItemsStillBeingProcessed) {
    run_rounds(kJoinRounds, [&](int) {
        const int items = static_cast<int>(rng().between(1, kMaxItems));
        const int taken = static_cast<int>(rng().between(1, items));
        const int joiners = static_cast<int>(rng().between(1, kMaxJoiners));
        SCOPED_TRACE(std::to_string(items) + " puts, " + std::to_string(taken) +
                     " taken by get and not done, " + std::to_string(joiners) +
                     " joiners, then shutdown(true)");
        pclab::Queue<int> queue;
        for (int i = 0; i < items; ++i) {
            queue.put(i);
        }
        for (int i = 0; i < taken; ++i) {
            static_cast<void>(queue.get());
        }
        lab05::BlockedThreads blocked(joiners);
        std::latch shut_down(1);
        std::atomic<int> task_dones_started{0};
        std::vector<int> seen_by(static_cast<std::size_t>(joiners), -1);
        pclab::testkit::StressRunner runner;
        runner.add("joiner", joiners, [&](int j) {
            blocked.about_to_block(j);
            const pclab::testkit::ScopedActivity inside("join()");
            queue.join();
            seen_by[static_cast<std::size_t>(j)] = task_dones_started.load();
        });
        runner.add("shutter", [&] {
            const lab05::CountDownOnExit release(shut_down);
            blocked.wait_until_all_asleep();
            const pclab::testkit::ScopedActivity inside("shutdown(true)");
            queue.shutdown(/*immediate=*/true);
        });
        runner.add("consumer", [&] {
            shut_down.wait();
            finish_tasks(queue, taken, task_dones_started);
        });
        runner.on_first_exception([&] { release_joiners(queue); });
        runner.run();
        PCLAB_EXPECT_PROPERTY(
            returned_after_all(seen_by, taken,
                               "shutdown(true) discarded the queued items, but items taken by "
                               "get() were still being processed"));
    });
}

}  // namespace
