/// @file
/// @brief run_seed_pipeline (lab 05), alternative design "notify-all": the producer ends the
///        work itself with a soft shutdown right after its last put; consumers drain the queue
///        and stop at ShutDown; joining every thread is the only barrier the caller needs.
///
/// Why it is correct: a soft shutdown still hands out every queued item, and get() throws
/// ShutDown only once the queue is shut down AND empty. So a consumer that stops has seen the
/// queue empty after the last put; every number was therefore got by some consumer, and each
/// consumer calls task_done() for its item before it asks for the next one. Once all threads
/// are joined: every number was squared and recorded exactly once, the queue is shut down and
/// empty, and unfinished_tasks() is 0, with no queue.join() needed (thread joins give the
/// happens-before for reading the results). C++ has no daemon threads: every thread started
/// here is joined on every path, also when starting one fails or a thread throws; then an
/// immediate shutdown unblocks whoever still waits (a producer on a full queue, consumers on
/// an empty one) before the joins.
///
/// Nothing here includes queue.hpp: the pipeline takes the work queue as a template parameter,
/// so it works with whichever queue the build pairs it with.
#pragma once

#include <algorithm>
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

    pclab::mutex shared_mutex;                // guards the two members below
    std::vector<std::int64_t> squares;        // guarded by shared_mutex
    std::exception_ptr first_consumer_error;  // guarded by shared_mutex
    std::exception_ptr producer_error;        // the producer's own; read after its join
    std::vector<pclab::thread> threads;
    threads.reserve(static_cast<std::size_t>(consumers) + 1);

    // On any way out while a thread may still run (pclab::thread's constructor can throw):
    // discard what is queued, wake every waiter, join. After the normal joins it does nothing.
    struct JoinWhatRuns {
        WorkQueue& queue;
        std::vector<pclab::thread>& threads;
        ~JoinWhatRuns() {
            const bool running = std::any_of(threads.begin(), threads.end(),
                                             [](const pclab::thread& t) { return t.joinable(); });
            if (!running) {
                return;
            }
            queue.shutdown(/*immediate=*/true);
            for (pclab::thread& thread : threads) {
                if (thread.joinable()) {
                    thread.join();
                }
            }
        }
    } join_what_runs{queue, threads};

    const auto consume = [&] {
        try {
            for (;;) {
                const std::int64_t number = queue.get();  // ShutDown once shut down and drained
                try {
                    const std::scoped_lock held(shared_mutex);
                    squares.push_back(number * number);
                } catch (...) {
                    queue.task_done();  // the item is finished with, if not recorded
                    throw;
                }
                queue.task_done();
            }
        } catch (const pclab::ShutDown&) {
            // The normal end: shut down and nothing left to drain.
        } catch (...) {
            {
                const std::scoped_lock held(shared_mutex);
                if (!first_consumer_error) {
                    first_consumer_error = std::current_exception();
                }
            }
            // The result can no longer be complete: stop the producer and the other consumers.
            queue.shutdown(/*immediate=*/true);
        }
    };
    const auto produce = [&] {
        try {
            for (std::int64_t number = 0; number < items; ++number) {
                queue.put(number);
            }
            // The work is over: consumers still get what is queued, then see ShutDown.
            queue.shutdown(/*immediate=*/false);
        } catch (const pclab::ShutDown&) {
            // Someone aborted the run with an immediate shutdown and recorded why.
        } catch (...) {
            producer_error = std::current_exception();
            queue.shutdown(/*immediate=*/true);  // consumers must not wait for numbers never put
        }
    };

    for (int c = 0; c < consumers; ++c) {
        threads.emplace_back(consume);
    }
    threads.emplace_back(produce);
    for (pclab::thread& thread : threads) {
        thread.join();
    }
    // Here: every thread has ended; what they wrote is visible to this thread.
    if (producer_error) {
        std::rethrow_exception(producer_error);
    }
    if (first_consumer_error) {
        std::rethrow_exception(first_consumer_error);
    }
    return squares;
}

}  // namespace pclab
