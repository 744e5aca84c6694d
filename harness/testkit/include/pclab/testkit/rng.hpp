/// @file
/// @ingroup testkit
/// @brief Rng: the seeded random generator tests draw every random choice from.
#pragma once

#include <cstdint>
#include <limits>
#include <random>

namespace pclab::testkit {

/// @brief A seeded pseudo-random generator whose sequence is the same on every platform.
///
/// The engine is `std::mt19937_64`, whose output the C++ standard fixes bit for bit. The
/// distributions below are written here rather than taken from `<random>`, because the
/// standard's distributions may differ between library implementations, and a seed must replay
/// the same test on g++ and clang++ alike.
///
/// Satisfies `std::uniform_random_bit_generator`, so it also works with `std::shuffle`.
/// Not thread-safe: give each thread its own Rng (seed it with `next()` of a parent Rng).
class Rng {
  public:
    /// @brief The type of the raw values operator() returns.
    using result_type = std::uint64_t;

    /// @brief Seeds the generator.
    /// @param seed any value; equal seeds give equal sequences.
    explicit Rng(std::uint64_t seed) : engine_(seed) {}

    /// @brief The smallest raw value.
    static constexpr result_type min() { return std::numeric_limits<result_type>::min(); }
    /// @brief The largest raw value.
    static constexpr result_type max() { return std::numeric_limits<result_type>::max(); }

    /// @brief Returns the next raw 64-bit value.
    result_type operator()() { return engine_(); }

    /// @brief Returns the next raw 64-bit value (handy for seeding a child Rng).
    result_type next() { return engine_(); }

    /// @brief Returns a value uniformly distributed in `[0, bound)`.
    ///
    /// Requires: `bound > 0` (throws `std::invalid_argument` otherwise).
    std::uint64_t below(std::uint64_t bound);

    /// @brief Returns a value uniformly distributed in `[low, high]` (both ends included).
    ///
    /// Requires: `low <= high` (throws `std::invalid_argument` otherwise).
    std::int64_t between(std::int64_t low, std::int64_t high);

    /// @brief Returns a value in `[low, high]` whose logarithm is roughly uniform.
    ///
    /// Small sizes (where edge cases live) come up as often as large ones (where races show
    /// up): between(1, 4000) would almost never give a size below 10.
    /// Requires: `1 <= low <= high` (throws `std::invalid_argument` otherwise).
    std::int64_t log_uniform(std::int64_t low, std::int64_t high);

  private:
    std::mt19937_64 engine_;
};

}  // namespace pclab::testkit
