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

}  // namespace pclab::grader
