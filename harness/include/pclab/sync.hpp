/// @file
/// @ingroup sync_layer
/// @brief The synchronisation vocabulary lab code uses: `pclab::mutex`,
///        `pclab::condition_variable`, `pclab::counting_semaphore`, `pclab::binary_semaphore`,
///        `pclab::thread` and `pclab::this_thread::yield`, `sleep_for`, `sleep_until`.
///
/// Lab code (student files, reference solutions, the given parts of each lab) names these
/// instead of the `std::` types. Everything you know about the standard types holds exactly:
/// `std::unique_lock<pclab::mutex>`, `std::lock_guard<pclab::mutex>` and `std::scoped_lock`
/// work, and `pclab::condition_variable::wait`, `wait_for` and `wait_until` take a
/// `std::unique_lock<pclab::mutex>`, with or without a predicate.
///
/// Why the indirection: when the macro `PCLAB_SYNC_PERTURB` is defined (the kit defines it
/// for every lab's test programs), `pclab::mutex`, `pclab::condition_variable` and
/// `pclab::counting_semaphore` name the seeded perturbing wrappers of
/// `<pclab/perturbed_sync.hpp>` instead: they behave like the `std::` types in every way the
/// standard promises, but yield at random around lock and unlock and sometimes wake a waiter
/// spuriously, which makes rare interleavings (and the bugs that need them) common. Code written
/// against `pclab::` names picks that up by recompiling; code that names `std::mutex` directly
/// would silently escape it. Without the macro (the demos, your own programs) every name below
/// is a plain alias of its `std::` counterpart at zero cost — except the semaphores, which are
/// `pclab::condvar_semaphore` (`<pclab/condvar_semaphore.hpp>`) in every build but exploration:
/// GCC 12's `std::counting_semaphore` can lose a wake-up, and a correct semaphore solution
/// must never be failed for the library's bug.
///
/// When the macro `PCLAB_SYNC_EXPLORE` is defined (the kit defines it for each lab's
/// exploration program), every name, `pclab::thread` and `pclab::this_thread` included, names
/// the controlled-scheduler wrapper of `<pclab/explore/sync.hpp>`: threads run one at a time,
/// every lock, unlock, wait, notify, semaphore operation, thread start and join is a point
/// where a seeded strategy picks who runs next, and a failing schedule can be printed step by
/// step and replayed exactly. This is why the grader rejects lab code that names `std::mutex`,
/// `std::condition_variable`, `std::thread` (and the other std primitives) directly: those
/// threads and locks would run outside the scheduler, which could then neither see nor
/// control them.
#pragma once

#include <condition_variable>
#include <cstddef>
#include <mutex>
#include <semaphore>
#include <thread>
#include <type_traits>

#include "pclab/condvar_semaphore.hpp"

#if defined(PCLAB_SYNC_EXPLORE) && defined(PCLAB_SYNC_PERTURB)
#error "PCLAB_SYNC_EXPLORE and PCLAB_SYNC_PERTURB are two build modes; define at most one"
#endif

#ifdef PCLAB_SYNC_PERTURB
#include "pclab/perturbed_sync.hpp"
#endif
#ifdef PCLAB_SYNC_EXPLORE
#include "pclab/explore/sync.hpp"
#endif

/// @brief Everything lab code includes from the kit: synchronisation names and the errors
///        that lab contracts throw.
namespace pclab {

#if !defined(PCLAB_SYNC_PERTURB) && !defined(PCLAB_SYNC_EXPLORE)

/// @brief A non-recursive mutual-exclusion lock; an alias of `std::mutex`.
///
/// Use it with `std::lock_guard`, `std::unique_lock` or `std::scoped_lock`.
/// Thread-safe. `lock()` blocks.
using mutex = std::mutex;

/// @brief A condition variable that waits with a `std::unique_lock<pclab::mutex>`; an alias of
///        `std::condition_variable`.
///
/// Waits may wake spuriously: always re-check the condition in a loop, or use the overloads
/// that take a predicate. Thread-safe. `wait*` blocks.
using condition_variable = std::condition_variable;

/// @brief A counting semaphore with the interface and guarantees of
///        `std::counting_semaphore<LeastMaxValue>`: `pclab::condvar_semaphore`, which cannot
///        lose a wake-up the way GCC 12's std one can (see `<pclab/condvar_semaphore.hpp>`).
///
/// Thread-safe. `acquire()` blocks.
/// @tparam LeastMaxValue the largest count the semaphore must be able to hold.
template <std::ptrdiff_t LeastMaxValue = std::counting_semaphore<>::max()>
using counting_semaphore = condvar_semaphore<LeastMaxValue>;

/// @brief A semaphore whose count is 0 or 1; the `std::binary_semaphore` of these names.
///
/// Thread-safe. `acquire()` blocks.
using binary_semaphore = counting_semaphore<1>;

/// @brief A thread of execution; an alias of `std::thread`.
///
/// Requires: join every `pclab::thread` before it is destroyed (C++ has no daemon threads; a
/// joinable thread's destructor calls `std::terminate`).
using thread = std::thread;

/// @brief What a thread can do to itself: `yield()`, `sleep_for()`, `sleep_until()` (the
///        `std::this_thread` functions).
namespace this_thread {
using std::this_thread::sleep_for;
using std::this_thread::sleep_until;
using std::this_thread::yield;
}  // namespace this_thread

#elif defined(PCLAB_SYNC_PERTURB)  // the same names, perturbing (see pclab/perturbed_sync.hpp)

using mutex = perturbation::mutex;
using condition_variable = perturbation::condition_variable;
template <std::ptrdiff_t LeastMaxValue = std::counting_semaphore<>::max()>
using counting_semaphore = perturbation::counting_semaphore<LeastMaxValue>;
using binary_semaphore = counting_semaphore<1>;
using thread = std::thread;
namespace this_thread {
using std::this_thread::sleep_for;
using std::this_thread::sleep_until;
using std::this_thread::yield;
}  // namespace this_thread

#else  // PCLAB_SYNC_EXPLORE: the same names, scheduler-controlled (pclab/explore/sync.hpp)

using mutex = explore::mutex;
using condition_variable = explore::condition_variable;
template <std::ptrdiff_t LeastMaxValue = std::counting_semaphore<>::max()>
using counting_semaphore = explore::counting_semaphore<LeastMaxValue>;
using binary_semaphore = counting_semaphore<1>;
using thread = explore::thread;
namespace this_thread {
using explore::this_thread::sleep_for;
using explore::this_thread::sleep_until;
using explore::this_thread::yield;
}  // namespace this_thread

#endif

// In every mode the semaphores must hold exactly the counts of the std ones they stand for.
static_assert(counting_semaphore<>::max() == std::counting_semaphore<>::max(),
              "pclab::counting_semaphore<> must hold what std::counting_semaphore<> holds");
static_assert(binary_semaphore::max() == std::binary_semaphore::max(),
              "pclab::binary_semaphore must hold what std::binary_semaphore holds");

}  // namespace pclab
