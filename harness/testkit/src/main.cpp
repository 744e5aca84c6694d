// The GoogleTest main() of every pclab test program (target pclab::testkit_main).
//
// Beyond GoogleTest's own main it: fixes the run's base seed (PCLAB_SEED, or a drawn one it
// announces), installs the SeedListener (every failure prints [pclab:seed] and a replay command)
// and, when PCLAB_TIMEOUT_MS is set, starts the Watchdog. A malformed PCLAB_SEED or
// PCLAB_TIMEOUT_MS is the harness's mistake, not the student's: it ends the run with status 2
// and says which variable is wrong.
#include <gtest/gtest.h>

#include <exception>
#include <iostream>
#include <optional>

#include "pclab/testkit/seed.hpp"
#include "pclab/testkit/seed_listener.hpp"
#include "pclab/testkit/watchdog.hpp"

namespace {
constexpr int kBadEnvironmentStatus = 2;  // same as a usage error
}  // namespace

int main(int argc, char** argv) {
    ::testing::InitGoogleTest(&argc, argv);
    try {
        const std::uint64_t seed = pclab::testkit::base_seed();
        const auto budget = pclab::testkit::Watchdog::budget_from_environment();
        ::testing::UnitTest::GetInstance()->listeners().Append(
            new pclab::testkit::SeedListener(seed, argc > 0 ? argv[0] : "tests", std::cerr));
        std::optional<pclab::testkit::Watchdog> watchdog;
        if (budget) {
            watchdog.emplace(*budget);
        }
        return RUN_ALL_TESTS();
    } catch (const std::exception& error) {
        std::cerr << "pclab: " << error.what() << "\n";
        return kBadEnvironmentStatus;
    }
}
