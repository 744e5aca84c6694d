// Stress tests of the readers: snapshot() and size() called while appends are in flight.
// A snapshot is the list at one instant, so it holds, for each appender, a prefix of that
// appender's values in order; and sizes read one after another never shrink.
//
// Measured for this check (SnapshotWhileAppending.*), 2 cores, g++ 12, 20 runs per build with
// PCLAB_SEED=1001..1020:
//   unsafe:unsynchronised_vector  tsan: 20/20 runs fail (data race)
//                                 plain: 20/20 fail (9 wrong-result, 5 lost-item, 6 crash)
//   solution                      tsan: 0/20 fail                      plain: 0/20 fail
#include <gtest/gtest.h>

#include <atomic>
#include <cstdint>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "pclab/testkit/failure_category.hpp"
#include "pclab/testkit/stress_runner.hpp"
#include "pclab/testkit/stress_test.hpp"
#include "pclab/testkit/thread_registry.hpp"
#include "result_list.hpp"

namespace {

namespace category = pclab::testkit::category;

// Appender a appends a * kAppenderStride + k for k = 0, 1, ... (as in concurrent_appends_test.cpp).
constexpr std::int64_t kAppenderStride = 1'000'000;  // more than any appender's count

// A violation a reader saw: the first one is enough, and is reported after the join.
struct Violation {
    std::string_view category;
    std::string message;
};

// Checks one snapshot: each appender's values form 0, 1, ..., m-1 in order.
std::optional<Violation> check_snapshot(const std::vector<std::int64_t>& snapshot, int appenders) {
    std::vector<std::int64_t> next(static_cast<std::size_t>(appenders), 0);
    for (std::size_t i = 0; i < snapshot.size(); ++i) {
        const std::int64_t value = snapshot[i];
        const std::int64_t a = value / kAppenderStride;
        const std::int64_t k = value % kAppenderStride;
        if (value < 0 || a >= appenders) {
            return Violation{category::kWrongResult, "a snapshot holds " + std::to_string(value) +
                                                         " at index " + std::to_string(i) +
                                                         ", a value nobody appended"};
        }
        std::int64_t& expected = next[static_cast<std::size_t>(a)];
        if (k < expected) {
            return Violation{category::kDuplicateItem,
                             "a snapshot holds append " + std::to_string(k) + " of appender " +
                                 std::to_string(a) + " twice (again at index " + std::to_string(i) +
                                 ")"};
        }
        if (k > expected) {
            return Violation{category::kLostItem, "a snapshot holds append " + std::to_string(k) +
                                                      " of appender " + std::to_string(a) +
                                                      " but not its earlier append " +
                                                      std::to_string(expected)};
        }
        ++expected;
    }
    return std::nullopt;
}

class SnapshotWhileAppending : public pclab::testkit::StressTest {};

TEST_F(SnapshotWhileAppending, SnapshotsAreConsistentAndSizesNeverShrink) {
    constexpr int kRounds = 30;       // measured 0.4 s under TSan on 2 cores
    constexpr int kMaxAppenders = 6;  // with up to 2 readers: at most 8 threads
    constexpr int kMaxReaders = 2;
    constexpr std::int64_t kMaxPerAppender = 2000;  // keeps each snapshot copy cheap
    run_rounds(kRounds, [&](int) {
        const int appenders = static_cast<int>(rng().between(1, kMaxAppenders));
        const int readers = static_cast<int>(rng().between(1, kMaxReaders));
        const std::int64_t per_appender = rng().log_uniform(1, kMaxPerAppender);
        SCOPED_TRACE(std::to_string(appenders) + " appenders x " + std::to_string(per_appender) +
                     " appends, " + std::to_string(readers) + " readers");

        pclab::ResultList list;
        // Readers stop once every appender is done (or one threw). Release/acquire: what an
        // appender did is visible to the reader's final snapshot, taken after it sees 0. The
        // readers' earlier snapshots are not ordered with the appends, which is the point.
        std::atomic<int> appenders_running{appenders};
        std::atomic<bool> abandon{false};
        std::mutex violation_mutex;  // testkit side only: guards first_violation
        std::optional<Violation> first_violation;
        const auto report = [&](Violation violation) {
            const std::lock_guard<std::mutex> lock(violation_mutex);
            if (!first_violation) {
                first_violation = std::move(violation);
            }
        };

        pclab::testkit::StressRunner runner;
        runner.add("appender", appenders, [&](int a) {
            {
                const pclab::testkit::ScopedActivity inside("ResultList::append()");
                for (std::int64_t k = 0; k < per_appender; ++k) {
                    list.append(a * kAppenderStride + k);
                }
            }
            appenders_running.fetch_sub(1, std::memory_order_release);
        });
        runner.add("reader", readers, [&](int) {
            std::size_t last_size = 0;
            bool last_pass = false;
            while (!last_pass && !abandon.load(std::memory_order_relaxed)) {
                last_pass = appenders_running.load(std::memory_order_acquire) == 0;
                std::size_t size_before = 0;
                std::vector<std::int64_t> snapshot;
                std::size_t size_after = 0;
                {
                    const pclab::testkit::ScopedActivity inside("ResultList::snapshot()");
                    size_before = list.size();
                    snapshot = list.snapshot();
                    size_after = list.size();
                }
                if (size_before < last_size || snapshot.size() < size_before ||
                    size_after < snapshot.size()) {
                    report({category::kWrongResult,
                            "sizes read one after another shrank: size() " +
                                std::to_string(last_size) + ", then size() " +
                                std::to_string(size_before) + ", then a snapshot of " +
                                std::to_string(snapshot.size()) + ", then size() " +
                                std::to_string(size_after)});
                    return;
                }
                last_size = size_after;
                if (std::optional<Violation> violation = check_snapshot(snapshot, appenders)) {
                    report(std::move(*violation));
                    return;
                }
                if (last_pass &&
                    snapshot.size() != static_cast<std::size_t>(appenders * per_appender)) {
                    report({category::kLostItem, "after every append returned, a snapshot holds " +
                                                     std::to_string(snapshot.size()) +
                                                     " values instead of " +
                                                     std::to_string(appenders * per_appender)});
                    return;
                }
            }
        });
        runner.on_first_exception([&] { abandon.store(true, std::memory_order_relaxed); });
        runner.run();

        if (first_violation) {
            PCLAB_EXPECT_PROPERTY(pclab::testkit::tagged_failure(first_violation->category)
                                  << first_violation->message);
        }
    });
}

}  // namespace
