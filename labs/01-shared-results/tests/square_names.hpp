// How the lab 01 tests name values in failure messages.
#pragma once

#include <cmath>
#include <cstdint>
#include <string>
#include <vector>

namespace lab01 {

// The squares of 0..items-1: what the pipeline must record, computed rather than written down.
inline std::vector<std::int64_t> squares_below(std::int64_t items) {
    std::vector<std::int64_t> squares;
    squares.reserve(static_cast<std::size_t>(items));
    for (std::int64_t i = 0; i < items; ++i) {
        squares.push_back(i * i);
    }
    return squares;
}

// "289 (17²)" for a perfect square, "290" otherwise.
inline std::string describe_square(std::int64_t value) {
    std::string text = std::to_string(value);
    // Bounded so the search below cannot overflow on a garbage value; real squares here are
    // below 4000² = 16'000'000.
    constexpr std::int64_t kLargestNamedSquare = 1'000'000'000'000;
    if (value >= 0 && value <= kLargestNamedSquare) {
        auto root = static_cast<std::int64_t>(std::sqrt(static_cast<double>(value)));
        while (root * root > value) {
            --root;
        }
        while ((root + 1) * (root + 1) <= value) {
            ++root;
        }
        if (root * root == value) {
            text += " (" + std::to_string(root) + "²)";
        }
    }
    return text;
}

}  // namespace lab01
