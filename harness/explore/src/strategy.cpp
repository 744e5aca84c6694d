#include "pclab/explore/strategy.hpp"

#include <algorithm>

namespace pclab::explore {

namespace {

// The answer of RandomStrategy and PctStrategy to a decision other than the next step.
std::size_t draw_option(SplitMix64& generator, ChoiceKind kind, std::size_t option_count,
                        std::uint32_t spurious_wake_one_in) {
    if (kind == ChoiceKind::spurious_wake) {
        // Option 1 is "return spuriously"; rare on purpose, so waits mostly really block.
        return spurious_wake_one_in != 0 && generator.below(spurious_wake_one_in) == 0 ? 1 : 0;
    }
    return static_cast<std::size_t>(generator.below(option_count));
}

}  // namespace

std::size_t RandomStrategy::pick_candidate(std::span<const Candidate> candidates,
                                           std::uint64_t step, std::size_t current) {
    static_cast<void>(step);
    static_cast<void>(current);
    return static_cast<std::size_t>(generator_.below(candidates.size()));
}

std::size_t RandomStrategy::pick_option(ChoiceKind kind, std::size_t option_count) {
    return draw_option(generator_, kind, option_count, spurious_wake_one_in_);
}

PctStrategy::PctStrategy(std::uint64_t seed, std::uint32_t depth, std::uint64_t step_estimate,
                         std::uint32_t spurious_wake_one_in)
    : generator_(seed),
      depth_(std::max<std::uint32_t>(depth, 1)),
      spurious_wake_one_in_(spurious_wake_one_in) {
    const std::uint64_t steps = std::max<std::uint64_t>(step_estimate, 1);
    for (std::uint32_t i = 1; i < depth_; ++i) {
        change_points_.push_back(1 + generator_.below(steps));
    }
    std::sort(change_points_.begin(), change_points_.end());
}

void PctStrategy::on_thread_started(std::size_t thread) {
    if (priorities_.size() <= thread) {
        priorities_.resize(thread + 1, 0);
    }
    // Above every change-point priority (those are 1 .. depth - 1); distinct with overwhelming
    // probability, and ties go to the lower index.
    priorities_[thread] = depth_ + (generator_.next() >> 1U);
}

std::size_t PctStrategy::pick_candidate(std::span<const Candidate> candidates, std::uint64_t step,
                                        std::size_t current) {
    // Several change points may fall on one step; each lowers the priority further.
    while (next_change_ < change_points_.size() && change_points_[next_change_] <= step) {
        ++next_change_;
        if (current < priorities_.size()) {
            priorities_[current] = depth_ - next_change_;
        }
    }
    std::size_t best = candidates.size();
    for (std::size_t i = 0; i < candidates.size(); ++i) {
        if (candidates[i].times_out || candidates[i].thread >= priorities_.size()) {
            continue;
        }
        if (best == candidates.size() ||
            priorities_[candidates[i].thread] > priorities_[candidates[best].thread]) {
            best = i;
        }
    }
    return best == candidates.size() ? 0 : best;
}

std::size_t PctStrategy::pick_option(ChoiceKind kind, std::size_t option_count) {
    return draw_option(generator_, kind, option_count, spurious_wake_one_in_);
}

std::size_t ReplayStrategy::pick_candidate(std::span<const Candidate> candidates,
                                           std::uint64_t step, std::size_t current) {
    static_cast<void>(step);
    static_cast<void>(current);
    return next_answer(candidates.size());
}

std::size_t ReplayStrategy::pick_option(ChoiceKind kind, std::size_t option_count) {
    static_cast<void>(kind);
    return next_answer(option_count);
}

std::size_t ReplayStrategy::next_answer(std::size_t count) {
    if (cursor_ >= choices_.size() || choices_[cursor_].value >= count) {
        return count;  // no answer: the run diverged from the recording
    }
    return choices_[cursor_++].value;
}

}  // namespace pclab::explore
