#include "pclab/testkit/stress_runner.hpp"

#include <atomic>
#include <exception>
#include <iostream>
#include <latch>
#include <memory>
#include <mutex>
#include <stdexcept>
#include <thread>

#include "pclab/sync.hpp"
#include "pclab/testkit/thread_registry.hpp"

namespace pclab::testkit {

void StressRunner::add(std::string role, std::function<void()> body) {
    workers_.push_back(Worker{std::move(role), std::move(body)});
}

void StressRunner::add(std::string_view role, int count, const std::function<void(int)>& body) {
    add_numbered(role, count, body, ThreadKind::participant);
}

void StressRunner::add_observers(std::string_view role, int count,
                                 const std::function<void(int)>& body) {
    add_numbered(role, count, body, ThreadKind::observer);
}

void StressRunner::add_numbered(std::string_view role, int count,
                                const std::function<void(int)>& body, ThreadKind kind) {
    for (int index = 0; index < count; ++index) {
        workers_.push_back(Worker{std::string(role) + " " + std::to_string(index),
                                  [body, index] { body(index); }, kind});
    }
}

void StressRunner::on_first_exception(std::function<void()> release) {
    release_ = std::move(release);
}

void StressRunner::run() {
    if (ran_) {
        throw std::logic_error("StressRunner::run() called twice");
    }
    ran_ = true;

    // The first exception and who threw it. A testkit-internal mutex, touched only by workers
    // that already failed, so it adds no ordering between workers of a passing run.
    std::mutex failure_mutex;
    std::exception_ptr first_exception;
    std::string first_role;

    WatchedThread main_thread("main");
    const WatchedThread::Attachment main_attachment = main_thread.attach_current_thread();
    main_thread.set_state("starting workers");

    std::vector<std::unique_ptr<WatchedThread>> registrations;
    for (const Worker& worker : workers_) {
        registrations.push_back(std::make_unique<WatchedThread>(worker.role, worker.kind));
    }

    // Two-stage start. The latch: every thread exists before any body runs; waiting threads
    // sleep in the kernel, leaving the cores to the thread that is still creating the rest
    // (creating a thread can take milliseconds). The start line: a short spin, yielding, until
    // all have woken from the latch. Waking from the latch takes tens of microseconds per
    // thread, long enough for a short body to finish before the next one wakes, which would
    // leave nothing overlapping; after the spin, bodies start within microseconds of each other.
    std::latch start(static_cast<std::ptrdiff_t>(workers_.size()));
    std::atomic<std::size_t> at_start_line{0};
    std::vector<pclab::thread> threads;
    threads.reserve(workers_.size());
    try {
        for (std::size_t i = 0; i < workers_.size(); ++i) {
            WatchedThread& registration = *registrations[i];
            const Worker& worker = workers_[i];
            threads.emplace_back([&, &registration = registration, &worker = worker] {
                const WatchedThread::Attachment attachment = registration.attach_current_thread();
                registration.set_state("waiting to start");
                start.arrive_and_wait();
                at_start_line.fetch_add(1);
                while (at_start_line.load() < workers_.size()) {
                    std::this_thread::yield();
                }
                registration.set_state("running");
                try {
                    worker.body();
                } catch (...) {
                    bool first = false;
                    {
                        const std::lock_guard<std::mutex> lock(failure_mutex);
                        ++exceptions_thrown_;
                        if (!first_exception) {
                            first_exception = std::current_exception();
                            first_role = worker.role;
                            first = true;
                        }
                    }
                    if (first && release_) {
                        try {
                            release_();
                        } catch (...) {  // NOLINT(bugprone-empty-catch): see on_first_exception
                        }
                    }
                }
            });
        }
    } catch (...) {
        // Here: starting a thread failed. Let the ones that exist pass the latch, then join
        // them, so no joinable thread is left behind.
        start.count_down(static_cast<std::ptrdiff_t>(workers_.size() - threads.size()));
        at_start_line.fetch_add(workers_.size() - threads.size());
        for (pclab::thread& thread : threads) {
            thread.join();
        }
        throw;
    }

    main_thread.set_state("waiting for workers");
    for (pclab::thread& thread : threads) {
        thread.join();
    }
    // Here: every worker has finished, and join() made all their writes visible to us.
    if (first_exception) {
        std::cerr << "pclab: " << first_role << " threw the first exception";
        if (exceptions_thrown_ > 1) {
            std::cerr << " (" << exceptions_thrown_ << " of " << workers_.size()
                      << " workers threw)";
        }
        std::cerr << "; rethrowing it on the test thread\n";
        std::rethrow_exception(first_exception);
    }
}

}  // namespace pclab::testkit
