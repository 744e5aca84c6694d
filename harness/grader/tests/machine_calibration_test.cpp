#include "machine_calibration.hpp"

#include <gtest/gtest.h>

namespace pclab::grader {
namespace {

using namespace std::chrono_literals;

TEST(TimeoutScale, IsTheSlowdownNeverBelowOneNorAboveTheCap) {
    EXPECT_EQ(timeout_scale_for(kReferenceWorkload / 2), 1.0);  // a faster machine
    EXPECT_EQ(timeout_scale_for(kReferenceWorkload), 1.0);
    EXPECT_DOUBLE_EQ(timeout_scale_for(kReferenceWorkload * 3 / 2), 1.5);
    EXPECT_EQ(timeout_scale_for(kReferenceWorkload * 100), kMaxTimeoutScale);
}

// The case that made the rule: `./pclab test` graded the reference solution at x1.12 while
// other work took the CPU; lab 03's unbounded-never-full ran into the watchdog's deadline at
// 80% of its budget while its producers were still making progress (last progress 1.2 s before).
TEST(RerunAtNewScale, OnlyWhenTheMachineGotClearlySlower) {
    EXPECT_TRUE(rerun_at_new_scale(1.12, kMaxTimeoutScale));
    EXPECT_TRUE(rerun_at_new_scale(1.0, kSlowdownWorthARerun));
    EXPECT_FALSE(rerun_at_new_scale(1.0, 1.3));  // the workload's own noise
    EXPECT_FALSE(rerun_at_new_scale(2.0, 2.9));
    // At the cap a rerun would change nothing: a true deadlock is not run twice.
    EXPECT_FALSE(rerun_at_new_scale(kMaxTimeoutScale, kMaxTimeoutScale));
}

TEST(MachineCalibration, MeasuresTheWorkloadAndScalesWithinBounds) {
    const MachineCalibration calibration = calibrate_machine();
    EXPECT_GT(calibration.measured, 0us);
    EXPECT_GE(calibration.timeout_scale, 1.0);
    EXPECT_LE(calibration.timeout_scale, kMaxTimeoutScale);
    EXPECT_DOUBLE_EQ(calibration.timeout_scale, timeout_scale_for(calibration.measured));
}

}  // namespace
}  // namespace pclab::grader
