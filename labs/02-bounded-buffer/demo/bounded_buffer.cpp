// The lab 02 demo: producers and consumers through one BoundedBuffer, then an account of what
// came out. OSTEP-style flags; see README.md.
//
//   ./pclab run 02 -- -p 2 -c 2 -m 4 -n 10000          your buffer, 2+2 threads, capacity 4
//   ./pclab run 02 -- -p 1 -c 1 -m 1 -n 10 -v          trace every put and get
//   ./pclab run 02 --impl unsafe:no_synchronisation -- -p 2 -c 2 -m 4 -n 10000 -v
//
// Producer p puts the items p:0, p:1, ..., p:(n-1); the consumers share out the p*n gets. The
// report counts items lost (put, never got), duplicated (got more than once) and invented (got,
// never put), and the most items the buffer was seen to hold.
//
// Exit status: 0 if every item came out exactly once, 1 if not, 2 if the buffer threw (say,
// not implemented yet), 3 if the run hung (threads still waiting after --timeout seconds).
#include <CLI/CLI.hpp>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <cstdlib>
#include <exception>
#include <iostream>
#include <map>
#include <mutex>
#include <random>
#include <sstream>
#include <string>
#include <vector>

#include "bounded_buffer.hpp"

namespace {

struct Flags {
    int producers = 2;
    int consumers = 2;
    std::size_t capacity = 4;   // small: the buffer is often full and often empty
    std::int64_t items = 1000;  // per producer
    std::uint64_t seed = 0;
    unsigned busy_work = 100;      // up to ~0.5 µs of "work" between operations: varies timing
    double timeout_seconds = 10;   // far longer than any correct run of sensible size
    std::size_t trace_lines = 20;  // events -v prints first (then as many problems)
    bool verbose = false;
};

// One item: which producer made it and its position in that producer's output.
struct Item {
    int producer = 0;
    std::int64_t sequence = 0;
};

std::string name(const Item& item) {
    return std::to_string(item.producer) + ":" + std::to_string(item.sequence);
}

// One put or get, stamped when the put returned or when the get started (see print_trace);
// recorded by the thread that made it, in its own log, so tracing adds no synchronisation
// between the threads (which would hide bugs).
struct Event {
    std::chrono::steady_clock::time_point when;
    bool is_put;
    int thread;
    Item item;
};

void busy_work(std::mt19937_64& rng, unsigned max_units) {
    if (max_units == 0) {
        return;
    }
    std::uint64_t state = rng() % (max_units + 1ULL);
    for (std::uint64_t i = state; i > 0; --i) {
        state = state * 6364136223846793005ULL + 1442695040888963407ULL;  // an LCG step (Knuth)
    }
    [[maybe_unused]] volatile std::uint64_t sink = state;
}

constexpr std::size_t kMaxListed = 10;  // items listed per kind before "... and N more"

std::string list_items(const std::vector<std::string>& items) {
    std::ostringstream out;
    for (std::size_t i = 0; i < items.size() && i < kMaxListed; ++i) {
        out << (i == 0 ? "" : ", ") << items[i];
    }
    if (items.size() > kMaxListed) {
        out << ", ... and " << items.size() - kMaxListed << " more";
    }
    return out.str();
}

// Prints the merged trace: puts in the order they returned and gets in the order they started,
// with "in buffer" after each: puts returned minus gets started. Every put that returned has
// put its item, and every get that started takes at most one, so for a correct buffer this
// never exceeds the capacity (it may dip below 0 while consumers wait). The first
// `trace_lines` events are printed, then only events where something went wrong (an item got
// again, more in the buffer than its capacity), up to `trace_lines` more.
void print_trace(const Flags& flags, std::vector<Event> events) {
    std::stable_sort(events.begin(), events.end(),
                     [](const Event& a, const Event& b) { return a.when < b.when; });
    std::map<std::pair<int, std::int64_t>, int> times_got;
    std::int64_t occupancy = 0;
    std::int64_t highest = 0;
    std::size_t printed = 0;
    std::size_t skipped = 0;
    std::cout << "trace ('in buffer' = puts returned - gets started so far):\n";
    for (const Event& event : events) {
        occupancy += event.is_put ? 1 : -1;
        highest = std::max(highest, occupancy);
        std::string problem;
        if (!event.is_put && ++times_got[{event.item.producer, event.item.sequence}] > 1) {
            problem = "  got again!";
        }
        if (occupancy > static_cast<std::int64_t>(flags.capacity)) {
            problem += "  more than capacity!";
        }
        const bool show =
            printed < flags.trace_lines || (!problem.empty() && printed < 2 * flags.trace_lines);
        if (!show) {
            ++skipped;
            continue;
        }
        if (skipped > 0) {
            std::cout << "  ... " << skipped << " events\n";
            skipped = 0;
        }
        constexpr std::int64_t kLongestBar = 40;  // one '#' per item, up to this many
        constexpr std::size_t kCallColumn = 24;   // where "in buffer" starts
        std::ostringstream call;
        call << (event.is_put ? "producer " : "consumer ") << event.thread
             << (event.is_put ? " put " : " got ") << name(event.item);
        const std::string text = call.str();
        std::cout << "  " << text
                  << std::string(kCallColumn - std::min(text.size(), kCallColumn - 1), ' ')
                  << "in buffer " << occupancy << " "
                  << std::string(static_cast<std::size_t>(
                                     std::clamp(occupancy, std::int64_t{0}, kLongestBar)),
                                 '#')
                  << problem << "\n";
        ++printed;
    }
    if (skipped > 0) {
        std::cout << "  ... " << skipped << " events\n";
    }
    std::cout << "  most in buffer at once (by the trace): " << highest << " (capacity "
              << flags.capacity << ")\n";
}

}  // namespace

int main(int argc, char** argv) {
    Flags flags;
    CLI::App app{
        "Lab 02 demo: producers and consumers through one BoundedBuffer; reports items lost, "
        "duplicated and invented."};
    app.add_option("-p,--producers", flags.producers, "number of producer threads")
        ->check(CLI::Range(1, 64));
    app.add_option("-c,--consumers", flags.consumers, "number of consumer threads")
        ->check(CLI::Range(1, 64));
    app.add_option("-m,--capacity", flags.capacity, "capacity of the buffer")
        ->check(CLI::Range(std::size_t{1}, std::size_t{1'000'000}));
    app.add_option("-n,--items", flags.items, "items each producer puts")
        ->check(CLI::Range(std::int64_t{0}, std::int64_t{10'000'000}));
    app.add_option("-s,--seed", flags.seed, "seed of the threads' random busy work");
    app.add_option("-w,--work", flags.busy_work,
                   "max units of busy work between operations (0: none)");
    app.add_option("--timeout", flags.timeout_seconds, "seconds before the run counts as hung")
        ->check(CLI::PositiveNumber);
    app.add_option("--trace-lines", flags.trace_lines,
                   "events -v prints first, and how many problem events after them");
    app.add_flag("-v,--verbose", flags.verbose, "trace the puts and gets and the buffer's fill");
    CLI11_PARSE(app, argc, argv);

    std::unique_ptr<pclab::BoundedBuffer<Item>> buffer;
    try {
        buffer = std::make_unique<pclab::BoundedBuffer<Item>>(flags.capacity);
    } catch (const std::exception& error) {
        std::cout << "the buffer threw: " << error.what() << "\n";
        return 2;
    }

    const std::int64_t total = flags.producers * flags.items;
    const auto thread_count = static_cast<std::size_t>(flags.producers + flags.consumers);
    std::vector<std::vector<Event>> logs(thread_count);  // one per thread
    std::vector<std::exception_ptr> failures(thread_count);
    // Calls each thread has completed, for the report if the run hangs. Relaxed: a progress
    // meter, read only to print it; it orders nothing between the threads under test.
    std::vector<std::atomic<std::int64_t>> calls_done(thread_count);
    std::vector<std::int64_t> calls_due(thread_count);

    // Demo side: the main thread waits for the workers with a deadline, so a run that hangs is
    // reported instead of waiting forever.
    std::mutex done_mutex;
    std::condition_variable all_done;
    std::size_t finished = 0;  // guarded by done_mutex
    const auto finish = [&] {
        const std::lock_guard<std::mutex> lock(done_mutex);
        ++finished;
        all_done.notify_one();
    };

    for (std::size_t slot = 0; slot < thread_count; ++slot) {
        const auto c = static_cast<std::int64_t>(slot) - flags.producers;
        calls_due[slot] =
            c < 0 ? flags.items : total / flags.consumers + (c < total % flags.consumers);
    }
    std::vector<pclab::thread> threads;
    for (int p = 0; p < flags.producers; ++p) {
        threads.emplace_back([&, p] {
            const auto slot = static_cast<std::size_t>(p);
            std::mt19937_64 rng(flags.seed * 1000 + slot);
            try {
                for (std::int64_t k = 0; k < flags.items; ++k) {
                    busy_work(rng, flags.busy_work);
                    buffer->put(Item{p, k});
                    logs[slot].push_back({std::chrono::steady_clock::now(), true, p, Item{p, k}});
                    calls_done[slot].store(k + 1, std::memory_order_relaxed);
                }
            } catch (...) {
                failures[slot] = std::current_exception();
            }
            finish();
        });
    }
    for (int c = 0; c < flags.consumers; ++c) {
        threads.emplace_back([&, c] {
            const auto slot = static_cast<std::size_t>(flags.producers + c);
            std::mt19937_64 rng(flags.seed * 1000 + slot);
            const std::int64_t share = calls_due[slot];
            try {
                for (std::int64_t i = 0; i < share; ++i) {
                    busy_work(rng, flags.busy_work);
                    const auto started = std::chrono::steady_clock::now();
                    const Item item = buffer->get();
                    logs[slot].push_back({started, false, c, item});
                    calls_done[slot].store(i + 1, std::memory_order_relaxed);
                }
            } catch (...) {
                failures[slot] = std::current_exception();
            }
            finish();
        });
    }

    std::cout << flags.producers << " producers x " << flags.items << " items, " << flags.consumers
              << " consumers, capacity " << flags.capacity << ", seed " << flags.seed << "\n";
    {
        std::unique_lock<std::mutex> lock(done_mutex);
        const bool done =
            all_done.wait_for(lock, std::chrono::duration<double>(flags.timeout_seconds),
                              [&] { return finished == thread_count; });
        if (!done) {
            std::cout << "HUNG: " << thread_count - finished << " of " << thread_count
                      << " threads still inside put() or get() after " << flags.timeout_seconds
                      << " s:\n";
            for (std::size_t slot = 0; slot < thread_count; ++slot) {
                const std::int64_t done_calls = calls_done[slot].load(std::memory_order_relaxed);
                if (done_calls < calls_due[slot]) {
                    const bool producer = slot < static_cast<std::size_t>(flags.producers);
                    std::cout << "  " << (producer ? "producer " : "consumer ")
                              << (producer ? slot
                                           : slot - static_cast<std::size_t>(flags.producers))
                              << (producer ? ": stuck in put() after " : ": stuck in get() after ")
                              << done_calls << " of " << calls_due[slot] << " calls\n";
                }
            }
            std::cout << "  The buffer's bookkeeping no longer matches its contents: it waits for "
                         "items (or room) that will never come.\n"
                      << std::flush;
            std::_Exit(3);  // the stuck threads cannot be joined
        }
    }
    for (pclab::thread& thread : threads) {
        thread.join();
    }
    for (const std::exception_ptr& failure : failures) {
        if (failure) {
            try {
                std::rethrow_exception(failure);
            } catch (const std::exception& error) {
                std::cout << "a thread threw: " << error.what() << "\n";
                return 2;
            }
        }
    }

    // Here: every thread has been joined; the logs are complete and visible.
    std::map<std::pair<int, std::int64_t>, int> times_got;
    std::vector<Event> events;
    for (const std::vector<Event>& log : logs) {
        for (const Event& event : log) {
            if (!event.is_put) {
                ++times_got[{event.item.producer, event.item.sequence}];
            }
            events.push_back(event);
        }
    }
    std::vector<std::string> lost;
    std::vector<std::string> duplicated;
    for (int p = 0; p < flags.producers; ++p) {
        for (std::int64_t k = 0; k < flags.items; ++k) {
            const auto found = times_got.find({p, k});
            const int count = found == times_got.end() ? 0 : found->second;
            if (count == 0) {
                lost.push_back(name(Item{p, k}));
            } else if (count > 1) {
                duplicated.push_back(name(Item{p, k}) + " (x" + std::to_string(count) + ")");
            }
            if (found != times_got.end()) {
                times_got.erase(found);
            }
        }
    }
    // Here: times_got holds only items no producer put.
    std::vector<std::string> invented;
    for (const auto& [item, count] : times_got) {
        invented.push_back(name(Item{item.first, item.second}) + " (x" + std::to_string(count) +
                           ")");
    }

    if (flags.verbose) {
        print_trace(flags, events);
    }
    const bool exact = lost.empty() && duplicated.empty() && invented.empty();
    std::cout << "  put        " << total << " items\n";
    std::cout << "  got        " << total << " times\n";
    std::cout << "  lost       " << lost.size() << (lost.empty() ? "" : ": " + list_items(lost))
              << "\n";
    std::cout << "  duplicated " << duplicated.size()
              << (duplicated.empty() ? "" : ": " + list_items(duplicated)) << "\n";
    std::cout << "  invented   " << invented.size()
              << (invented.empty() ? "" : ": " + list_items(invented)) << "\n";
    std::cout << "  "
              << (exact ? "OK: every item came out exactly once"
                        : "WRONG: not every item came out exactly once")
              << "\n";
    return exact ? 0 : 1;
}
