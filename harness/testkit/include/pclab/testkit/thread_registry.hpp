/// @file
/// @ingroup testkit
/// @brief Who is running and what each thread is inside: the registry the watchdog reports.
///
/// A thread that takes part in a test registers under a role (`producer 0`, `consumer 2`,
/// `main`) with a WatchedThread, attaches itself to that registration, and marks the calls it
/// may block in with ScopedActivity. When the watchdog fires it prints one line per
/// registration:
///
/// @code
///   main: waiting for workers
///   producer 0: finished
///   consumer 2: blocked in get()
/// @endcode
///
/// StressRunner does the registering and attaching for its workers; tests only add
/// ScopedActivity markers around calls into the code under test.
///
/// A registration is either a participant or an observer (ThreadKind). The watchdog's
/// everyone-asleep rule waits for the participants only: an observer that keeps polling the
/// code under test while every participant sleeps for ever does not hide the deadlock.
///
/// **Lock safety.** The registry's mutex is held only inside the WatchedThread constructor and
/// destructor and while the watchdog formats its report or lists the observers' thread ids,
/// never while a thread runs test code, so a report can always be taken while workers are
/// stuck. A thread's state, activity and thread id are atomics written only by that thread
/// (relaxed: they order nothing, so they cannot hide a data race in the code under test from
/// ThreadSanitizer).
#pragma once

#include <sys/types.h>

#include <chrono>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

namespace pclab::testkit {

struct ThreadRecord;  // defined in thread_registry.cpp

/// @brief What a registered thread is to the watchdog (watchdog.hpp).
enum class ThreadKind : std::uint8_t {
    /// Takes part in the test: its running can make the others progress, so the watchdog's
    /// everyone-asleep rule waits until it too is asleep. The default, and the safe choice.
    participant,
    /// Only watches the code under test (reads qsize(), polls a flag) and ends soon after the
    /// participants are done. The everyone-asleep rule ignores it, running or asleep, and
    /// nothing it does counts as progress: otherwise an observer that keeps polling while
    /// every participant sleeps for ever would hold the report back until the late deadline.
    ///
    /// Requires of the test: no participant ever waits for an observer: not for a value, a
    /// notification, a lock it holds for long, nor for its end other than in the final join
    /// (an observer stops by itself soon after the participants finish or tell it to). A
    /// participant waiting for an observer would look deadlocked after the watchdog's quiet
    /// window.
    observer,
};

/// @brief One thread's registration with the watchdog, for as long as this object lives.
///
/// Abstract state: a `role`, a `kind` (both fixed), a `state` text (`starting`, `running`,
/// `finished`, ...), the innermost ScopedActivity of the attached thread, if any, and the
/// kernel thread id of the attached thread while it is attached.
///
/// Create it on any thread; the thread it describes calls attach_current_thread().
/// Not copyable or movable. Constructor and destructor are thread-safe and never block for
/// long.
class WatchedThread {
  public:
    /// @brief Registers a thread under `role`, state `starting`.
    /// @param role the name the watchdog prints, e.g. `consumer 2`.
    /// @param kind ThreadKind::observer for a thread that only watches (see its requirements).
    explicit WatchedThread(std::string role, ThreadKind kind = ThreadKind::participant);

    /// @brief Removes the registration.
    ///
    /// Requires: no thread is still attached (its Attachment was destroyed).
    ~WatchedThread();

    WatchedThread(const WatchedThread&) = delete;             ///< Not copyable.
    WatchedThread& operator=(const WatchedThread&) = delete;  ///< Not copyable.

    /// @brief While it lives, the calling thread is the one this registration describes.
    ///
    /// Its destructor sets the state to `finished`, forgets the thread id and restores the
    /// calling thread's previous attachment (attachments nest). A thread counts as an observer
    /// while an attachment of it to an observer registration lives, nested ones included.
    class Attachment {
      public:
        ~Attachment();
        Attachment(const Attachment&) = delete;             ///< Not copyable.
        Attachment& operator=(const Attachment&) = delete;  ///< Not copyable.

      private:
        friend class WatchedThread;
        Attachment(ThreadRecord* record, ThreadRecord* previous)
            : record_(record), previous_(previous) {}
        ThreadRecord* record_;
        ThreadRecord* previous_;
    };

    /// @brief Attaches the calling thread: ScopedActivity markers on this thread now update
    ///        this registration, which records the thread's kernel id (for the watchdog to
    ///        tell an observer's thread from the others).
    ///
    /// Requires: the returned Attachment is destroyed on the same thread, before this object.
    [[nodiscard]] Attachment attach_current_thread();

    /// @brief Sets the state text shown when no ScopedActivity is active; progress unless
    ///        this is an observer's registration.
    ///
    /// Requires: `state` has static storage duration (a string literal).
    /// Thread-safe. Never blocks.
    void set_state(const char* state);

  private:
    std::unique_ptr<ThreadRecord> record_;
};

/// @brief Marks the calling thread as inside a call that may block, for as long as it lives.
///
/// `ScopedActivity inside{"get()"};` makes the watchdog report this thread as
/// `blocked in get()` (when the watchdog fires, a thread still inside a call is stuck in it).
/// Markers nest; the innermost one is shown. On a thread that is not attached to a
/// WatchedThread it only notes progress; on an observer's thread it does not even do that.
///
/// Requires: `call` has static storage duration (a string literal).
/// Never blocks. Cost: two relaxed atomic stores and a clock read.
class ScopedActivity {
  public:
    /// @brief Enters the activity.
    /// @param call what the thread is inside, e.g. `get()` or `ResultList::append()`.
    explicit ScopedActivity(const char* call);
    /// @brief Leaves the activity; the enclosing one (if any) is shown again.
    ~ScopedActivity();
    ScopedActivity(const ScopedActivity&) = delete;             ///< Not copyable.
    ScopedActivity& operator=(const ScopedActivity&) = delete;  ///< Not copyable.

  private:
    ThreadRecord* record_;
    const char* previous_;
};

/// @brief Returns one line per registration, oldest first: `  <role>: <state>` or
///        `  <role>: blocked in <call>`.
///
/// Thread-safe. Blocks only for registrations in progress (never for a stuck worker).
std::vector<std::string> describe_watched_threads();

/// @brief Returns the kernel thread ids of the threads now attached to observer registrations.
///
/// The watchdog's everyone-asleep rule leaves these threads out. Thread-safe. Blocks only for
/// registrations in progress (never for a stuck worker).
std::vector<pid_t> observer_thread_ids();

/// @brief Records that something happened (a state or activity changed) now.
///
/// The WatchedThread and ScopedActivity members call it; call it yourself from a long loop that
/// makes progress without changing state. On a thread attached to an observer registration it
/// does nothing: an observer's reads are not the progress of the code under test, and counting
/// them would keep a deadlock from ever looking quiet. Thread-safe. Never blocks.
void note_progress();

/// @brief Returns how long ago note_progress() was last called (directly or by a state or
///        activity change); since process start if never.
std::chrono::milliseconds time_since_progress();

}  // namespace pclab::testkit
