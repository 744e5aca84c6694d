#include "pclab/testkit/exactly_once_ledger.hpp"

#include <gtest/gtest.h>

#include <condition_variable>
#include <deque>
#include <mutex>
#include <optional>
#include <string>

#include "pclab/testkit/failure_category.hpp"
#include "pclab/testkit/stress_runner.hpp"

namespace pclab::testkit {
namespace {

// The message of a failed verify(), or "" if it passed.
std::string verdict(const ExactlyOnceLedger& ledger, ExactlyOnceLedger::Options options = {}) {
    const ::testing::AssertionResult result = ledger.verify(options);
    return result ? std::string() : std::string(result.message());
}

bool starts_with(const std::string& text, const std::string& prefix) {
    return text.rfind(prefix, 0) == 0;
}

TEST(ExactlyOnceLedger, PassesWhenEveryItemIsGotOnce) {
    ExactlyOnceLedger ledger(2, 2);
    for (int p = 0; p < 2; ++p) {
        for (std::int64_t s = 0; s < 3; ++s) {
            ledger.record_put(p, s);
        }
    }
    ledger.record_got(0, {0, 0});
    ledger.record_got(1, {0, 1});
    ledger.record_got(0, {1, 0});
    ledger.record_got(0, {0, 2});
    ledger.record_got(1, {1, 1});
    ledger.record_got(1, {1, 2});
    EXPECT_EQ(verdict(ledger, {.per_producer_fifo = true}), "");
    EXPECT_EQ(ledger.puts(), 6U);
    EXPECT_EQ(ledger.gots(), 6U);
}

TEST(ExactlyOnceLedger, ReportsALostItem) {
    ExactlyOnceLedger ledger(1, 1);
    for (std::int64_t s = 0; s < 3; ++s) {
        ledger.record_put(0, s);
    }
    ledger.record_got(0, {0, 0});
    ledger.record_got(0, {0, 2});
    EXPECT_TRUE(starts_with(verdict(ledger),
                            "[pclab:lost-item] item 1 of producer 0 was put but never got\n"))
        << verdict(ledger);
}

TEST(ExactlyOnceLedger, ReportsADuplicateWithBothConsumers) {
    ExactlyOnceLedger ledger(1, 4);
    ledger.record_put(0, 17);
    ledger.record_got(3, {0, 17});
    ledger.record_got(1, {0, 17});
    EXPECT_TRUE(starts_with(verdict(ledger),
                            "[pclab:duplicate-item] item 17 of producer 0 was "
                            "got twice (by consumer 1 and consumer 3)\n"))
        << verdict(ledger);
}

TEST(ExactlyOnceLedger, ReportsAnInventedItemAsWrongResult) {
    ExactlyOnceLedger ledger(2, 1);
    ledger.record_put(0, 0);
    ledger.record_got(0, {0, 0});
    ledger.record_got(0, {1, 9});
    EXPECT_TRUE(starts_with(verdict(ledger),
                            "[pclab:wrong-result] item 9 of producer 1 was got "
                            "(by consumer 0) but never put\n"))
        << verdict(ledger);
}

TEST(ExactlyOnceLedger, ChecksPerProducerFifoOnlyWhenAsked) {
    ExactlyOnceLedger ledger(2, 1);
    ledger.record_put(0, 0);
    ledger.record_put(0, 1);
    ledger.record_put(1, 0);
    ledger.record_got(0, {0, 1});
    ledger.record_got(0, {1, 0});  // interleaving producers is fine; only each one's order counts
    ledger.record_got(0, {0, 0});
    EXPECT_EQ(verdict(ledger), "");
    EXPECT_TRUE(starts_with(verdict(ledger, {.per_producer_fifo = true}),
                            "[pclab:order-violated] consumer 0 got item 1 of producer 0 before "
                            "item 0 of producer 0, but it was put later\n"))
        << verdict(ledger, {.per_producer_fifo = true});
}

TEST(ExactlyOnceLedger, ListsAFewViolationsAndCountsTheRest) {
    ExactlyOnceLedger ledger(1, 1);
    constexpr std::int64_t kLost = 20;  // well above the 3 we ask to see listed
    for (std::int64_t s = 0; s < kLost; ++s) {
        ledger.record_put(0, s);
    }
    const std::string message = verdict(ledger, {.max_listed = 3});
    EXPECT_TRUE(starts_with(message,
                            "[pclab:lost-item] item 0 of producer 0 was put but never "
                            "got (20 items lost in all)\n"))
        << message;
    EXPECT_NE(message.find("\n  item 2 of producer 0 was put but never got\n"), std::string::npos)
        << message;
    EXPECT_EQ(message.find("item 3 of producer 0"), std::string::npos) << message;
    EXPECT_NE(message.find("... and 17 more not listed"), std::string::npos) << message;
}

TEST(ExactlyOnceLedger, ReportsEveryKindEachOnItsOwnTaggedLine) {
    ExactlyOnceLedger ledger(1, 2);
    ledger.record_put(0, 0);
    ledger.record_put(0, 1);
    ledger.record_got(0, {0, 1});
    ledger.record_got(1, {0, 1});
    ledger.record_got(1, {0, 5});
    const std::string message = verdict(ledger);
    EXPECT_TRUE(starts_with(message, "[pclab:lost-item] ")) << message;
    EXPECT_NE(message.find("\n[pclab:duplicate-item] "), std::string::npos) << message;
    EXPECT_NE(message.find("\n[pclab:wrong-result] "), std::string::npos) << message;
}

// A correct queue moved through many threads must verify clean: the ledger's recording is safe to
// use from concurrent producers and consumers and raises no false alarm.
TEST(ExactlyOnceLedger, StaysCleanForACorrectConcurrentQueue) {
    constexpr int kProducers = 3;
    constexpr int kConsumers = 3;
    constexpr std::int64_t kItemsPerProducer = 2000;  // enough for real interleaving, fast in TSan
    std::mutex mutex;
    std::condition_variable ready;
    std::deque<std::optional<TaggedItem>> queue;  // nullopt: one consumer's stop sentinel
    int producers_left = kProducers;              // guarded by mutex
    ExactlyOnceLedger ledger(kProducers, kConsumers);

    StressRunner runner;
    runner.add("producer", kProducers, [&](int p) {
        for (std::int64_t s = 0; s < kItemsPerProducer; ++s) {
            {
                const std::lock_guard<std::mutex> lock(mutex);
                queue.emplace_back(TaggedItem{p, s});
            }
            ledger.record_put(p, s);
            ready.notify_one();
        }
        const std::lock_guard<std::mutex> lock(mutex);
        if (--producers_left == 0) {
            // Here: every item is queued, so sentinels queued now come after all of them.
            queue.insert(queue.end(), kConsumers, std::nullopt);
            ready.notify_all();
        }
    });
    runner.add("consumer", kConsumers, [&](int c) {
        for (;;) {
            std::unique_lock<std::mutex> lock(mutex);
            ready.wait(lock, [&] { return !queue.empty(); });
            const std::optional<TaggedItem> item = queue.front();
            queue.pop_front();
            lock.unlock();
            if (!item) {
                return;
            }
            ledger.record_got(c, *item);
        }
    });
    runner.run();
    PCLAB_EXPECT_PROPERTY(ledger.verify({.per_producer_fifo = true}));
    EXPECT_EQ(ledger.gots(), static_cast<std::size_t>(kProducers * kItemsPerProducer));
}

}  // namespace
}  // namespace pclab::testkit
