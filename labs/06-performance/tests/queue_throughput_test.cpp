// The performance check: your queue against the textbook queue (baseline/textbook_queue.hpp),
// measured in this one process, interleaved, and judged by the ratio of the two — never by an
// absolute time, which would grade the machine instead of the code.
//
// One pair: a round of each queue moving items from 1 producer to 1 consumer through maxsize 1
// with blocking put() and get() (real threads released together at a latch), in alternating
// order so that a drift of the machine's speed favours neither. The verdict is the median of the
// five pairs' ratios (your items/s ÷ the textbook's): one disturbed pair cannot move it.
//
// Load. A pair counts only when a probe just before and just after it found two free cores
// (free_cores_probe.hpp explains why a busy machine erases the very cost this lab is about). The
// test measures pairs until five counted or its time budget ran out. Each round also counts the
// sleeps of its threads per item (voluntary context switches: the wake-ups themselves). With
// fewer than three counted pairs there is no ratio; then, and when the ratio is below the bar
// on a machine that made wake-ups cheap, the sleeps decide: a queue that sleeps at least half as
// often per item as the textbook queue fails, any other passes without a ratio (printing why).
// Correct code that avoids the wake-ups cannot fail for the load, only for its own speed on an
// idle machine.
//
// Measured on the kit's 2-core machine (this test's binary run directly, PCLAB_SEED=1..N):
// - idle: the reference (solutions/06-performance) passed 20 of 20 runs, ratio 17.1-30.2x
//   (median 24.4x), sleeping 0.000 times per item against the textbook queue's 2.0 (every item:
//   one sleep on each side). Lab 03's reference handed in as lab 06's queue.hpp (it counts its
//   sleepers and notifies only when there is one, but never spins) failed 20 of 20 by its
//   ratio, 0.91-0.98x: counting sleepers alone saves nothing when every item is a hand-over.
// - busy (four processes spinning beside it on the two cores): the reference passed 10 of 10,
//   all without a ratio, sleeping 0.000-0.001 times per item against the textbook queue's 2.0;
//   lab 03's reference failed 15 of 15 (the last 5, whose messages were kept: by their sleeps,
//   1.54-1.91 per item, at least 0.77 of the textbook queue's).

// Optimisation: this file is compiled with -O2 whatever the build type (OPTIMISED in the lab's
// CMakeLists.txt): a debug build's unoptimised code would be what is measured, not the design. Its
// queue instantiations are its own (lab06::Item has internal linkage), so no unoptimised copy from
// another test file can stand in for them.
#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <exception>
#include <iomanip>
#include <sstream>
#include <string>
#include <vector>

#include "../baseline/textbook_queue.hpp"
#include "free_cores_probe.hpp"
#include "pclab/perturbed_sync.hpp"
#include "pclab/testkit/kernel_thread.hpp"
#include "pclab/testkit/watchdog.hpp"
#include "queue.hpp"
#include "throughput_round.hpp"

namespace {

using namespace std::chrono_literals;
using Clock = std::chrono::steady_clock;

// The check's bar: the median ratio must reach this. 3: well below what a short spin before
// sleeping gives on a machine with a free core (the reference: 23-29x), and far above anything
// the textbook design reaches (its ratio to itself is 1 ± noise; lab 03's reference, which only
// counts its sleepers: about 1x).
constexpr double kRequiredRatio = 3.0;
// Maxsize 1: every item is a hand-over, so the wake-up is the whole cost. At maxsize 16 the
// textbook queue hardly sleeps on this machine (1.3-1.4 million items/s, glibc's notify_one
// with no waiter is cheap), and the reference measured 2.8-3.0x there: no margin for a verdict.
constexpr std::size_t kCapacity = 1;
constexpr int kPairsWanted = 5;
constexpr int kPairsForAVerdict = 3;
// A queue that sleeps less than this share of the textbook queue's sleeps per item has avoided
// the wake-ups this lab is about, whatever the ratio says (see the verdict below).
constexpr double kFewerSleeps = 0.5;
// And a textbook queue that slept less than this per item paid no wake-ups to save.
constexpr double kFewestTextbookSleeps = 0.01;
// A probe must find both of its threads running at least this share of the time.
constexpr double kFreeCoreShare = 0.8;
// Each round moves as many items as its queue moves in about this long (sized by a warm-up).
constexpr auto kRoundLength = 150ms;
constexpr std::int64_t kFewestItems = 2000;
constexpr std::int64_t kMostItems = 4'000'000;
// How long the test keeps trying to find free cores: at most this, and at most 40% of the
// check's budget (the watchdog fires at 80% of it).
constexpr auto kLongestSearch = 20s;

std::string format(double value, int precision = 2) {
    std::ostringstream out;
    out << std::fixed << std::setprecision(precision) << value;
    return out.str();
}

std::string thousands_per_second(double items_per_second) {
    return format(items_per_second / 1000.0, 0) + " thousand items/s";
}

double median(std::vector<double> values) {
    if (values.empty()) {
        return 0;
    }
    std::sort(values.begin(), values.end());
    return values[values.size() / 2];
}

// Items for a round of about kRoundLength at `items_per_second`.
std::int64_t items_for(double items_per_second) {
    const auto items = static_cast<std::int64_t>(
        items_per_second * std::chrono::duration<double>(kRoundLength).count());
    return std::clamp(items, kFewestItems, kMostItems);
}

class QueueThroughput : public ::testing::Test {
  protected:
    // The measurement is of the designs, not of the kit's schedule perturbation (which the
    // correctness checks need and which would add random spins to both queues' every lock).
    void SetUp() override { pclab::perturbation::configure(pclab::perturbation::Settings::none()); }
    void TearDown() override { pclab::perturbation::configure(pclab::perturbation::Settings{}); }

    // One round of the queue type Q; a round that lost or reordered items fails the test.
    template <class Q>
    lab06::RoundResult round(const char* which, std::int64_t items) {
        Q queue(kCapacity);
        lab06::RoundResult result = lab06::run_round(queue, 1, 1, items);
        if (result.error) {
            std::rethrow_exception(result.error);
        }
        EXPECT_TRUE(result.delivered_in_order)
            << "[pclab:wrong-result] " << which << " queue: of " << items
            << " items put by one producer, the consumer did not get each exactly once, in order";
        return result;
    }
};

TEST_F(QueueThroughput, AtLeastThreeTimesTheTextbookQueueAtMaxsize1) {
#if defined(__SANITIZE_THREAD__)
    // The check runs in the plain build only (lab.json); ThreadSanitizer's instrumentation
    // slows atomics and locks by different factors, so a ratio measured under it means nothing.
    GTEST_SKIP() << "throughput is measured in the plain build only";
#endif
    const std::size_t threads_before = pclab::testkit::running_thread_count();
    {
        // Your queue works at all (on this thread, so a NotImplemented is reported as such).
        pclab::Queue<lab06::Item> queue(kCapacity);
        queue.put(lab06::Item{0, 0});
        ASSERT_EQ(queue.get().sequence, 0);
    }

    using Textbook = pclab::baseline::TextbookQueue<lab06::Item>;
    using Yours = pclab::Queue<lab06::Item>;
    // Warm-up rounds: code and caches hot, and each queue's round sized to about kRoundLength.
    const std::int64_t textbook_items =
        items_for(round<Textbook>("the textbook", kFewestItems).items_per_second);
    const std::int64_t your_items = items_for(round<Yours>("your", kFewestItems).items_per_second);
    ASSERT_FALSE(HasFailure());

    const auto budget = pclab::testkit::Watchdog::budget_from_environment();
    const Clock::duration search =
        budget ? std::min<Clock::duration>(kLongestSearch, *budget * 2 / 5) : kLongestSearch;
    const Clock::time_point give_up = Clock::now() + search;

    std::vector<double> ratios, textbook_rates, your_rates, busy_shares, busy_ratios;
    std::vector<double> textbook_sleeps, your_sleeps, busy_textbook_sleeps, busy_your_sleeps;
    int pairs_tried = 0;
    while (static_cast<int>(ratios.size()) < kPairsWanted && Clock::now() < give_up) {
        const double before = lab06::free_core_share();
        lab06::RoundResult textbook, yours;
        if (pairs_tried % 2 == 0) {
            textbook = round<Textbook>("the textbook", textbook_items);
            yours = round<Yours>("your", your_items);
        } else {
            yours = round<Yours>("your", your_items);
            textbook = round<Textbook>("the textbook", textbook_items);
        }
        const double after = lab06::free_core_share();
        ++pairs_tried;
        ASSERT_FALSE(HasFailure());
        if (std::min(before, after) < kFreeCoreShare) {
            busy_shares.push_back(std::min(before, after));
            busy_ratios.push_back(yours.items_per_second / textbook.items_per_second);
            busy_textbook_sleeps.push_back(textbook.sleeps_per_item);
            busy_your_sleeps.push_back(yours.sleeps_per_item);
            continue;
        }
        ratios.push_back(yours.items_per_second / textbook.items_per_second);
        textbook_rates.push_back(textbook.items_per_second);
        your_rates.push_back(yours.items_per_second);
        textbook_sleeps.push_back(textbook.sleeps_per_item);
        your_sleeps.push_back(yours.sleeps_per_item);
    }

    // A queue must not keep threads of its own running: they could also load the machine on
    // purpose, so that no pair would count.
    EXPECT_EQ(pclab::testkit::running_thread_count(), threads_before)
        << "your queue left threads running after every put and get had returned";

    if (static_cast<int>(ratios.size()) < kPairsForAVerdict) {
        // No ratio to judge by; the sleeps still tell the textbook design from one that avoids
        // the wake-ups (measured under load: see the top of this file).
        const double their_busy_sleeps = median(busy_textbook_sleeps);
        const double my_busy_sleeps = median(busy_your_sleeps);
        if (their_busy_sleeps >= kFewestTextbookSleeps &&
            my_busy_sleeps >= kFewerSleeps * their_busy_sleeps) {
            ADD_FAILURE() << "The machine was too busy to measure a ratio (in " << pairs_tried
                          << " pairs the probe never found two free cores), but your queue's "
                          << "threads went to sleep " << format(my_busy_sleeps, 3)
                          << " times per item against the textbook queue's "
                          << format(their_busy_sleeps, 3) << ": it pays the wake-ups this lab "
                          << "is about as often as the textbook design does. The lab 06 handout "
                          << "says where they come from and what to try (spin briefly before "
                          << "sleeping: the item usually arrives within microseconds).";
            return;
        }
        std::printf(
            "[perf] no verdict: in %d pairs over %.0f s the machine had two free cores around "
            "only %zu (a busy pair's probe found a core share of %s; %s needed), so the ratio "
            "(%sx on the busy pairs) would measure the machine's load, not your queue; your "
            "queue slept %s times per item against the textbook queue's %s. The check passes "
            "without a ratio; grade again on an idle machine to see it.\n",
            pairs_tried, std::chrono::duration<double>(search).count(), ratios.size(),
            format(busy_shares.empty() ? 1.0 : median(busy_shares)).c_str(),
            format(kFreeCoreShare).c_str(),
            format(busy_ratios.empty() ? 0.0 : median(busy_ratios)).c_str(),
            format(my_busy_sleeps, 3).c_str(), format(their_busy_sleeps, 3).c_str());
        RecordProperty("pclab_perf_verdict", "none: the machine had no two free cores");
        return;
    }

    std::string each;
    for (const double ratio : ratios) {
        each += (each.empty() ? "" : ", ") + format(ratio) + "x";
    }
    const double ratio = median(ratios);
    const double their_sleeps = median(textbook_sleeps);
    const double my_sleeps = median(your_sleeps);
    std::printf(
        "[perf] maxsize %zu, 1 producer, 1 consumer: textbook %s, yours %s, ratio %sx "
        "(pairs: %s; %d tried); sleeps per item: textbook %s, yours %s\n",
        kCapacity, thousands_per_second(median(textbook_rates)).c_str(),
        thousands_per_second(median(your_rates)).c_str(), format(ratio).c_str(), each.c_str(),
        pairs_tried, format(their_sleeps, 3).c_str(), format(my_sleeps, 3).c_str());
    RecordProperty("pclab_perf_ratio", format(ratio));
    // Free cores are necessary for the wake-up cost, not sufficient: a machine whose cores are
    // kept from idling (work that comes and goes between the probes) wakes threads cheaply, and
    // then the textbook queue is fast too. The ratio cannot show a saved wake-up that cost
    // nothing; the sleeps can. A queue below the bar that still sleeps less than half as often
    // per item as the textbook queue has avoided the wake-ups (and with a textbook queue that
    // hardly slept there were none to avoid): no verdict against it.
    if (ratio < kRequiredRatio &&
        (my_sleeps < kFewerSleeps * their_sleeps || their_sleeps < kFewestTextbookSleeps)) {
        std::printf(
            "[perf] no verdict: the ratio is below %sx, but your queue slept %s times per "
            "item against the textbook queue's %s: it avoids the wake-ups, and this "
            "machine made them cheap. Grade again on an idle machine to see your ratio.\n",
            format(kRequiredRatio, 0).c_str(), format(my_sleeps, 3).c_str(),
            format(their_sleeps, 3).c_str());
        RecordProperty("pclab_perf_verdict", "none: wake-ups were cheap on this machine");
        return;
    }
    EXPECT_GE(ratio, kRequiredRatio)
        << "With 1 producer, 1 consumer and maxsize " << kCapacity << ", your queue moved "
        << thousands_per_second(median(your_rates)) << " against the textbook queue's "
        << thousands_per_second(median(textbook_rates)) << " in the same run: " << format(ratio)
        << "x (median of " << ratios.size() << " interleaved pairs: " << each << "). The check "
        << "needs " << format(kRequiredRatio, 0) << "x. Where the textbook queue's time goes, and "
        << "what to try: the lab 06 handout (spin briefly before sleeping: the item usually "
        << "arrives within microseconds).";
}

}  // namespace
