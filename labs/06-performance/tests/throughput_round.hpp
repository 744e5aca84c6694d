// One throughput round: producers and consumers move a known number of items through a queue
// with blocking put() and get(), all released at once; the round reports items per second and
// whether every item arrived exactly once, in each producer's order. Shared by the performance
// test and the demo, so the handout's numbers and the grade come from the same measurement.
#pragma once

#include <sys/resource.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdint>
#include <exception>
#include <latch>
#include <thread>
#include <vector>

namespace lab06 {

// Internal linkage on purpose (an unnamed namespace in a header): Queue<Item> is then a type of
// its own in each program that includes this, so the performance test's optimised code for it
// can never be swapped at link time for an unoptimised copy from another test file.
namespace {

// One item: who put it and its number in that producer's sequence.
struct Item {
    std::int32_t producer = 0;
    std::int64_t sequence = 0;
};

}  // namespace

// How often the calling thread has gone to sleep in the kernel so far (voluntary context
// switches: a futex wait on a condition variable or a contended mutex, a sleep).
inline long sleeps_so_far() {
    rusage usage{};
    ::getrusage(RUSAGE_THREAD, &usage);
    return usage.ru_nvcsw;
}

// What one round measured.
struct RoundResult {
    double items_per_second = 0;
    // Times the round's threads went to sleep, per item moved: the wake-ups the queue paid for.
    double sleeps_per_item = 0;
    std::chrono::nanoseconds wall{0};
    // Every item came out exactly once, each producer's in its order. False also when a worker
    // threw (the exception is in `error`).
    bool delivered_in_order = true;
    std::exception_ptr error;
};

// Moves `items_per_producer` items from each of `producers` threads to `consumers` threads
// through `queue` (put() and get() only; the queue must be empty and have room for the
// traffic's shape: any maxsize works). Every consumer takes the same share of the items, so
// producers * items_per_producer must be a multiple of consumers. Wall time runs from the
// moment all threads are released together to the moment the last one is done.
// Requires: a worker that throws must not leave the others blocked for ever (a queue that throws
// from get() but not from put() would: the grader's watchdog then reports the deadlock).
template <class Queue>
RoundResult run_round(Queue& queue, int producers, int consumers, std::int64_t items_per_producer) {
    using Clock = std::chrono::steady_clock;
    const std::int64_t total = producers * items_per_producer;
    const std::int64_t per_consumer = total / consumers;

    std::latch start(producers + consumers + 1);
    std::atomic<std::int64_t> received{0};
    std::atomic<long> sleeps{0};
    std::atomic<bool> in_order{true};
    std::vector<std::exception_ptr> errors(static_cast<std::size_t>(producers + consumers));
    std::vector<std::thread> threads;
    threads.reserve(errors.size());
    for (int p = 0; p < producers; ++p) {
        threads.emplace_back([&, p] {
            start.arrive_and_wait();
            const long sleeps_before = sleeps_so_far();
            try {
                for (std::int64_t s = 0; s < items_per_producer; ++s) {
                    queue.put(Item{p, s});
                }
            } catch (...) {
                errors[static_cast<std::size_t>(p)] = std::current_exception();
            }
            sleeps.fetch_add(sleeps_so_far() - sleeps_before);
        });
    }
    for (int c = 0; c < consumers; ++c) {
        threads.emplace_back([&, c] {
            std::vector<std::int64_t> next(static_cast<std::size_t>(producers), 0);
            start.arrive_and_wait();
            const long sleeps_before = sleeps_so_far();
            bool ordered = true;
            std::int64_t got = 0;
            try {
                for (; got < per_consumer; ++got) {
                    const Item item = queue.get();
                    // Each producer's items reach this consumer in increasing order; across
                    // consumers they interleave, so only "increasing", not "consecutive".
                    if (item.producer < 0 || item.producer >= producers ||
                        item.sequence < next[static_cast<std::size_t>(item.producer)]) {
                        ordered = false;
                    } else {
                        next[static_cast<std::size_t>(item.producer)] = item.sequence + 1;
                    }
                }
            } catch (...) {
                errors[static_cast<std::size_t>(producers + c)] = std::current_exception();
            }
            sleeps.fetch_add(sleeps_so_far() - sleeps_before);
            received.fetch_add(got);
            if (!ordered) {
                in_order.store(false);
            }
        });
    }
    const Clock::time_point started = Clock::now();
    start.arrive_and_wait();
    for (std::thread& thread : threads) {
        thread.join();
    }
    RoundResult result;
    result.wall = std::max(Clock::now() - started, Clock::duration(1));
    result.items_per_second =
        static_cast<double>(total) / std::chrono::duration<double>(result.wall).count();
    result.sleeps_per_item =
        static_cast<double>(sleeps.load()) / static_cast<double>(std::max<std::int64_t>(total, 1));
    for (const std::exception_ptr& error : errors) {
        if (error && !result.error) {
            result.error = error;
        }
    }
    result.delivered_in_order = !result.error && in_order.load() && received.load() == total;
    return result;
}

}  // namespace lab06
