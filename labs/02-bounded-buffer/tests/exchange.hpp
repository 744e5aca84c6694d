// The stress harness the lab 02 tests share: producers put tagged items through one
// BoundedBuffer, consumers get them, and every thread records what it saw in its own slot, so
// the recording adds no synchronisation between the threads under test (and hides no data race
// from ThreadSanitizer). The test files check one property each on what was recorded.
#pragma once

#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "bounded_buffer.hpp"
#include "pclab/perturbed_sync.hpp"
#include "pclab/testkit/exactly_once_ledger.hpp"
#include "pclab/testkit/stress_runner.hpp"
#include "pclab/testkit/stress_test.hpp"
#include "pclab/testkit/thread_registry.hpp"

namespace lab02 {

using Item = pclab::testkit::TaggedItem;  // sequence `sequence` of producer `producer`
using Buffer = pclab::BoundedBuffer<Item>;

// The shape of one run: who takes part, how big the buffer is, how much goes through it.
struct Shape {
    int producers = 1;
    int consumers = 1;
    std::size_t capacity = 1;
    std::int64_t per_producer = 1;  // producer p puts {p, 0}, {p, 1}, ..., {p, per_producer-1}

    std::string describe() const {
        return std::to_string(producers) + " producers x " + std::to_string(per_producer) +
               " items, " + std::to_string(consumers) + " consumers, capacity " +
               std::to_string(capacity);
    }
};

// An order violation one consumer saw: it got `later` of a producer, then `earlier`.
struct OrderViolation {
    int consumer;
    Item later;
    Item earlier;
};

// What one run recorded.
struct Observations {
    explicit Observations(const Shape& shape) : ledger(shape.producers, shape.consumers) {}

    pclab::testkit::ExactlyOnceLedger ledger;
    // The largest value of (puts returned - gets started) any producer saw right after its put
    // returned. Puts returned are in the buffer or already taken; gets started have taken at
    // most one item each; so for a correct buffer this never exceeds the capacity.
    std::int64_t highest_occupancy_bound = 0;
    std::optional<OrderViolation> first_order_violation;
};

// Runs `shape` through `buffer`; returns what every thread recorded, after all were joined.
//
// Each consumer gets a fixed share of the items (together exactly the number put), so with a
// correct buffer every thread finishes without any shutdown protocol: a get() always has an
// item coming.
inline Observations exchange(Buffer& buffer, const Shape& shape) {
    // One put and one get on a private buffer first, on this thread: a member that still throws
    // pclab::NotImplemented fails the test here at once, instead of leaving the other side
    // blocked for good once the workers start.
    {
        Buffer probe(1);
        probe.put(Item{});
        static_cast<void>(probe.get());
    }
    Observations seen(shape);
    const std::int64_t total = shape.producers * shape.per_producer;

    // The occupancy bound. Relaxed: it orders nothing between the threads under test (so it
    // cannot hide a race), and it needs no ordering to be sound: a get() that made room for a put
    // happens-before that put returned, so by coherence its decrement precedes the put's
    // increment in this atomic's modification order.
    std::atomic<std::int64_t> puts_returned_minus_gets_started{0};

    // Per-thread records, each on its own cache line; merged after the join.
    struct alignas(64) ProducerRecord {
        std::int64_t highest_bound = 0;
    };
    struct alignas(64) ConsumerRecord {
        std::optional<OrderViolation> order_violation;
    };
    std::vector<ProducerRecord> producer_records(static_cast<std::size_t>(shape.producers));
    std::vector<ConsumerRecord> consumer_records(static_cast<std::size_t>(shape.consumers));

    pclab::testkit::StressRunner runner;
    runner.add("producer", shape.producers, [&](int p) {
        ProducerRecord& record = producer_records[static_cast<std::size_t>(p)];
        for (std::int64_t k = 0; k < shape.per_producer; ++k) {
            {
                const pclab::testkit::ScopedActivity inside("BoundedBuffer::put()");
                buffer.put(Item{p, k});
            }
            seen.ledger.record_put(p, k);
            const std::int64_t bound =
                puts_returned_minus_gets_started.fetch_add(1, std::memory_order_relaxed) + 1;
            record.highest_bound = std::max(record.highest_bound, bound);
        }
    });
    runner.add("consumer", shape.consumers, [&](int c) {
        ConsumerRecord& record = consumer_records[static_cast<std::size_t>(c)];
        const std::int64_t share = total / shape.consumers + (c < total % shape.consumers ? 1 : 0);
        // The last sequence number this consumer got from each producer (-1: none yet).
        std::vector<std::int64_t> last_sequence(static_cast<std::size_t>(shape.producers), -1);
        std::vector<Item> last_item(static_cast<std::size_t>(shape.producers));
        for (std::int64_t i = 0; i < share; ++i) {
            puts_returned_minus_gets_started.fetch_sub(1, std::memory_order_relaxed);
            Item item;
            {
                const pclab::testkit::ScopedActivity inside("BoundedBuffer::get()");
                item = buffer.get();
            }
            seen.ledger.record_got(c, item);
            if (item.producer < 0 || item.producer >= shape.producers || item.sequence < 0 ||
                item.sequence >= shape.per_producer) {
                continue;  // invented: the ledger reports it
            }
            const auto p = static_cast<std::size_t>(item.producer);
            if (item.sequence < last_sequence[p] && !record.order_violation) {
                record.order_violation = OrderViolation{c, last_item[p], item};
            }
            if (item.sequence > last_sequence[p]) {
                last_sequence[p] = item.sequence;
                last_item[p] = item;
            }
        }
    });
    runner.run();

    // Here: every worker has been joined, so every record is visible and final.
    for (const ProducerRecord& record : producer_records) {
        seen.highest_occupancy_bound = std::max(seen.highest_occupancy_bound, record.highest_bound);
    }
    for (const ConsumerRecord& record : consumer_records) {
        if (record.order_violation && !seen.first_order_violation) {
            seen.first_order_violation = record.order_violation;
        }
    }
    return seen;
}

// The fixture of the lab 02 stress tests: StressTest's seed and rounds, plus the schedule
// perturbation of pclab/perturbed_sync.hpp seeded from the same test seed.
class ExchangeTest : public pclab::testkit::StressTest {
  protected:
    void SetUp() override {
        StressTest::SetUp();
        pclab::perturbation::seed(seed());
    }

    // A random shape within the handout's ranges.
    Shape draw_shape() {
        constexpr int kMaxThreadsPerSide = 8;          // the handout's range; 4x the cores
        constexpr std::int64_t kMaxCapacity = 64;      // the handout's range
        constexpr std::int64_t kMaxPerProducer = 500;  // up to 4000 items through one buffer
        Shape shape;
        shape.producers = static_cast<int>(rng().between(1, kMaxThreadsPerSide));
        shape.consumers = static_cast<int>(rng().between(1, kMaxThreadsPerSide));
        // Log-uniform: capacity 1 and 2, where every put and get contends, come up often.
        shape.capacity = static_cast<std::size_t>(rng().log_uniform(1, kMaxCapacity));
        shape.per_producer = rng().log_uniform(1, kMaxPerProducer);
        return shape;
    }

    // The most contended shape: capacity 1, several threads on both sides, so nearly every
    // put and get waits and every wake-up is contested.
    Shape draw_contended_shape() {
        constexpr int kMinThreadsPerSide = 2;  // two of a kind are needed to steal a wake-up
        constexpr int kMaxThreadsPerSide = 8;
        constexpr std::int64_t kMaxPerProducer = 200;  // every item is a hand-over: keep it short
        Shape shape;
        shape.producers = static_cast<int>(rng().between(kMinThreadsPerSide, kMaxThreadsPerSide));
        shape.consumers = static_cast<int>(rng().between(kMinThreadsPerSide, kMaxThreadsPerSide));
        shape.capacity = 1;
        shape.per_producer = rng().log_uniform(1, kMaxPerProducer);
        return shape;
    }
};

}  // namespace lab02
