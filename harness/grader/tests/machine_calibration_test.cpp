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

TEST(MachineCalibration, MeasuresTheWorkloadAndScalesWithinBounds) {
    const MachineCalibration calibration = calibrate_machine();
    EXPECT_GT(calibration.measured, 0us);
    EXPECT_GE(calibration.timeout_scale, 1.0);
    EXPECT_LE(calibration.timeout_scale, kMaxTimeoutScale);
    EXPECT_DOUBLE_EQ(calibration.timeout_scale, timeout_scale_for(calibration.measured));
}

}  // namespace
}  // namespace pclab::grader
