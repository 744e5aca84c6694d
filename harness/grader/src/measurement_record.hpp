// The first line of every measurement page the kit writes into docs/ (`./pclab rates`,
// `./pclab fairness`): when and on what it was measured, so a figure is never quoted without
// its machine.
#pragma once

#include <string>

namespace pclab::grader {

/// "Measured 2026-11-29 on x86_64 (2 cores)": today's UTC date, the machine architecture and
/// the number of hardware threads.
std::string measured_on_today();

}  // namespace pclab::grader
