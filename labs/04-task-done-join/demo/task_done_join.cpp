// The lab 04 demo: the activity's program with a clock on it. A producer puts 0..n-1, consumers
// take each number, "process" it for a while, record its square and call task_done(); the main
// thread's joiners call join() and report, at the instant join() returned, how many task_done()
// calls had started and how many squares were recorded. OSTEP-style flags; see README.md.
//
//   ./pclab run 04                                            your queue: join waits for all
//   ./pclab run 04 --impl unsafe:join_waits_for_empty_queue   join returns early
//   ./pclab run 04 --impl unsafe:task_done_notifies_one -- -j 3 --timeout 3
//   ./pclab run 04 -- -c 2 -n 8 --hold-us 20000 -v            trace every get and task_done
//
// Exit status: 0 if every join() returned after the last task_done() started, 1 if one returned
// early, 2 if the Queue threw (say, not implemented yet), 3 if a join() had not returned after
// --timeout seconds (a lost wake-up).
#include <CLI/CLI.hpp>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <cstdlib>
#include <exception>
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
    int consumers = 4;
    int joiners = 1;
    std::int64_t items = 100;     // the activity's range(100)
    std::int64_t hold_us = 2000;  // each item's processing time, jittered ±50% by --seed
    std::uint64_t seed = 0;
    double timeout_s = 10;  // then a join() that has not returned is reported
    bool verbose = false;
};

constexpr std::int64_t kStopItem = -1;  // one per consumer at the end: C++ has no daemon threads

// What one joiner saw when its join() returned.
struct JoinerReport {
    bool returned = false;
    double at_s = 0;
    std::int64_t task_dones_started = 0;
    std::int64_t squares_recorded = 0;
    std::int64_t sum_of_squares = 0;
};

}  // namespace

int main(int argc, char** argv) {
    Flags flags;
    CLI::App app{
        "Lab 04 demo: the activity's program (put 0..n-1, consumers square, main joins) showing "
        "how many task_done() calls had started when join() returned."};
    app.add_option("-c,--consumers", flags.consumers, "consumer threads")->check(CLI::Range(1, 64));
    app.add_option("-j,--joiners", flags.joiners, "threads calling join() at once")
        ->check(CLI::Range(1, 16));
    app.add_option("-n,--items", flags.items, "numbers put: 0..n-1")
        ->check(CLI::Range(std::int64_t{0}, std::int64_t{10'000'000}));
    app.add_option("--hold-us", flags.hold_us,
                   "each consumer's processing time per item, in µs (jittered ±50% by --seed)")
        ->check(CLI::Range(std::int64_t{0}, std::int64_t{10'000'000}));
    app.add_option("-s,--seed", flags.seed, "seed of the processing-time jitter");
    app.add_option("--timeout", flags.timeout_s,
                   "seconds to wait for join() before reporting a hang")
        ->check(CLI::Range(0.1, 3600.0));
    app.add_flag("-v,--verbose", flags.verbose, "trace every get and task_done");
    CLI11_PARSE(app, argc, argv);

    pclab::Queue<std::int64_t> queue;
    std::mutex report_mutex;  // demo side: guards the reports, `error` and output lines
    std::condition_variable report_changed;
    std::vector<JoinerReport> reports(static_cast<std::size_t>(flags.joiners));
    std::string error;
    std::atomic<std::int64_t> task_dones_started{0};
    std::atomic<std::int64_t> last_task_done_ns{0};
    // One slot per number, written by its consumer before task_done(), read by the joiners
    // right after join() without a lock: the memory ordering join() promises is what makes that
    // read see them (with an early join, it is a data race, and squares are missing).
    std::vector<std::int64_t> squares(static_cast<std::size_t>(flags.items), -1);
    const Clock::time_point start = Clock::now();

    const auto seconds_since_start = [&] {
        return std::chrono::duration<double>(Clock::now() - start).count();
    };
    const auto say = [&](const std::string& line) {
        const std::lock_guard<std::mutex> lock(report_mutex);
        std::cout << std::fixed << std::setprecision(4) << "t=" << seconds_since_start() << "s "
                  << line << "\n"
                  << std::flush;
    };
    const auto note_error = [&](const std::exception& caught) {
        {
            const std::lock_guard<std::mutex> lock(report_mutex);
            if (error.empty()) {
                error = caught.what();
            }
        }
        report_changed.notify_all();
    };

    std::cout << flags.consumers << " consumers, " << flags.items << " items, each held ~"
              << flags.hold_us << " µs, " << flags.joiners << " joiner"
              << (flags.joiners == 1 ? "" : "s") << ", seed " << flags.seed << "\n";

    std::vector<std::thread> consumers;
    for (int c = 0; c < flags.consumers; ++c) {
        consumers.emplace_back([&, c] {
            std::mt19937_64 jitter(flags.seed + static_cast<std::uint64_t>(c));
            std::uniform_int_distribution<std::int64_t> hold_us(flags.hold_us / 2,
                                                                flags.hold_us * 3 / 2);
            try {
                for (;;) {
                    const std::int64_t number = queue.get();
                    if (number == kStopItem) {
                        queue.task_done();
                        return;
                    }
                    if (flags.verbose) {
                        say("consumer " + std::to_string(c) + " got " + std::to_string(number));
                    }
                    std::this_thread::sleep_for(std::chrono::microseconds(hold_us(jitter)));
                    squares[static_cast<std::size_t>(number)] = number * number;
                    const std::int64_t started = task_dones_started.fetch_add(1) + 1;
                    last_task_done_ns.store(
                        std::chrono::duration_cast<std::chrono::nanoseconds>(Clock::now() - start)
                            .count());
                    if (flags.verbose) {
                        say("consumer " + std::to_string(c) + " task_done(" +
                            std::to_string(number) + ")  [" + std::to_string(started) + " of " +
                            std::to_string(flags.items) + " started]");
                    }
                    queue.task_done();
                }
            } catch (const std::exception& caught) {
                note_error(caught);
            }
        });
    }

    try {
        for (std::int64_t number = 0; number < flags.items; ++number) {
            queue.put(number);
        }
    } catch (const std::exception& caught) {
        note_error(caught);
    }
    say("producer put 0.." + std::to_string(flags.items - 1) + "; " +
        (flags.joiners == 1 ? std::string("the joiner calls")
                            : std::to_string(flags.joiners) + " joiners call") +
        " join()");

    std::vector<std::thread> joiners;
    for (int j = 0; j < flags.joiners; ++j) {
        joiners.emplace_back([&, j] {
            try {
                queue.join();
                JoinerReport report;
                report.returned = true;
                report.at_s = seconds_since_start();
                report.task_dones_started = task_dones_started.load();
                for (const std::int64_t square : squares) {  // print(final_results)
                    if (square >= 0) {
                        ++report.squares_recorded;
                        report.sum_of_squares += square;
                    }
                }
                {
                    const std::lock_guard<std::mutex> lock(report_mutex);
                    reports[static_cast<std::size_t>(j)] = report;
                }
                report_changed.notify_all();
            } catch (const std::exception& caught) {
                note_error(caught);
            }
        });
    }

    // Wait (on the demo's own condition variable) for every joiner, an error, or the timeout.
    bool all_returned = false;
    {
        std::unique_lock<std::mutex> lock(report_mutex);
        all_returned =
            report_changed.wait_for(lock, std::chrono::duration<double>(flags.timeout_s), [&] {
                bool every_joiner = true;
                for (const JoinerReport& report : reports) {
                    every_joiner = every_joiner && report.returned;
                }
                return every_joiner || !error.empty();
            });
    }
    if (!error.empty()) {
        std::cout << "the Queue threw: " << error << "\n" << std::flush;
        std::_Exit(2);  // threads may be blocked in the broken queue: do not wait for them
    }

    bool early = false;
    for (int j = 0; j < flags.joiners; ++j) {
        const JoinerReport& report = reports[static_cast<std::size_t>(j)];
        std::ostringstream line;
        line << std::fixed << std::setprecision(4) << "joiner " << j << ": ";
        if (!report.returned) {
            line << "join() has not returned";
        } else {
            line << "join() returned at t=" << report.at_s << "s with " << report.task_dones_started
                 << " of " << flags.items << " task_done() calls started; "
                 << report.squares_recorded << " squares recorded, sum " << report.sum_of_squares;
            if (report.task_dones_started < flags.items) {
                line << "   <-- EARLY: " << flags.items - report.task_dones_started
                     << " still being processed";
                early = true;
            }
        }
        std::cout << line.str() << "\n";
    }
    if (!all_returned) {
        std::cout << std::fixed << std::setprecision(1) << "join has not returned after "
                  << flags.timeout_s << " s: lost wake-up? (" << task_dones_started.load() << " of "
                  << flags.items << " task_done() calls started; unfinished_tasks() is "
                  << queue.unfinished_tasks() << ")\n"
                  << std::flush;
        std::_Exit(3);  // the joiners are asleep for good: a joinable thread cannot be left
    }

    // C++ has no daemon threads: one stop item per consumer, then join every thread.
    for (int c = 0; c < flags.consumers; ++c) {
        queue.put(kStopItem);
    }
    for (std::thread& consumer : consumers) {
        consumer.join();
    }
    for (std::thread& joiner : joiners) {
        joiner.join();
    }
    std::cout << std::fixed << std::setprecision(4)
              << "last task_done() started at t=" << static_cast<double>(last_task_done_ns) / 1e9
              << "s; all " << task_dones_started.load()
              << " done, unfinished_tasks() = " << queue.unfinished_tasks() << "\n";
    if (early) {
        std::cout << "EARLY JOIN: the activity's print(final_results) would have run with "
                     "squares missing\n";
        return 1;
    }
    std::cout << "OK: join() returned only after the last task_done() started\n";
    return 0;
}
