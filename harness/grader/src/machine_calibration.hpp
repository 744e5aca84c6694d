// How much slower than the kit's reference machine this machine runs right now, measured once
// per grading run, so that check timeouts stretch on a slow or loaded runner instead of turning
// correct code into `deadlock`.
//
// The rule (docs/grading.md, "Timeouts"): a short reference workload — a CPU loop and a
// ping-pong of wake-ups between two threads, the two things a check spends its time on — is
// timed three times; the median divided by the time the same workload takes on the reference
// machine (2 cores, idle) is the slowdown. Every check's timeout is multiplied by
// max(1, slowdown), capped at kMaxTimeoutScale: a faster machine keeps the declared timeouts,
// a machine so slow or loaded that even the cap is not enough is not one to grade on.
#pragma once

#include <chrono>

namespace pclab::grader {

/// The workload's median on the reference machine, idle (`./pclab grade` prints the
/// measurement each run; docs/grading.md records how this figure was taken).
inline constexpr std::chrono::microseconds kReferenceWorkload{20000};
/// No timeout is stretched further than this.
inline constexpr double kMaxTimeoutScale = 4.0;

struct MachineCalibration {
    std::chrono::microseconds measured{0};  ///< median of three runs of the workload
    double timeout_scale = 1.0;             ///< what check timeouts are multiplied by
};

/// Runs the reference workload three times (about 0.2 s on the reference machine).
MachineCalibration calibrate_machine();

/// The timeout scale for a measured workload time: measured / reference, at least 1, at most
/// kMaxTimeoutScale.
double timeout_scale_for(std::chrono::microseconds measured);

/// A run that ended as `deadlock` is measured again only when the machine, measured anew, has
/// become at least this much slower than the scale the run had: below it, the difference is the
/// workload's own noise, and a true deadlock is not worth a second timeout.
inline constexpr double kSlowdownWorthARerun = 1.5;

/// The rule for a check run that ended as `deadlock` (a watchdog or a timeout) at `used_scale`,
/// with the machine now measured at `measured_scale`: true when the machine got slower by
/// kSlowdownWorthARerun or more since the scale was set, so that the timeout, not the code, may
/// have ended the run. The run is then repeated once, same seed, at `measured_scale`, and its
/// verdict stands. A grading run lasts minutes, and the load of a shared runner changes within
/// them; one measurement at the start cannot know.
bool rerun_at_new_scale(double used_scale, double measured_scale);

}  // namespace pclab::grader
