/// @file
/// @ingroup testkit
/// @brief Seeds: the run's base seed (from `PCLAB_SEED`) and the per-test seed derived from it.
///
/// Every random choice a test makes (thread counts, sizes, perturbations) comes from an Rng
/// seeded with current_test_seed(). The per-test seed depends only on the base seed and the
/// test's full name, never on which other tests ran before it, so
/// `PCLAB_SEED=<n> ./tests --gtest_filter=Suite.Name` replays exactly the choices of that test
/// in a full run with the same base seed.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace pclab::testkit {

/// @brief Parses a seed written as a decimal unsigned 64-bit integer (the `PCLAB_SEED` format).
/// @return the value, or nothing if `text` is empty, has a character other than 0-9, or
///         overflows 64 bits.
std::optional<std::uint64_t> parse_seed(std::string_view text);

/// @brief Returns the run's base seed.
///
/// The first call reads `PCLAB_SEED`. When it is absent, the first call draws a seed from
/// `std::random_device` and says so on stderr (with the variable to set to replay the run).
/// Later calls return the same value.
/// Throws `std::invalid_argument` if `PCLAB_SEED` is set but is not a decimal u64.
/// Thread-safe. Never blocks for long.
std::uint64_t base_seed();

/// @brief Derives a test's seed from the base seed and the test's full name.
///
/// A pure function (FNV-1a of the name, mixed with the base seed by SplitMix64's finaliser):
/// the same inputs give the same seed on every platform and in every build, and different
/// names give unrelated seeds.
/// @param base the run's base seed.
/// @param test_full_name `Suite.Name` as GoogleTest prints it.
std::uint64_t derive_test_seed(std::uint64_t base, std::string_view test_full_name);

/// @brief Returns `Suite.Name` of the GoogleTest test that is running on this process.
///
/// Requires: called while a test runs (from its body, fixture or a thread it started).
std::string current_test_full_name();

/// @brief Returns derive_test_seed(base_seed(), current_test_full_name()).
///
/// Requires: called while a test runs.
std::uint64_t current_test_seed();

}  // namespace pclab::testkit
