#include "pclab/testkit/seed.hpp"

#include <gtest/gtest.h>

#include <cstdlib>
#include <iostream>
#include <limits>
#include <random>
#include <stdexcept>
#include <string>

namespace pclab::testkit {
namespace {

std::uint64_t read_or_draw_base_seed() {
    const char* text = std::getenv("PCLAB_SEED");
    if (text != nullptr) {
        if (std::optional<std::uint64_t> seed = parse_seed(text)) {
            return *seed;
        }
        throw std::invalid_argument(std::string("PCLAB_SEED must be a decimal unsigned 64-bit "
                                                "integer, got \"") +
                                    text + "\"");
    }
    std::random_device entropy;
    // random_device yields 32-bit values; two of them fill the 64-bit seed.
    const std::uint64_t seed = (std::uint64_t{entropy()} << 32) | std::uint64_t{entropy()};
    std::cerr << "pclab: PCLAB_SEED is not set; drew base seed " << seed
              << " (set PCLAB_SEED=" << seed << " to replay this run)\n";
    return seed;
}

// SplitMix64's output function: a bijection on 64-bit values with good avalanche, so nearby
// inputs (base seeds 1, 2, 3, ...) give unrelated outputs.
std::uint64_t mix64(std::uint64_t value) {
    value += 0x9e3779b97f4a7c15ULL;
    value = (value ^ (value >> 30)) * 0xbf58476d1ce4e5b9ULL;
    value = (value ^ (value >> 27)) * 0x94d049bb133111ebULL;
    return value ^ (value >> 31);
}

// 64-bit FNV-1a: a fixed, portable string hash (std::hash may differ between libraries).
std::uint64_t fnv1a64(std::string_view text) {
    std::uint64_t hash = 0xcbf29ce484222325ULL;  // FNV-1a 64-bit offset basis
    for (const char c : text) {
        hash ^= static_cast<unsigned char>(c);
        hash *= 0x100000001b3ULL;  // FNV-1a 64-bit prime
    }
    return hash;
}

}  // namespace

std::optional<std::uint64_t> parse_seed(std::string_view text) {
    if (text.empty()) {
        return std::nullopt;
    }
    std::uint64_t value = 0;
    for (const char c : text) {
        if (c < '0' || c > '9') {
            return std::nullopt;
        }
        const auto digit = static_cast<std::uint64_t>(c - '0');
        if (value > (std::numeric_limits<std::uint64_t>::max() - digit) / 10) {
            return std::nullopt;
        }
        value = value * 10 + digit;
    }
    return value;
}

std::uint64_t base_seed() {
    // A function-local static: initialised once, thread-safely, on first use.
    static const std::uint64_t seed = read_or_draw_base_seed();
    return seed;
}

std::uint64_t derive_test_seed(std::uint64_t base, std::string_view test_full_name) {
    return mix64(mix64(base) ^ fnv1a64(test_full_name));
}

std::string current_test_full_name() {
    const ::testing::TestInfo* info = ::testing::UnitTest::GetInstance()->current_test_info();
    if (info == nullptr) {
        throw std::logic_error("current_test_full_name() called while no test is running");
    }
    return std::string(info->test_suite_name()) + "." + info->name();
}

std::uint64_t current_test_seed() {
    return derive_test_seed(base_seed(), current_test_full_name());
}

}  // namespace pclab::testkit
