#include "score_threshold.hpp"

#include <cmath>
#include <cstdio>
#include <stdexcept>

namespace pclab::grader {

ScoreThreshold ScoreThreshold::parse(std::string_view text) {
    const std::string original(text);
    ScoreThreshold threshold;
    if (!text.empty() && text.back() == '%') {
        threshold.percent = true;
        text.remove_suffix(1);
    }
    const std::string number(text);
    std::size_t used = 0;
    try {
        threshold.value = std::stod(number, &used);
    } catch (const std::exception&) {
        used = 0;
    }
    // stod also takes "inf", "nan" and hexadecimal; a score is a plain decimal number.
    const bool plain =
        !number.empty() && number.find_first_not_of("0123456789.") == std::string::npos;
    if (used == 0 || used != number.size() || !plain || !std::isfinite(threshold.value)) {
        throw std::invalid_argument(
            "--fail-under takes points (12) or a percentage of the "
            "maximum (80%), not '" +
            original + "'");
    }
    if (threshold.percent && threshold.value > 100) {
        throw std::invalid_argument("--fail-under " + original + ": a percentage is at most 100%");
    }
    return threshold;
}

bool ScoreThreshold::reached_by(int score, int max_score) const {
    if (percent) {
        // score >= value% of max, without rounding the percentage of the maximum first.
        return static_cast<double>(score) * 100.0 >= value * static_cast<double>(max_score);
    }
    return static_cast<double>(score) >= value;
}

std::string ScoreThreshold::describe() const {
    char buffer[64];
    std::snprintf(buffer, sizeof buffer, "%g", value);
    return percent ? std::string(buffer) + "% of the maximum" : std::string(buffer) + " points";
}

}  // namespace pclab::grader
