// Shutdown wakes every blocked thread: consumers asleep in get() on an empty queue and
// producers asleep in put() on a full one all return, with ShutDown, and a woken put enqueues
// nothing. The threads are asleep inside the queue before it is shut down (the test waits until
// the kernel reports them asleep), so a shutdown that wakes only some of them leaves the rest
// blocked for good: the watchdog then reports `deadlock` and names each thread still blocked
// and the call it is in, e.g. `consumer 2: blocked in get()`.
//
// Measured for this check (ShutdownWakesBlocked.*), 2 cores, load average 6-10 (other builds
// running), g++ 12, PCLAB_SEED=1..20, PCLAB_TIMEOUT_MS=20000:
//   unsafe:shutdown_notifies_one  plain: 20/20 runs fail (deadlock)  tsan: 20/20 (deadlock)
//   solution                      plain: 0/20 fail                   tsan: 0/20 fail
#include <gtest/gtest.h>

#include <chrono>
#include <cstddef>
#include <string>
#include <vector>

#include "lab05_support.hpp"
#include "pclab/testkit/failure_category.hpp"
#include "pclab/testkit/stress_runner.hpp"
#include "pclab/testkit/thread_registry.hpp"
#include "queue.hpp"

namespace {

using lab05::holds;
using lab05::kContractBroken;
using lab05::Outcome;
using lab05::outcome_of;
using namespace std::chrono_literals;

// A timed wait long past any check's budget: it behaves like an untimed one unless shutdown
// wakes it.
constexpr auto kLongTimeout = 1h;
// Enough threads that "wake one" cannot pass for "wake all", a few rounds of each count.
constexpr int kMaxBlocked = 6;
constexpr int kWakeRounds = 6;  // measured 0.3-0.4 s mean, 1.0 s max per test under TSan

class ShutdownWakesBlocked : public lab05::ShutdownTest {};

TEST_F(ShutdownWakesBlocked, EveryBlockedGetterWakesWithShutDown) {
    run_rounds(kWakeRounds, [&](int round) {
        const int getters = static_cast<int>(rng().between(2, kMaxBlocked));
        const bool immediate = round % 2 == 1;
        SCOPED_TRACE(std::to_string(getters) + " consumers blocked in get() on an empty queue, " +
                     (immediate ? "shutdown(true)" : "shutdown()"));
        pclab::Queue<int> queue(4);
        lab05::BlockedThreads blocked(getters);
        std::vector<Outcome> outcomes(static_cast<std::size_t>(getters), Outcome::other);
        pclab::testkit::StressRunner runner;
        runner.add("consumer", getters, [&](int c) {
            blocked.about_to_block(c);
            Outcome& outcome = outcomes[static_cast<std::size_t>(c)];
            if (c % 2 == 0) {
                const pclab::testkit::ScopedActivity inside("get()");
                outcome = outcome_of([&] { static_cast<void>(queue.get()); });
            } else {
                const pclab::testkit::ScopedActivity inside("get(1 h)");
                outcome = outcome_of([&] { static_cast<void>(queue.get(kLongTimeout)); });
            }
        });
        runner.add("shutter", [&] {
            blocked.wait_until_all_asleep();
            const pclab::testkit::ScopedActivity inside("shutdown()");
            queue.shutdown(immediate);
        });
        // If shutdown() throws, give each blocked getter an item so that the test ends (and
        // reports that exception) instead of hanging.
        runner.on_first_exception([&] {
            for (int c = 0; c < getters; ++c) {
                queue.put_nowait(c);
            }
        });
        runner.run();
        for (int c = 0; c < getters; ++c) {
            PCLAB_EXPECT_PROPERTY(lab05::ended_as(
                Outcome::shut_down, outcomes[static_cast<std::size_t>(c)],
                "consumer " + std::to_string(c) + "'s " + (c % 2 == 0 ? "get()" : "get(1 h)") +
                    ", blocked on an empty queue when it was shut down,"));
        }
    });
}

TEST_F(ShutdownWakesBlocked, EveryBlockedPutterWakesWithShutDownAndPutsNothing) {
    run_rounds(kWakeRounds, [&](int round) {
        const int putters = static_cast<int>(rng().between(2, kMaxBlocked));
        const auto maxsize = static_cast<std::size_t>(rng().between(1, 4));
        const bool immediate = round % 2 == 1;
        SCOPED_TRACE(std::to_string(putters) + " producers blocked in put() on a full queue of " +
                     std::to_string(maxsize) + ", " +
                     (immediate ? "shutdown(true)" : "shutdown()"));
        pclab::Queue<int> queue(maxsize);
        for (std::size_t i = 0; i < maxsize; ++i) {
            queue.put(static_cast<int>(i));  // the items that fill it: 0 .. maxsize-1
        }
        lab05::BlockedThreads blocked(putters);
        std::vector<Outcome> outcomes(static_cast<std::size_t>(putters), Outcome::other);
        pclab::testkit::StressRunner runner;
        runner.add("producer", putters, [&](int p) {
            blocked.about_to_block(p);
            const int item = 100 + p;  // distinct from the filling items
            Outcome& outcome = outcomes[static_cast<std::size_t>(p)];
            if (p % 2 == 0) {
                const pclab::testkit::ScopedActivity inside("put()");
                outcome = outcome_of([&] { queue.put(item); });
            } else {
                const pclab::testkit::ScopedActivity inside("put(item, 1 h)");
                outcome = outcome_of([&] { queue.put(item, kLongTimeout); });
            }
        });
        runner.add("shutter", [&] {
            blocked.wait_until_all_asleep();
            const pclab::testkit::ScopedActivity inside("shutdown()");
            queue.shutdown(immediate);
        });
        // If shutdown() throws, make room for each blocked putter so that the test ends.
        runner.on_first_exception([&] {
            for (int p = 0; p < putters; ++p) {
                static_cast<void>(queue.get(kLongTimeout));
            }
        });
        runner.run();
        for (int p = 0; p < putters; ++p) {
            PCLAB_EXPECT_PROPERTY(
                lab05::ended_as(Outcome::shut_down, outcomes[static_cast<std::size_t>(p)],
                                "producer " + std::to_string(p) + "'s " +
                                    (p % 2 == 0 ? "put()" : "put(item, 1 h)") +
                                    ", blocked on a full queue when it was shut down,"));
        }
        // A woken put enqueues nothing: the queue holds exactly the filling items (soft) or
        // nothing (immediate), and the count matches.
        const std::size_t expected = immediate ? 0 : maxsize;
        PCLAB_EXPECT_PROPERTY(holds(
            queue.qsize() == expected && queue.unfinished_tasks() == expected, kContractBroken))
            << "after the shutdown qsize() is " << queue.qsize() << " and unfinished_tasks() "
            << queue.unfinished_tasks() << ", expected " << expected
            << " each: a put woken by shutdown throws ShutDown and its item is not enqueued";
        for (std::size_t i = 0; i < expected; ++i) {
            int got = -1;
            if (outcome_of([&] { got = queue.get_nowait(); }) != Outcome::returned) {
                break;  // a shut-down queue that will not drain is `soft-shutdown-drains`' report
            }
            PCLAB_EXPECT_PROPERTY(holds(got == static_cast<int>(i), kContractBroken))
                << "drained " << got << " where the filling item " << i
                << " was expected: a woken put must not enqueue its item";
        }
    });
}

}  // namespace
