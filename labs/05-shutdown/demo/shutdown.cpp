// The lab 05 demo: producers, consumers and one Queue; then main shuts the queue down and
// watches every thread end, or reports the ones that never do. OSTEP-style flags; see README.md.
//
//   ./pclab run 05 -- -c 3                        the seed program: join(), shutdown(), all end
//   ./pclab run 05 -- -c 3 -m 2 -k 5              shut down mid-run: producers blocked in put()
//   ./pclab run 05 -- -k 5 --immediate            discard the rest; join() still returns
//   ./pclab run 05 --impl unsafe:shutdown_notifies_one -- -c 3     two consumers never end
//
// Exit status: 0 if every thread ended, 1 if some thread was still blocked after --timeout
// (the demo then ends itself: a blocked thread cannot be joined), 2 if the Queue threw
// something the contract does not (say, not implemented yet).
#include <CLI/CLI.hpp>

#include <atomic>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <exception>
#include <iomanip>
#include <iostream>
#include <memory>
#include <mutex>
#include <random>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "pclab/errors.hpp"
#include "pclab/sync.hpp"
#include "queue.hpp"

namespace {

using Clock = std::chrono::steady_clock;

std::string items_text(std::int64_t count) {
    return std::to_string(count) + (count == 1 ? " item" : " items");
}

struct Flags {
    int producers = 1;
    int consumers = 3;
    std::size_t maxsize = 4;
    std::int64_t items = 10;          // per producer
    bool immediate = false;           // shutdown(true) instead of shutdown()
    std::int64_t shutdown_after = 0;  // 0: after join(), like the seed program; k: after k gets
    std::int64_t work_us = 2000;      // each consumer's work per item (jittered by --seed)
    std::uint64_t seed = 0;
    double timeout_s = 3;  // how long main waits for the threads to end after the shutdown
    bool verbose = false;
};

// What one thread is doing, for the trace and for the final report. `where` is written only by
// its thread; main reads it when the thread is stuck.
struct ThreadStatus {
    std::string role;  // "consumer 2"
    std::atomic<const char*> where{"starting"};
    std::atomic<bool> ended{false};
    std::string how_it_ended;  // guarded by the demo's report mutex
};

class Demo {
  public:
    explicit Demo(Flags flags) : flags_(flags), queue_(flags.maxsize) {}

    int run();

  private:
    double seconds() const { return std::chrono::duration<double>(Clock::now() - start_).count(); }

    void say(const std::string& line) {
        const std::lock_guard<pclab::mutex> lock(report_mutex_);
        std::cout << std::fixed << std::setprecision(3) << "  " << seconds() << "s " << line << "\n"
                  << std::flush;
    }
    void trace(const std::string& line) {
        if (flags_.verbose) {
            say(line);
        }
    }

    ThreadStatus& add_status(const std::string& role) {
        statuses_.push_back(std::make_unique<ThreadStatus>());
        statuses_.back()->role = role;
        return *statuses_.back();
    }

    void end(ThreadStatus& status, const std::string& how) {
        {
            const std::lock_guard<pclab::mutex> lock(report_mutex_);
            status.how_it_ended = how;
        }
        say(status.role + " ended: " + how);
        {
            const std::lock_guard<pclab::mutex> lock(ended_mutex_);
            status.ended = true;
        }
        ended_changed_.notify_all();
    }

    void fail(ThreadStatus& status, const std::exception& error) {
        unexpected_ = true;
        end(status, std::string("the Queue threw an exception the contract does not name: ") +
                        error.what());
    }

    void producer(int p, ThreadStatus& status);
    void consumer(int c, ThreadStatus& status);
    void joiner(ThreadStatus& status);

    Flags flags_;
    pclab::Queue<std::int64_t> queue_;
    const Clock::time_point start_ = Clock::now();
    pclab::mutex report_mutex_;  // keeps output lines whole; guards how_it_ended
    pclab::mutex ended_mutex_;   // with ended_changed_: main waits for threads to end
    pclab::condition_variable ended_changed_;
    std::atomic<std::int64_t> gets_{0};
    std::atomic<bool> unexpected_{false};
    std::vector<std::unique_ptr<ThreadStatus>> statuses_;
};

void Demo::producer(int p, ThreadStatus& status) {
    std::int64_t put = 0;
    try {
        for (; put < flags_.items; ++put) {
            const std::int64_t number = p * flags_.items + put;
            status.where = "put()";
            queue_.put(number);
            status.where = "running";
            trace(status.role + " put " + std::to_string(number) + "  (qsize " +
                  std::to_string(queue_.qsize()) + ")");
        }
        end(status, "put all " + items_text(put));
    } catch (const pclab::ShutDown&) {
        end(status, "put() threw ShutDown after " + items_text(put) +
                        "; the item it was putting was not enqueued");
    } catch (const std::exception& error) {
        fail(status, error);
    }
}

void Demo::consumer(int c, ThreadStatus& status) {
    std::mt19937_64 jitter(flags_.seed + static_cast<std::uint64_t>(c));
    std::uniform_int_distribution<std::int64_t> work_us(flags_.work_us / 2, flags_.work_us * 3 / 2);
    std::int64_t got = 0;
    try {
        for (;;) {
            status.where = "get()";
            const std::int64_t number = queue_.get();
            status.where = "running";
            ++got;
            {
                // Under the mutex main's wait predicate reads it under: no missed wake-up.
                const std::lock_guard<pclab::mutex> lock(ended_mutex_);
                gets_.fetch_add(1);
            }
            ended_changed_.notify_all();
            trace(status.role + " got " + std::to_string(number));
            std::this_thread::sleep_for(std::chrono::microseconds(work_us(jitter)));
            queue_.task_done();
        }
    } catch (const pclab::ShutDown&) {
        end(status, "get() threw ShutDown after " + items_text(got));
    } catch (const std::exception& error) {
        fail(status, error);
    }
}

void Demo::joiner(ThreadStatus& status) {
    status.where = "join()";
    queue_.join();
    end(status, "join() returned (unfinished_tasks " + std::to_string(queue_.unfinished_tasks()) +
                    ", qsize " + std::to_string(queue_.qsize()) + ")");
}

int Demo::run() {
    if (flags_.shutdown_after > flags_.producers * flags_.items) {
        std::cout << "-k/--shutdown-after must be at most producers x items ("
                  << flags_.producers * flags_.items << "): the demo would wait for ever\n";
        return 2;
    }
    std::cout << flags_.producers << " producers x " << flags_.items << " items, "
              << flags_.consumers << " consumers (" << flags_.work_us << " µs per item), maxsize "
              << flags_.maxsize << "; main calls "
              << (flags_.immediate ? "shutdown(true)" : "shutdown()")
              << (flags_.shutdown_after == 0
                      ? " once join() has returned"
                      : " after " + std::to_string(flags_.shutdown_after) + " gets")
              << "\n"
              << std::flush;

    statuses_.reserve(static_cast<std::size_t>(flags_.producers + flags_.consumers + 1));
    std::vector<pclab::thread> threads;
    for (int c = 0; c < flags_.consumers; ++c) {
        ThreadStatus& status = add_status("consumer " + std::to_string(c));
        threads.emplace_back([this, c, &status] { consumer(c, status); });
    }
    std::vector<ThreadStatus*> producer_statuses;
    for (int p = 0; p < flags_.producers; ++p) {
        ThreadStatus& status = add_status("producer " + std::to_string(p));
        producer_statuses.push_back(&status);
        threads.emplace_back([this, p, &status] { producer(p, status); });
    }
    ThreadStatus& join_status = add_status("main's join()");

    if (flags_.shutdown_after == 0) {
        // The seed program's order: every item put, then join(), then shut down.
        std::unique_lock<pclab::mutex> lock(ended_mutex_);
        ended_changed_.wait(lock, [&] {
            for (const ThreadStatus* status : producer_statuses) {
                if (!status->ended) {
                    return false;
                }
            }
            return true;
        });
        lock.unlock();
        say("main: every producer has ended; join()");
        joiner(join_status);
    } else {
        std::unique_lock<pclab::mutex> lock(ended_mutex_);
        ended_changed_.wait(
            lock, [&] { return gets_.load() >= flags_.shutdown_after || unexpected_.load(); });
    }
    say(std::string("main: ") + (flags_.immediate ? "shutdown(true)" : "shutdown()") + "  (qsize " +
        std::to_string(queue_.qsize()) + ", unfinished_tasks " +
        std::to_string(queue_.unfinished_tasks()) + ")");
    try {
        queue_.shutdown(flags_.immediate);
    } catch (const std::exception& error) {
        std::cout << "the Queue threw: " << error.what() << "\n" << std::flush;
        std::_Exit(2);  // the consumers wait in get() for a shutdown that will not come
    }
    if (flags_.shutdown_after != 0) {
        // Shut down mid-run: now wait for the work that is left (none, if immediate).
        threads.emplace_back([this, &join_status] { joiner(join_status); });
    }

    const auto deadline = Clock::now() + std::chrono::duration_cast<Clock::duration>(
                                             std::chrono::duration<double>(flags_.timeout_s));
    bool all_ended = false;
    {
        std::unique_lock<pclab::mutex> lock(ended_mutex_);
        all_ended = ended_changed_.wait_until(lock, deadline, [&] {
            for (const auto& status : statuses_) {
                if (!status->ended) {
                    return false;
                }
            }
            return true;
        });
    }
    if (!all_ended) {
        std::ostringstream report;
        report << std::fixed << std::setprecision(1);
        for (const auto& status : statuses_) {
            if (!status->ended) {
                report << status->role << " is still blocked in " << status->where.load() << " "
                       << flags_.timeout_s << " s after the shutdown\n";
            }
        }
        report << "qsize " << queue_.qsize() << ", unfinished_tasks " << queue_.unfinished_tasks()
               << ". A blocked thread cannot be joined, and a joinable thread cannot be "
                  "destroyed: the demo ends itself here.\n";
        std::cout << report.str() << std::flush;
        std::_Exit(1);
    }
    for (pclab::thread& thread : threads) {
        thread.join();
    }
    std::cout << "every thread ended and was joined; qsize " << queue_.qsize()
              << ", unfinished_tasks " << queue_.unfinished_tasks() << "\n";
    return unexpected_ ? 2 : 0;
}

}  // namespace

int main(int argc, char** argv) {
    Flags flags;
    CLI::App app{
        "Lab 05 demo: producers and consumers share a Queue; main shuts it down and reports how "
        "each thread ended, or which ones never did."};
    app.add_option("-p,--producers", flags.producers, "producer threads")->check(CLI::Range(1, 64));
    app.add_option("-c,--consumers", flags.consumers, "consumer threads")->check(CLI::Range(1, 64));
    app.add_option("-m,--maxsize", flags.maxsize, "the queue's bound (0: unbounded)");
    app.add_option("-n,--items", flags.items, "items each producer puts")
        ->check(CLI::Range(std::int64_t{0}, std::int64_t{10'000'000}));
    app.add_flag("--immediate", flags.immediate,
                 "shutdown(true): discard what is queued instead of letting consumers drain it");
    app.add_option("-k,--shutdown-after", flags.shutdown_after,
                   "shut down after this many gets, mid-run (0: after join(), as the seed does)")
        ->check(CLI::Range(std::int64_t{0}, std::int64_t{10'000'000}));
    app.add_option("-w,--work-us", flags.work_us,
                   "each consumer's work per item, in µs (jittered ±50% by --seed)")
        ->check(CLI::Range(std::int64_t{0}, std::int64_t{10'000'000}));
    app.add_option("-s,--seed", flags.seed, "seed of the consumers' jitter");
    app.add_option("--timeout", flags.timeout_s,
                   "seconds to wait for every thread to end after the shutdown")
        ->check(CLI::Range(0.1, 3600.0));
    app.add_flag("-v,--verbose", flags.verbose, "trace every put and get");
    CLI11_PARSE(app, argc, argv);
    return Demo(flags).run();
}
