// The lab 03 demo: fast producers, slow consumers, one Queue between them, and a chart of the
// queue's size and the process's memory over time. OSTEP-style flags; see README.md.
//
//   ./pclab run 03 -- -m 8                      your queue: qsize stays at 8, memory flat
//   ./pclab run 03 --impl unsafe:maxsize_ignored -- -m 8      qsize and memory climb
//   ./pclab run 03 -- -p 2 -c 2 -m 4 -n 20 --item-kib 1 -v   trace every put and get
//
// Exit status: 0 if the queue never held more than maxsize items, 1 if it did (or memory hit
// --max-rss-mib), 2 if the Queue threw (say, not implemented yet).
#include <CLI/CLI.hpp>

#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <exception>
#include <fstream>
#include <iomanip>
#include <iostream>
#include <mutex>
#include <random>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "pclab/sync.hpp"
#include "queue.hpp"

namespace {

using Clock = std::chrono::steady_clock;

struct Flags {
    int producers = 1;
    int consumers = 1;
    std::size_t maxsize = 8;
    std::int64_t items = 2000;              // per producer
    std::size_t item_kib = 1024;            // 1 MiB items: each one shows in the memory column
    std::int64_t consumer_delay_us = 2000;  // the slow consumer: 2 ms of "work" per item
    std::uint64_t seed = 0;                 // jitters the consumers' delay
    int sample_ms = 100;                    // one chart line per sample
    std::size_t max_rss_mib = 1024;         // the demo stops itself here rather than exhaust memory
    bool verbose = false;
};

// One item: who put it, its number, and item_kib KiB of payload that really occupies memory.
struct DemoItem {
    int producer = 0;  // -1: "stop", one per consumer at the end
    std::int64_t sequence = 0;
    std::vector<unsigned char> payload;
};

// Resident memory of this process, from /proc/self/statm (second field, in pages).
std::size_t resident_mib() {
    std::ifstream statm("/proc/self/statm");
    std::size_t total_pages = 0;
    std::size_t resident_pages = 0;
    statm >> total_pages >> resident_pages;
    const auto page_bytes = static_cast<std::size_t>(::sysconf(_SC_PAGESIZE));
    return resident_pages * page_bytes >> 20;
}

// "▇▇▇▇▇▇▇▇|▇▇▇▇…": 8 cells per maxsize items, a bar at maxsize, cut at kMaxCells, padded
// to one width (std::setw counts bytes, and each cell is 3 bytes of UTF-8).
std::string occupancy_bar(std::size_t qsize, std::size_t maxsize) {
    constexpr std::size_t kCellsPerMaxsize = 8;  // maxsize itself is 8 cells wide
    constexpr std::size_t kMaxCells = 40;        // 5x maxsize fits; more is "…"
    const std::size_t unit = std::max<std::size_t>(maxsize, 1);
    const std::size_t cells = (qsize * kCellsPerMaxsize + unit - 1) / unit;
    std::string bar;
    std::size_t width = 0;
    for (std::size_t i = 0; i < std::min(cells, kMaxCells); ++i) {
        if (maxsize > 0 && i == kCellsPerMaxsize) {
            bar += "|";  // the bound: nothing should ever be drawn right of it
            ++width;
        }
        bar += "▇";
        ++width;
    }
    if (cells > kMaxCells) {
        bar += "…";
        ++width;
    }
    return bar + std::string(kMaxCells + 2 - width, ' ');
}

}  // namespace

int main(int argc, char** argv) {
    Flags flags;
    CLI::App app{
        "Lab 03 demo: fast producers put big items into a bounded Queue, slow consumers get "
        "them; a chart shows qsize and resident memory over time."};
    app.add_option("-p,--producers", flags.producers, "producer threads")->check(CLI::Range(1, 64));
    app.add_option("-c,--consumers", flags.consumers, "consumer threads")->check(CLI::Range(1, 64));
    app.add_option("-m,--maxsize", flags.maxsize, "the queue's bound (0: unbounded)");
    app.add_option("-n,--items", flags.items, "items each producer puts")
        ->check(CLI::Range(std::int64_t{0}, std::int64_t{100'000'000}));
    app.add_option("--item-kib", flags.item_kib, "payload of each item, in KiB")
        ->check(CLI::Range(std::size_t{0}, std::size_t{64 * 1024}));
    app.add_option("--consumer-delay-us", flags.consumer_delay_us,
                   "each consumer's work per item, in µs (jittered ±50% by --seed)")
        ->check(CLI::Range(std::int64_t{0}, std::int64_t{10'000'000}));
    app.add_option("-s,--seed", flags.seed, "seed of the consumers' jitter");
    app.add_option("--sample-ms", flags.sample_ms, "milliseconds between chart lines")
        ->check(CLI::Range(1, 60'000));
    app.add_option("--max-rss-mib", flags.max_rss_mib,
                   "stop producing once resident memory passes this (protects your machine)")
        ->check(CLI::Range(std::size_t{16}, std::size_t{1} << 20));
    app.add_flag("-v,--verbose", flags.verbose, "trace every put and get");
    CLI11_PARSE(app, argc, argv);

    pclab::Queue<DemoItem> queue(flags.maxsize);
    std::mutex print_mutex;  // demo side: keeps output lines whole
    std::atomic<bool> stop_producing{false};
    std::atomic<bool> failed{false};
    std::atomic<std::int64_t> puts_returned{0};
    std::atomic<std::int64_t> gets_returned{0};
    std::atomic<std::size_t> largest_qsize{0};
    std::atomic<bool> sampling{true};
    std::string error;  // guarded by print_mutex
    const Clock::time_point start = Clock::now();

    const auto seconds_since_start = [&] {
        return std::chrono::duration<double>(Clock::now() - start).count();
    };
    const auto note_error = [&](const std::exception& caught) {
        const std::lock_guard<std::mutex> lock(print_mutex);
        if (error.empty()) {
            error = caught.what();
        }
        failed = true;
        stop_producing = true;
    };
    const auto trace = [&](const std::string& line) {
        if (flags.verbose) {
            const std::lock_guard<std::mutex> lock(print_mutex);
            std::cout << std::fixed << std::setprecision(3) << "  " << seconds_since_start() << "s "
                      << line << "\n";
        }
    };

    std::cout << flags.producers << " producers x " << flags.items << " items of " << flags.item_kib
              << " KiB, " << flags.consumers << " consumers (" << flags.consumer_delay_us
              << " µs per item), maxsize " << flags.maxsize
              << (flags.maxsize == 0 ? " (unbounded)" : "") << "\n"
              << std::flush;

    std::vector<std::thread> producers;
    for (int p = 0; p < flags.producers; ++p) {
        producers.emplace_back([&, p] {
            try {
                for (std::int64_t k = 0; k < flags.items && !stop_producing; ++k) {
                    // The payload is written, so its pages count as resident memory.
                    DemoItem item{p, k,
                                  std::vector<unsigned char>(flags.item_kib * 1024,
                                                             static_cast<unsigned char>(k | 1))};
                    queue.put(std::move(item));
                    puts_returned.fetch_add(1);
                    if (flags.verbose) {
                        trace("producer " + std::to_string(p) + " put " + std::to_string(k) +
                              "  (qsize " + std::to_string(queue.qsize()) + ")");
                    }
                }
            } catch (const std::exception& caught) {
                note_error(caught);
            }
        });
    }

    std::vector<std::thread> consumers;
    for (int c = 0; c < flags.consumers; ++c) {
        consumers.emplace_back([&, c] {
            std::mt19937_64 jitter(flags.seed + static_cast<std::uint64_t>(c));
            std::uniform_int_distribution<std::int64_t> work_us(flags.consumer_delay_us / 2,
                                                                flags.consumer_delay_us * 3 / 2);
            try {
                for (;;) {
                    DemoItem item = queue.get();
                    if (item.producer < 0) {
                        return;
                    }
                    gets_returned.fetch_add(1);
                    trace("consumer " + std::to_string(c) + " got " +
                          std::to_string(item.producer) + ":" + std::to_string(item.sequence));
                    if (!stop_producing) {  // once stopped, drain without the work
                        std::this_thread::sleep_for(std::chrono::microseconds(work_us(jitter)));
                    }
                }
            } catch (const std::exception& caught) {
                note_error(caught);
            }
        });
    }

    // The chart: one line per sample while the producers run.
    std::size_t peak_rss = 0;
    bool hit_memory_cap = false;
    std::thread sampler([&] {
        try {
            while (sampling) {
                std::this_thread::sleep_for(std::chrono::milliseconds(flags.sample_ms));
                const std::size_t size = queue.qsize();
                const std::size_t rss = resident_mib();
                largest_qsize = std::max(largest_qsize.load(), size);
                peak_rss = std::max(peak_rss, rss);
                {
                    const std::lock_guard<std::mutex> lock(print_mutex);
                    std::cout << std::fixed << std::setprecision(2) << "t=" << std::setw(5)
                              << seconds_since_start() << "s  qsize " << std::setw(5) << size << " "
                              << std::left << std::setw(60) << occupancy_bar(size, flags.maxsize)
                              << std::right << " RSS " << std::setw(5) << rss << " MiB\n"
                              << std::flush;
                }
                if (rss > flags.max_rss_mib && !stop_producing) {
                    hit_memory_cap = true;
                    stop_producing = true;
                    const std::lock_guard<std::mutex> lock(print_mutex);
                    std::cout << "RSS passed --max-rss-mib " << flags.max_rss_mib
                              << ": the producers stop here (the queue would keep growing)\n";
                }
            }
        } catch (const std::exception& caught) {
            note_error(caught);
        }
    });

    for (std::thread& producer : producers) {
        producer.join();
    }
    // Here: no producer puts any more. One stop item per consumer, queued behind everything.
    if (!failed) {
        try {
            for (int c = 0; c < flags.consumers; ++c) {
                queue.put(DemoItem{-1, 0, {}});
            }
        } catch (const std::exception& caught) {
            note_error(caught);
        }
    }
    if (failed) {
        // A consumer may wait forever for a stop item the failed queue cannot deliver.
        std::cout << "the Queue threw: " << error << "\n" << std::flush;
        std::_Exit(2);
    }
    for (std::thread& consumer : consumers) {
        consumer.join();
    }
    sampling = false;
    sampler.join();

    const bool over_bound = flags.maxsize > 0 && largest_qsize.load() > flags.maxsize;
    std::cout << "put " << puts_returned << ", got " << gets_returned << " in " << std::fixed
              << std::setprecision(2) << seconds_since_start() << " s; largest qsize sampled "
              << largest_qsize << " (maxsize " << flags.maxsize << "), peak RSS " << peak_rss
              << " MiB\n";
    if (over_bound || hit_memory_cap) {
        std::cout << "OVER THE BOUND: the queue held more than maxsize items; a put that never "
                     "waits lets a fast producer use up memory\n";
        return 1;
    }
    std::cout << "OK: the queue never held more than maxsize items\n";
    return 0;
}
