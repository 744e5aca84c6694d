// `./pclab grade --fail-under SCORE`: the score a CI job must reach to pass.
#pragma once

#include <string>
#include <string_view>

namespace pclab::grader {

/// A minimum score, in points or in percent of the graded maximum.
struct ScoreThreshold {
    double value = 0;      ///< Points, or percent when `percent`; never negative.
    bool percent = false;  ///< `value` is a percentage (0..100) of the maximum score.

    /// Parses "12", "12.5" (points) or "80%" (percent of the maximum). Throws
    /// std::invalid_argument with a message for the user on anything else, on a negative value
    /// and on a percentage above 100.
    static ScoreThreshold parse(std::string_view text);

    /// True when `score` (out of `max_score`) reaches the threshold: `score >= value`, or
    /// `score >= value% of max_score`. An empty grading (max 0) reaches any percentage.
    bool reached_by(int score, int max_score) const;

    /// "12 points" or "80% of the maximum", for messages.
    std::string describe() const;
};

}  // namespace pclab::grader
