#include "pclab/testkit/rng.hpp"

#include <algorithm>
#include <bit>
#include <stdexcept>

namespace pclab::testkit {

std::uint64_t Rng::below(std::uint64_t bound) {
    if (bound == 0) {
        throw std::invalid_argument("Rng::below: bound must be > 0");
    }
    // Rejection sampling: raw values in the incomplete last block of `bound` values would make
    // small results likelier, so draw again when one comes up. At most half of the range is
    // rejected, so the expected number of draws is below 2.
    const std::uint64_t limit = max() - max() % bound;
    std::uint64_t raw = engine_();
    while (raw >= limit) {
        raw = engine_();
    }
    return raw % bound;
}

std::int64_t Rng::between(std::int64_t low, std::int64_t high) {
    if (low > high) {
        throw std::invalid_argument("Rng::between: requires low <= high");
    }
    // Unsigned arithmetic: high - low may not fit in int64, and wraps correctly in uint64.
    const std::uint64_t span = static_cast<std::uint64_t>(high) - static_cast<std::uint64_t>(low);
    const std::uint64_t offset = span == max() ? engine_() : below(span + 1);
    return static_cast<std::int64_t>(static_cast<std::uint64_t>(low) + offset);
}

std::int64_t Rng::log_uniform(std::int64_t low, std::int64_t high) {
    if (low < 1 || low > high) {
        throw std::invalid_argument("Rng::log_uniform: requires 1 <= low <= high");
    }
    // Pick the bit length first (uniformly), then a value of that length within [low, high].
    const int low_bits = static_cast<int>(std::bit_width(static_cast<std::uint64_t>(low)));
    const int high_bits = static_cast<int>(std::bit_width(static_cast<std::uint64_t>(high)));
    const auto bits = static_cast<int>(between(low_bits, high_bits));
    const std::int64_t from = std::max(low, std::int64_t{1} << (bits - 1));
    const std::int64_t to = bits >= 63 ? high : std::min(high, (std::int64_t{1} << bits) - 1);
    return between(from, to);
}

}  // namespace pclab::testkit
