// Exploration scenario of lab 04: one task_done() too many, racing with the others and with a
// joiner (built with PCLAB_SYNC_EXPLORE: the queue's pclab::mutex and pclab::condition_variable
// are the controlled scheduler's). The main thread puts 0 and 1, then starts a joiner and two
// consumers; consumer 1 gets a number and calls task_done() once, consumer 2 calls it twice for
// its one number (the bug of a worker that marks an item done in its loop and again in its
// cleanup). Three calls for two puts: whichever call comes last, in whatever order the
// scheduler runs them, must throw std::logic_error("task_done() called too many times") and
// change nothing, so that the joiner still returns (once two calls were accepted) and the count
// ends at 0. Each call site catches the refusal; a call that returns normally although every put
// already had its task_done() is reported on the spot, before a count gone below 0 can hang a
// joiner. The same two numbers as the other scenarios: enough to put the extra call before,
// between and after the legitimate ones, and the joiner's wake-up on either side of it.
//
// Measured, PCLAB_SEED=1..20 and PCLAB_EXPLORE_STRATEGY=random, then pct (schedules to the
// first failure, min / median / max over the 20 seeds; in parentheses the longest exploration's
// wall time, the search for a shorter trace included), 2 cores at load average 5-8:
//   unsafe:task_done_goes_negative      random and pct: schedule 1 for every seed (0.07 s);
//                                       assertion 40/40 (the variant never refuses, so every
//                                       schedule shows it)
//   unsafe:join_waits_for_empty_queue   random min 1 / median 2 / max 21 (0.08 s),
//                                       pct min 1 / median 1 / max 6 (0.06 s); early-join 40/40
//   unsafe:task_done_without_notify     random min 1 / median 1 / max 1 (0.06 s),
//                                       pct min 1 / median 1 / max 2 (0.05 s); deadlock 40/40
//   unsafe:task_done_notifies_one       pass: one joiner
//   a check-then-act task_done()        (not a kit variant; built by hand: the reference with
//                                       the check for 0 and the decrement under two separate
//                                       locks) PCLAB_SEED=1..5: random 2-18 schedules, pct
//                                       2-32; assertion: here the interleaving is the bug
//   solution                            no failure: 1000 schedules per strategy for each of
//                                       the 20 seeds, and 5000 per strategy for seeds 1-3
//   unsafe:join_polls_with_sleep,       pass: their defects are data races (ThreadSanitizer's
//   unsafe:counter_outside_lock         checks); under the scheduler the racy code runs with no
//                                       scheduling point inside it, so it cannot interleave
#include <gtest/gtest.h>

#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include "explore_task_books.hpp"
#include "pclab/errors.hpp"
#include "pclab/explore/lab_exploration.hpp"
#include "pclab/sync.hpp"
#include "queue.hpp"

namespace {

using lab04_explore::TaskBooks;
using pclab::explore::check_category;

// The one wording of the precondition: the same in the header, the exception and this test.
constexpr std::string_view kTooManyMessage = "task_done() called too many times";
constexpr std::string_view kAssertion = "assertion";

constexpr int kNumbers = 2;
constexpr int kCalls = kNumbers + 1;  // consumer 2 calls task_done() twice for its number

// The task accounting of one run: calls begun (in `tasks`), calls that returned normally, calls
// the queue refused with the contract's std::logic_error.
struct CallBooks {
    TaskBooks tasks{kNumbers};
    int accepted = 0;
    int refused = 0;
};

// One task_done() call by `who`, with its outcome booked. A refusal is expected of the call too
// many (whichever it is); pclab::NotImplemented, also a std::logic_error, escapes, so an
// unfinished stub fails as not-implemented.
void task_done_booked(pclab::Queue<int>& queue, CallBooks& books, const std::string& who) {
    ++books.tasks.task_dones_started;  // before the call: see explore_task_books.hpp
    try {
        queue.task_done();
    } catch (const pclab::NotImplemented&) {
        throw;
    } catch (const std::logic_error& error) {
        check_category(std::string_view(error.what()) == kTooManyMessage, kAssertion,
                       who + ": task_done() with nothing unfinished threw std::logic_error(\"" +
                           error.what() + "\"); the contract's message is \"" +
                           std::string(kTooManyMessage) + "\"");
        ++books.refused;
        return;
    }
    ++books.accepted;
    check_category(books.accepted <= kNumbers, kAssertion,
                   who + ": task_done() returned normally although all " +
                       std::to_string(kNumbers) +
                       " puts already had their task_done(): with nothing unfinished it must "
                       "throw std::logic_error(\"" +
                       std::string(kTooManyMessage) +
                       "\") and change nothing; instead the count went below 0, and from now "
                       "on every join() waits for good");
}

void one_task_done_too_many() {
    pclab::Queue<int> queue;
    CallBooks books;
    for (int number = 0; number < kNumbers; ++number) {
        queue.put(number);  // every put returns before anyone joins
    }

    std::vector<pclab::thread> threads;
    threads.reserve(3);  // the joiner and the two consumers
    threads.emplace_back("joiner", [&] {
        queue.join();
        lab04_explore::check_joined_after_every_task_done(books.tasks, "joiner");
    });
    threads.emplace_back("consumer 1", [&] {
        const int number = queue.get();
        books.tasks.squares[static_cast<std::size_t>(number)] = number * number;
        task_done_booked(queue, books, "consumer 1");
    });
    threads.emplace_back("consumer 2", [&] {
        const int number = queue.get();
        books.tasks.squares[static_cast<std::size_t>(number)] = number * number;
        task_done_booked(queue, books, "consumer 2");
        task_done_booked(queue, books, "consumer 2 (its second call for one number)");
    });
    for (pclab::thread& thread : threads) {
        thread.join();
    }
    check_category(books.refused == kCalls - kNumbers, kAssertion,
                   std::to_string(kCalls) + " task_done() calls for " + std::to_string(kNumbers) +
                       " puts, and " + std::to_string(books.refused) +
                       " of them threw std::logic_error: exactly the one too many must");
    const std::size_t unfinished = queue.unfinished_tasks();
    check_category(unfinished == 0, kAssertion,
                   "every put had its task_done() and the call too many was refused, yet "
                   "unfinished_tasks() is " +
                       std::to_string(unfinished) + ", not 0");
}

TEST(ExploreTaskDoneTooMany, OneCallTooManyRacesWithJoiner) {
    pclab::explore::explore_scenario("task-done-twice", one_task_done_too_many);
}

}  // namespace
