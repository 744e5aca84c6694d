/// @file
/// @brief run_seed_pipeline (lab 05), alternative design "semaphores": the producer thread owns
///        the end of the work (put everything, join() the queue, shut it down); each consumer
///        records its squares in its own vector, merged only after every thread is joined.
///
/// Why it is correct:
/// - Nothing lost, nothing twice: the producer calls queue.join() after its last put, and
///   join() returns only when every number put has had its task_done(), which each consumer
///   calls after recording the square. Only then does the producer shut the queue down, so
///   the consumers, all blocked in get() on an empty queue or about to be, end with ShutDown
///   and nothing is left to drain. Afterwards the queue is shut down, empty, and has no
///   unfinished tasks.
/// - No lock for the results: consumer c writes only `per_consumer[c]`, and the caller reads
///   them only after joining every thread, and a thread's end happens-before the return of
///   its join. (The lab 01 question 7 design: it is fine here because nobody reads the results
///   while the pipeline runs.)
/// - No daemon threads: every thread started is joined on every path. If a thread fails, the
///   queue is shut down immediately so that nobody waits for work that will not come: the
///   discarded numbers are taken off unfinished_tasks, the failing consumer still marks its own
///   number done, so the producer's join() returns and every thread ends; then the first
///   failure (the producer's first) is rethrown. If starting a thread fails, a scope guard
///   does the same for the threads already running.
///
/// Nothing here includes queue.hpp: the pipeline takes the work queue as a template parameter,
/// so it works with whichever queue the build pairs it with.
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
    const auto consumer_count = static_cast<std::size_t>(consumers);

    // Each slot is written by one thread only and read here after that thread is joined.
    std::vector<std::vector<std::int64_t>> per_consumer(consumer_count);
    std::vector<std::exception_ptr> consumer_errors(consumer_count);
    std::exception_ptr producer_error;
    // Which thread failed first, among the consumers: the error to rethrow if the producer
    // did not fail.
    pclab::mutex order_mutex;
    std::size_t first_failed = consumer_count;  // guarded by order_mutex; none yet

    std::vector<pclab::thread> threads;
    threads.reserve(consumer_count + 1);
    struct EndAndJoin {  // on an early way out only: stop whatever runs, then join it
        WorkQueue& queue;
        std::vector<pclab::thread>& threads;
        ~EndAndJoin() {
            bool running = false;
            for (const pclab::thread& thread : threads) {
                running = running || thread.joinable();
            }
            if (running) {
                queue.shutdown(/*immediate=*/true);
                for (pclab::thread& thread : threads) {
                    if (thread.joinable()) {
                        thread.join();
                    }
                }
            }
        }
    } end_and_join{queue, threads};

    for (std::size_t c = 0; c < consumer_count; ++c) {
        threads.emplace_back([&, c] {
            std::vector<std::int64_t>& mine = per_consumer[c];
            try {
                for (;;) {
                    std::int64_t number = 0;
                    try {
                        number = queue.get();
                    } catch (const pclab::ShutDown&) {
                        return;  // the producer ended the work (or a failure aborted it)
                    }
                    try {
                        mine.push_back(number * number);
                    } catch (...) {
                        queue.task_done();  // finished with, if not recorded: join must not hang
                        throw;
                    }
                    queue.task_done();
                }
            } catch (...) {
                consumer_errors[c] = std::current_exception();
                {
                    const std::scoped_lock held(order_mutex);
                    if (first_failed == consumer_count) {
                        first_failed = c;
                    }
                }
                queue.shutdown(/*immediate=*/true);  // the result cannot be complete: stop all
            }
        });
    }
    threads.emplace_back([&] {
        try {
            for (std::int64_t number = 0; number < items; ++number) {
                queue.put(number);
            }
        } catch (const pclab::ShutDown&) {
            // A consumer failed and aborted the run; it recorded why.
        } catch (...) {
            producer_error = std::current_exception();
            queue.shutdown(/*immediate=*/true);  // consumers must not wait for the rest
        }
        // Every number put has been squared and recorded (or discarded by an abort) once this
        // returns; only then may the consumers be told that the work is over.
        queue.join();
        queue.shutdown(/*immediate=*/false);
    });

    for (pclab::thread& thread : threads) {
        thread.join();
    }
    // Here: every thread has ended; everything they wrote is visible to this thread.
    if (producer_error) {
        std::rethrow_exception(producer_error);
    }
    if (first_failed != consumer_count) {
        std::rethrow_exception(consumer_errors[first_failed]);
    }
    std::size_t total = 0;
    for (const std::vector<std::int64_t>& squares : per_consumer) {
        total += squares.size();
    }
    std::vector<std::int64_t> squares;
    squares.reserve(total);
    for (const std::vector<std::int64_t>& mine : per_consumer) {
        squares.insert(squares.end(), mine.begin(), mine.end());
    }
    return squares;
}

}  // namespace pclab
