// Whether the machine has two cores free right now: the condition under which a throughput
// ratio says something about a queue's design.
//
// The textbook queue is slow because a thread that sleeps must be woken on another core, and
// waking an idle core costs tens of microseconds. On a machine whose cores are all busy with
// other work that cost disappears (there is no idle core to wake; the woken thread simply waits
// its turn), spinning cannot help (the partner is not running), and every design moves items at
// the pace the scheduler grants it: the ratio falls towards 1 whatever the queue does. So the
// performance test only counts rounds bracketed by two probes that each found both of its
// threads running nearly all the time.
#pragma once

#include <time.h>

#include <algorithm>
#include <chrono>
#include <latch>
#include <thread>

namespace lab06 {

// CPU time of the calling thread. Not pclab::testkit::ThreadCpuClock: the lab's demo includes
// this header too, and a demo builds against the synchronisation layer alone, not the testkit.
inline std::chrono::nanoseconds thread_cpu_time() {
    timespec now{};
    ::clock_gettime(CLOCK_THREAD_CPUTIME_ID, &now);
    return std::chrono::seconds(now.tv_sec) + std::chrono::nanoseconds(now.tv_nsec);
}

// Runs two threads that each spin for `window` and returns the smaller of their shares of a
// core over it (CPU time / wall time, 0..1): near 1 when two cores were free, near 0.5 or less
// when other work took turns with them. Costs `window` of wall time and up to twice that of CPU.
inline double free_core_share(std::chrono::milliseconds window = std::chrono::milliseconds(20)) {
    using Clock = std::chrono::steady_clock;
    std::latch start(3);
    double shares[2] = {0, 0};
    std::thread spinners[2];
    for (int i = 0; i < 2; ++i) {
        spinners[i] = std::thread([&, i] {
            start.arrive_and_wait();
            const std::chrono::nanoseconds cpu_before = thread_cpu_time();
            const Clock::time_point began = Clock::now();
            Clock::time_point now = began;
            while (now - began < window) {
                now = Clock::now();
            }
            shares[i] = std::chrono::duration<double>(thread_cpu_time() - cpu_before).count() /
                        std::chrono::duration<double>(now - began).count();
        });
    }
    start.arrive_and_wait();
    for (std::thread& spinner : spinners) {
        spinner.join();
    }
    return std::min(shares[0], shares[1]);
}

}  // namespace lab06
