/// @file
/// @brief `PosixSemaphore`: a POSIX `sem_t` (unnamed, process-private) owned by an object.
///
/// The textbook semaphore buffer's semaphores. Why POSIX and not `std::counting_semaphore`:
/// GCC 12's std one can lose a wake-up under contention (GCC bugs 98033 and 104928; see
/// `<pclab/condvar_semaphore.hpp>`), which would hang the benchmark now and then. The kit's
/// `pclab::condvar_semaphore` cannot lose one, but it is a mutex and a condition variable: a
/// buffer built on two of them is three monitors, not the semaphore buffer of the textbooks.
/// glibc's `sem_t` is the primitive those textbooks use (sem_wait/sem_post): an atomic count
/// with a waiter count and a futex, which never sleeps on a count it could take.
#pragma once

#include <semaphore.h>

#include <cerrno>
#include <cstddef>
#include <system_error>

namespace pclab_bench {

/// @brief An unnamed POSIX semaphore for the threads of this process.
/// Thread-safe. Not copyable or movable (a sem_t must not be copied).
class PosixSemaphore {
  public:
    /// @brief A semaphore of count `initial`. Throws std::system_error when sem_init fails
    ///        (e.g. initial > SEM_VALUE_MAX).
    explicit PosixSemaphore(std::size_t initial) {
        if (sem_init(&semaphore_, 0, static_cast<unsigned>(initial)) != 0) {
            throw std::system_error(errno, std::generic_category(), "sem_init");
        }
    }
    PosixSemaphore(const PosixSemaphore&) = delete;
    PosixSemaphore& operator=(const PosixSemaphore&) = delete;
    ~PosixSemaphore() { sem_destroy(&semaphore_); }

    /// @brief Waits until the count is positive, then decrements it. Blocks; a signal
    ///        handler's interruption (EINTR) is waited through.
    void acquire() {
        while (sem_wait(&semaphore_) != 0) {
            if (errno != EINTR) {
                throw std::system_error(errno, std::generic_category(), "sem_wait");
            }
        }
    }

    /// @brief Adds one to the count, waking one waiter if any. Never blocks.
    void release() {
        if (sem_post(&semaphore_) != 0) {
            throw std::system_error(errno, std::generic_category(), "sem_post");
        }
    }

  private:
    sem_t semaphore_{};
};

}  // namespace pclab_bench
