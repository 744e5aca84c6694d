/// @file
/// @ingroup testkit
/// @brief StressTest: the fixture base for randomised, many-round concurrency tests.
#pragma once

#include <gtest/gtest.h>

#include <cstdint>
#include <string>

#include "pclab/testkit/rng.hpp"

namespace pclab::testkit {

/// @brief A fixture that owns the test's seed and random generator, and runs rounds.
///
/// @code
/// class PipelineResults : public pclab::testkit::StressTest {};
///
/// TEST_F(PipelineResults, ExactlySquares) {
///     run_rounds(kRounds, [&](int) {
///         const int consumers = static_cast<int>(rng().between(1, 8));
///         ...
///     });
/// }
/// @endcode
///
/// The seed is current_test_seed(): it depends only on `PCLAB_SEED` and the test's name, so a
/// failing test replays on its own with the same choices. It is also recorded as the
/// GoogleTest property `pclab_test_seed` (visible in `--gtest_output=json`).
class StressTest : public ::testing::Test {
  protected:
    StressTest();

    /// @brief Records the seed as a test property.
    void SetUp() override;

    /// @brief This test's seed.
    std::uint64_t seed() const { return seed_; }

    /// @brief This test's generator, seeded with seed(). Use it from the test thread only;
    ///        give worker threads their own `Rng(rng().next())`.
    Rng& rng() { return rng_; }

    /// @brief Calls `round(r)` for r = 0 .. rounds-1 and stops after the first round that
    ///        failed, so a broken implementation produces one clear report rather than hundreds.
    ///
    /// Each round runs under a `SCOPED_TRACE("round r of rounds")`, so a failure says which
    /// round; rounds draw their parameters from rng(), so the seed replays the whole sequence.
    template <class Round>
    void run_rounds(int rounds, Round&& round) {
        for (int r = 0; r < rounds; ++r) {
            SCOPED_TRACE("round " + std::to_string(r) + " of " + std::to_string(rounds));
            round(r);
            if (HasFailure()) {
                return;
            }
        }
    }

  private:
    std::uint64_t seed_;
    Rng rng_;
};

}  // namespace pclab::testkit
