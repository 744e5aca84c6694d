/// @file
/// @ingroup lab_contracts
/// @brief run_seed_pipeline: the seed activity's program with consumers that end (lab 05, your
///        file).
///
/// The Python program:
///
/// @code{.py}
/// def consumer():
///     while True:
///         number = q.get()
///         final_results.append(number ** 2)
///         q.task_done()
///
/// for i in range(n): Thread(target=consumer, daemon=True).start()
/// Thread(target=producer).start()        # q.put(i) for i in range(100)
/// q.join()
/// print(final_results)                   # the daemon consumers are still blocked in q.get()
/// @endcode
///
/// C++ has no daemon threads: a std::thread that is still joinable when it is destroyed calls
/// std::terminate, and a detached one may outlive everything it uses. So here every consumer
/// must end, and every thread must be joined before the function returns. Your queue's
/// shutdown() is how a consumer blocked in get() learns that there is no more work.
///
/// Nothing here includes queue.hpp: the pipeline takes the work queue as a template parameter
/// (anything with pclab::Queue's members), so the tests can pair this file with your queue, the
/// reference queue or an unsafe one. The handout (README.md) explains the lab and its grading.
#pragma once

#include <cstdint>
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
std::vector<std::int64_t> run_seed_pipeline([[maybe_unused]] WorkQueue& queue,
                                            [[maybe_unused]] int consumers,
                                            [[maybe_unused]] std::int64_t items) {
    // YOUR CODE HERE: start one producer (put 0..items-1) and `consumers` consumers (get,
    // record the square in a thread-safe results collection, task_done; end when get() throws
    // pclab::ShutDown). Then wait until every number has been processed, end the consumers
    // and join every thread, in an order that can neither lose a number nor hang; return the
    // squares. Use pclab::thread and pclab::mutex.
    throw NotImplemented("run_seed_pipeline");
}

}  // namespace pclab
