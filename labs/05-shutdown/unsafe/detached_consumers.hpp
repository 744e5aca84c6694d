/// @file
/// @brief UNSAFE variant `detached_consumers` of run_seed_pipeline (lab 05): the consumers are
///        detached instead of joined — the closest C++ gets to Python's daemon threads.
///
/// The results still come out right: join() on the queue waits until every number is squared
/// and recorded. But the function returns while consumer threads still exist, still running
/// code that refers to this function's local variables and the caller's queue. Nothing tells
/// the caller when they are gone; if the caller destroys the queue (or the program ends)
/// first, they touch freed memory. The check counts the process's threads before and after
/// the call (`assertion`), and a use after free may crash it (`crash`).
///
/// Everything else is the reference solution (solutions/05-shutdown/pipeline.hpp); diff the two
/// files to see the whole defect. Do not copy this file.
#pragma once

#include <cstddef>
#include <cstdint>
#include <exception>
#include <mutex>
#include <stdexcept>
#include <vector>

#include "pclab/errors.hpp"
#include "pclab/sync.hpp"

namespace pclab {

/// @brief Runs the seed program: one producer puts 0..items-1 into `queue`, `consumers`
///        consumers take numbers out and record their squares; returns the squares once every
///        thread has ended and been joined.
///
/// Requires: `consumers >= 1` and `items >= 0` (throws `std::invalid_argument` otherwise);
/// `queue` is open, empty and has no unfinished tasks, and no other thread uses it meanwhile.
/// Guarantees: the result holds each of 0², 1², ..., (items-1)² exactly once, in some order;
/// every thread the call started has been joined before it returns or throws; afterwards
/// `queue.is_shutdown()`, `queue.qsize() == 0` and `queue.unfinished_tasks() == 0`.
/// If a thread throws, the call still ends every thread, then rethrows the first exception
/// (the producer's first).
/// @tparam WorkQueue `pclab::Queue<std::int64_t>` (or anything with its members).
/// Blocks until the pipeline has finished.
template <class WorkQueue>
std::vector<std::int64_t> run_seed_pipeline(WorkQueue& queue, int consumers, std::int64_t items) {
    if (consumers < 1 || items < 0) {
        throw std::invalid_argument("run_seed_pipeline: requires consumers >= 1 and items >= 0");
    }
    // The results, in lab 01's way: one list, one lock around every access. Reserved up
    // front, so a push_back never allocates and a consumer cannot fail between its get() and
    // its task_done() (which would leave join() below waiting for ever).
    pclab::mutex results_mutex;
    std::vector<std::int64_t> results;  // guarded by results_mutex
    results.reserve(static_cast<std::size_t>(items));

    // Slot 0: the producer; slot 1 + c: consumer c. Each thread writes only its own slot, and
    // join() makes the write visible here.
    std::vector<std::exception_ptr> failures(static_cast<std::size_t>(consumers) + 1);
    std::vector<pclab::thread> threads;  // [0]: the producer, then the consumers
    threads.reserve(failures.size());

    // If anything below throws while threads run (starting a thread can fail), end them all:
    // discard what is queued, wake every waiter, join. On the normal path every thread has been
    // joined already and this does nothing.
    struct EndAndJoinOnExit {
        WorkQueue& queue;
        std::vector<pclab::thread>& threads;
        ~EndAndJoinOnExit() {
            bool any_running = false;
            for (const pclab::thread& thread : threads) {
                any_running = any_running || thread.joinable();
            }
            if (any_running) {
                queue.shutdown(/*immediate=*/true);
                for (pclab::thread& thread : threads) {
                    if (thread.joinable()) {
                        thread.join();
                    }
                }
            }
        }
    } end_and_join_on_exit{queue, threads};

    threads.emplace_back([&] {
        try {
            for (std::int64_t number = 0; number < items; ++number) {
                queue.put(number);
            }
        } catch (...) {
            failures[0] = std::current_exception();
        }
    });
    for (int c = 0; c < consumers; ++c) {
        // DEFECT: a detached consumer is never joined; it may still be running after return.
        pclab::thread([&, c] {
            try {
                for (;;) {
                    const std::int64_t number = queue.get();  // ShutDown once shut and drained
                    {
                        const std::lock_guard<pclab::mutex> lock(results_mutex);
                        results.push_back(number * number);
                    }
                    queue.task_done();
                }
            } catch (const pclab::ShutDown&) {
                // The normal end of a consumer: the queue is shut down and drained.
            } catch (...) {
                failures[static_cast<std::size_t>(c) + 1] = std::current_exception();
            }
        }).detach();
    }

    // The order matters. Join the producer first: before its last put, unfinished_tasks may
    // be 0 (say, before its first put), and a queue.join() then would return at once. Here:
    // every number has been put (unless the producer failed).
    threads[0].join();
    const bool producer_failed = failures[0] != nullptr;
    if (!producer_failed) {
        queue.join();  // Here: every number put has been squared, recorded and task_done.
    }
    // Wakes every consumer blocked in get(): each gets ShutDown and returns. (A failed producer
    // leaves numbers queued; immediate discards them rather than squaring a partial input.)
    queue.shutdown(/*immediate=*/producer_failed);
    for (std::size_t t = 1; t < threads.size(); ++t) {
        threads[t].join();
    }
    // Here: every thread has been joined; their writes to results and failures are visible.
    for (const std::exception_ptr& failure : failures) {
        if (failure) {
            std::rethrow_exception(failure);
        }
    }
    return results;
}

}  // namespace pclab
