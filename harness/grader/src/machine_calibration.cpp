#include "machine_calibration.hpp"

#include <algorithm>
#include <array>
#include <condition_variable>
#include <cstdint>
#include <mutex>
#include <thread>

namespace pclab::grader {
namespace {

using Clock = std::chrono::steady_clock;

// What a stress check mostly does: compute a little, then hand over to another thread and wait
// to be woken. Sizes chosen so one run takes ~20 ms on the reference machine.
constexpr int kHandOvers = 1000;
constexpr std::uint64_t kLoopIterations = 4'000'000;

std::uint64_t spin(std::uint64_t iterations) {
    std::uint64_t state = 88172645463325252ULL;
    for (std::uint64_t i = 0; i < iterations; ++i) {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
    }
    return state;
}

void ping_pong(int hand_overs) {
    std::mutex mutex;
    std::condition_variable turn_changed;
    int turn = 0;  // even: the main thread's turn, odd: the partner's
    std::thread partner([&] {
        for (int i = 0; i < hand_overs; ++i) {
            std::unique_lock lock(mutex);
            turn_changed.wait(lock, [&] { return turn % 2 == 1; });
            ++turn;
            turn_changed.notify_one();
        }
    });
    for (int i = 0; i < hand_overs; ++i) {
        std::unique_lock lock(mutex);
        ++turn;
        turn_changed.notify_one();
        turn_changed.wait(lock, [&] { return turn % 2 == 0; });
    }
    partner.join();
}

std::chrono::microseconds time_workload() {
    const auto start = Clock::now();
    volatile std::uint64_t sink = spin(kLoopIterations);
    (void)sink;
    ping_pong(kHandOvers);
    return std::chrono::duration_cast<std::chrono::microseconds>(Clock::now() - start);
}

}  // namespace

double timeout_scale_for(std::chrono::microseconds measured) {
    const double ratio =
        static_cast<double>(measured.count()) / static_cast<double>(kReferenceWorkload.count());
    return std::clamp(ratio, 1.0, kMaxTimeoutScale);
}

bool rerun_at_new_scale(double used_scale, double measured_scale) {
    return measured_scale >= used_scale * kSlowdownWorthARerun;
}

MachineCalibration calibrate_machine() {
    std::array<std::chrono::microseconds, 3> runs{};
    for (auto& run : runs) {
        run = time_workload();
    }
    std::sort(runs.begin(), runs.end());
    MachineCalibration calibration;
    calibration.measured = runs[1];
    calibration.timeout_scale = timeout_scale_for(calibration.measured);
    return calibration;
}

}  // namespace pclab::grader
