// The chart of a `./pclab bench` run for the docs: throughput against capacity, one line per
// implementation, one small panel per (mode, producers/consumers), a logarithmic y axis shared
// by every panel (the implementations differ by orders of magnitude). Written as SVG by hand:
// a few rectangles, lines and texts need no plotting library.
#pragma once

#include <string>

#include "bench_results.hpp"

namespace pclab::grader {

/// A base-10 logarithmic axis over whole decades.
struct LogAxis {
    int low_exponent = 0;   ///< the axis starts at 10^low_exponent
    int high_exponent = 1;  ///< and ends at 10^high_exponent (> low_exponent)

    /// The smallest whole-decade axis holding [lowest, highest] (both > 0): e.g. 9000 and
    /// 2.1e6 → 10^3..10^7. Non-positive inputs are ignored; none left → 10^0..10^1.
    static LogAxis covering(double lowest, double highest);

    /// Where `value` (> 0) lies on a vertical axis drawn from `top` (10^high_exponent) to
    /// `top + height` (10^low_exponent); values outside are clamped to the ends.
    double position(double value, double top, double height) const;
};

/// "1", "10", "100", "1k", ..., "100M", "1G": the label of the decade 10^exponent.
std::string decade_label(int exponent);

/// The SVG document: a title and `subtitle` (e.g. the date and machine), a panel per (mode,
/// producers/consumers) of `results.configs` (rows: modes; columns: thread pairs) with
/// capacity on a logarithmic x axis and median items/s on the shared logarithmic y axis, one
/// polyline per implementation through its medians with a marker and a min..max whisker at
/// each point (failed or missing cells are left out), the baseline drawn thicker, and a legend
/// of every implementation's id and title. Requires: summarise() has run.
std::string throughput_chart_svg(const BenchResults& results, const std::string& subtitle);

}  // namespace pclab::grader
