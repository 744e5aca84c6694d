/// @file
/// @ingroup testkit
/// @brief StressRunner: run named worker threads together, carry their exceptions home.
#pragma once

#include <cstddef>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "pclab/testkit/thread_registry.hpp"

namespace pclab::testkit {

/// @brief Runs a set of named workers (`producer 0`, `consumer 3`, ...) as threads that start
///        together, and reports what went wrong on the test thread.
///
/// run() guarantees:
/// - every worker runs on its own pclab::thread, registered with the watchdog under its role
///   (state `waiting to start`, `running`, then `finished`), as a ThreadKind::observer if it
///   was added with add_observers(), else as a participant; the test thread is registered as
///   `main`, state `waiting for workers`;
/// - no worker's body starts before every worker's thread exists and has woken up (they meet
///   at a std::latch, then at a brief spinning start line), so bodies start within microseconds
///   of each other: the overlap the test is looking for;
/// - every thread is joined before run() returns or throws;
/// - if bodies threw, the first exception (in time) is rethrown unchanged on the test thread,
///   after a note on stderr naming the worker's role: GoogleTest then reports the worker's
///   message (say `not implemented: ResultList::append`) instead of `std::terminate` ending the
///   process.
///
/// @code
/// StressRunner runner;
/// runner.add("producer", 1, [&](int) { produce(queue, items); });
/// runner.add("consumer", consumers, [&](int c) { consume(queue, c); });
/// runner.add_observers("observer", 2, [&](int) { while (!done) { check(queue.qsize()); } });
/// runner.on_first_exception([&] { queue.close(); });  // release the others
/// runner.run();
/// @endcode
///
/// Not thread-safe: build and run it from one thread. Use each runner once.
class StressRunner {
  public:
    /// @brief Adds one worker.
    /// @param role the name reported by the watchdog and in error notes.
    /// @param body what the worker does.
    void add(std::string role, std::function<void()> body);

    /// @brief Adds `count` workers named `<role> 0` ... `<role> <count-1>`.
    /// @param role the common role, e.g. `consumer`.
    /// @param count how many workers (0 adds none).
    /// @param body what worker `i` does; receives `i`.
    void add(std::string_view role, int count, const std::function<void(int)>& body);

    /// @brief Adds `count` observers named `<role> 0` ... `<role> <count-1>`: workers that only
    ///        watch the code under test, registered as ThreadKind::observer.
    ///
    /// The watchdog's everyone-asleep rule then ignores them, so a run whose other workers all
    /// sleep for ever (a lost wake-up) is reported after the quiet window even while the
    /// observers keep polling, instead of at 80% of the budget. Their ScopedActivity markers
    /// still name where they are in the report, but are not progress.
    ///
    /// Requires: `body` meets ThreadKind::observer's requirements: no other worker waits for
    /// an observer, and each observer ends by itself soon after the others have finished (or
    /// on_first_exception has released them).
    /// @param role the common role, e.g. `observer`.
    /// @param count how many observers (0 adds none).
    /// @param body what observer `i` does; receives `i`.
    void add_observers(std::string_view role, int count, const std::function<void(int)>& body);

    /// @brief Sets what to do, once, as soon as the first worker throws.
    ///
    /// Runs on the throwing worker's thread, right after its exception is captured. Use it to
    /// release workers that would otherwise wait forever for the one that died (close a queue,
    /// count down a latch), so the test fails fast instead of hanging until the watchdog fires.
    /// Its own exceptions are swallowed (the first exception is already on its way).
    void on_first_exception(std::function<void()> release);

    /// @brief Runs every worker to completion, then rethrows the first exception, if any.
    ///
    /// Requires: called once. Blocks until every worker has finished.
    void run();

    /// @brief How many workers threw during run() (0 if run() returned normally).
    std::size_t exceptions_thrown() const { return exceptions_thrown_; }

  private:
    struct Worker {
        std::string role;
        std::function<void()> body;
        ThreadKind kind = ThreadKind::participant;
    };
    // Adds `count` workers of `kind` named `<role> 0` ... `<role> <count-1>`.
    void add_numbered(std::string_view role, int count, const std::function<void(int)>& body,
                      ThreadKind kind);

    std::vector<Worker> workers_;
    std::function<void()> release_;
    std::size_t exceptions_thrown_ = 0;
    bool ran_ = false;
};

}  // namespace pclab::testkit
