/// @file
/// @ingroup exploration
/// @brief The choosers of a controlled run: `pclab::explore::Strategy` and its three kinds,
///        `RandomStrategy`, `PctStrategy` and `ReplayStrategy`, plus the portable generator
///        `SplitMix64` they draw from.
///
/// **Where choices come from.** A run under the Scheduler (see scheduler.hpp) is deterministic
/// except at the places where the scheduler asks its Strategy: which thread takes the next step
/// (or which timed wait times out instead), which waiter a `notify_one` wakes, and whether a
/// condition-variable wait returns spuriously. Everything else follows from the program. So a
/// Strategy plus the program fixes the schedule, and the list of answers it gave (the choice
/// list) fixes it too: `ReplayStrategy` gives the same answers back.
///
/// **Portability.** Every random draw comes from SplitMix64, written out below, and every
/// reduction to a range is written out too (no `<random>` distributions, whose output may
/// differ between standard libraries): one seed gives one schedule with g++ and clang++ alike.
#pragma once

#include <cstddef>
#include <cstdint>
#include <limits>
#include <span>
#include <utility>
#include <vector>

/// @brief The controlled scheduler ("explore" mode): every managed thread runs one at a time,
///        and each scheduling decision is a recorded, replayable choice.
namespace pclab::explore {

/// @brief SplitMix64 (Steele, Lea and Flood 2014): a tiny 64-bit generator whose sequence is
///        fixed by its seed on every platform.
///
/// Abstract state: a 64-bit counter, advanced by a fixed odd increment at every draw; each
/// output is a bijective mix of the counter. Not thread-safe: each user owns one.
class SplitMix64 {
  public:
    /// @brief Starts the sequence for `seed`.
    /// @param seed any value; equal seeds give equal sequences.
    explicit SplitMix64(std::uint64_t seed) noexcept : state_(seed) {}

    /// @brief SplitMix64's output function: a bijection on 64-bit values with good
    ///        avalanche (nearby inputs give unrelated outputs).
    /// @param value any value.
    static constexpr std::uint64_t mix(std::uint64_t value) noexcept {
        value = (value ^ (value >> 30U)) * 0xbf58476d1ce4e5b9ULL;
        value = (value ^ (value >> 27U)) * 0x94d049bb133111ebULL;
        return value ^ (value >> 31U);
    }

    /// @brief Returns the next 64-bit value of the sequence.
    std::uint64_t next() noexcept {
        state_ += 0x9e3779b97f4a7c15ULL;  // the golden-ratio increment
        return mix(state_);
    }

    /// @brief Returns a value uniformly distributed in `[0, bound)` (rejection sampling, so
    ///        there is no modulo bias). Requires: `bound > 0`.
    /// @param bound one past the largest value wanted.
    std::uint64_t below(std::uint64_t bound) noexcept {
        // Values at or above `limit` would make some results more likely; draw again.
        const std::uint64_t limit = std::numeric_limits<std::uint64_t>::max() -
                                    std::numeric_limits<std::uint64_t>::max() % bound;
        std::uint64_t value = next();
        while (value >= limit) {
            value = next();
        }
        return value % bound;
    }

  private:
    std::uint64_t state_;
};

/// @brief What a recorded choice decided.
enum class ChoiceKind : std::uint8_t {
    next_step,      ///< which candidate (a thread to run, or a timed wait to time out) goes next
    notify_target,  ///< which waiter a `notify_one` wakes
    spurious_wake,  ///< whether a condition-variable wait returns spuriously (1) or blocks (0)
};

/// @brief One decision of a run: which of `option_count` options was taken.
///
/// Only decisions with at least two options are recorded (a forced move is not a choice), so
/// the choice list of a run with one thread is empty.
struct Choice {
    ChoiceKind kind = ChoiceKind::next_step;  ///< what was decided
    std::uint32_t value = 0;                  ///< the option taken, in `[0, option_count)`
    std::uint32_t option_count = 0;           ///< how many options there were (at least 2)

    /// @brief Choices compare equal when they decided the same thing the same way.
    friend bool operator==(const Choice&, const Choice&) = default;
};

/// @brief One option for the next step: let `thread` run, or (when `times_out`) make the timed
///        wait `thread` is blocked in time out and let it run.
struct Candidate {
    std::size_t thread = 0;  ///< the thread's index in its run (0 is the test body)
    bool times_out = false;  ///< true: the option is "this timed wait times out now"

    /// @brief Candidates compare equal when they name the same option.
    friend bool operator==(const Candidate&, const Candidate&) = default;
};

/// @brief The decision-maker of one run. The Scheduler calls it only while it holds the baton
///        (one thread at a time), so implementations need no synchronisation.
///
/// Contract for implementations: return an index in `[0, count)` to choose; any other value
/// means "I have no answer" (a replay that ran out of recorded choices), and the Scheduler then
/// ends the run with a `replay_diverged` verdict. Equal call sequences must get equal answers.
class Strategy {
  public:
    Strategy() = default;
    Strategy(const Strategy&) = delete;             ///< Not copyable.
    Strategy& operator=(const Strategy&) = delete;  ///< Not copyable.
    virtual ~Strategy() = default;

    /// @brief Told when a thread joins the run, before it can be a candidate. Thread 0 (the
    ///        test body) is announced first.
    /// @param thread the new thread's index.
    virtual void on_thread_started(std::size_t thread) { static_cast<void>(thread); }

    /// @brief Picks the next step among `candidates` (at least 2, or 1 for a strategy that
    ///        sees_every_step(); runnable threads in index order, then timed waits that may time
    ///        out, in index order).
    /// @param candidates the options.
    /// @param step how many steps the run has taken so far (a step is one scheduling point).
    /// @param current the thread that took the last step.
    /// @return an index into `candidates`.
    virtual std::size_t pick_candidate(std::span<const Candidate> candidates, std::uint64_t step,
                                       std::size_t current) = 0;

    /// @brief Whether pick_candidate() is also asked where one candidate is all there is (a
    ///        forced step). Default false: only real choices are asked. A strategy that follows
    ///        a written schedule says true, so that it sees every step and can tell the moment
    ///        a thread it follows blocks; its answer at a forced step is 0, or "no answer" to
    ///        end the run, and is never recorded as a choice (the choice list stays replayable).
    virtual bool sees_every_step() const noexcept { return false; }

    /// @brief Picks one of `option_count` options (at least 2) of a decision other than the
    ///        next step.
    /// @param kind what is being decided.
    /// @param option_count how many options there are.
    /// @return an index in `[0, option_count)`.
    virtual std::size_t pick_option(ChoiceKind kind, std::size_t option_count) = 0;
};

/// @brief Uniform random choice: every candidate step, every notify target is equally likely;
///        a wait returns spuriously with probability 1/`spurious_wake_one_in`.
///
/// Equal seeds give equal answers to equal questions. Not thread-safe (see Strategy).
class RandomStrategy final : public Strategy {
  public:
    /// @brief Starts drawing from `seed`.
    /// @param seed any value.
    /// @param spurious_wake_one_in a wait returns spuriously once in this many (0: never).
    explicit RandomStrategy(std::uint64_t seed, std::uint32_t spurious_wake_one_in = 4) noexcept
        : generator_(seed), spurious_wake_one_in_(spurious_wake_one_in) {}

    /// @brief Uniform over `candidates`.
    std::size_t pick_candidate(std::span<const Candidate> candidates, std::uint64_t step,
                               std::size_t current) override;
    /// @brief Uniform, except spurious wake-ups (see the class comment).
    std::size_t pick_option(ChoiceKind kind, std::size_t option_count) override;

  private:
    SplitMix64 generator_;
    std::uint32_t spurious_wake_one_in_;
};

/// @brief Probabilistic Concurrency Testing (Burckhardt, Kothari, Musuvathi and Nagarakatte,
///        ASPLOS 2010): always run the highest-priority runnable thread, and lower the running
///        thread's priority at `depth - 1` random steps.
///
/// Each thread gets a random priority when it starts, all of them above `depth`. The change
/// points are `depth - 1` steps drawn uniformly from `[1, step_estimate]`; at the i-th one
/// (in step order, i = 1, 2, ...) the thread that took the step drops to priority `depth - i`.
/// For a program of n threads and k steps, a bug of depth d is then found by each run with
/// probability at least 1/(n·k^(d−1)). Timed waits never time out by choice under PCT: only
/// when every thread is blocked (the Scheduler's rule). Notify targets and spurious wake-ups
/// are drawn like RandomStrategy's. Not thread-safe (see Strategy).
class PctStrategy final : public Strategy {
  public:
    /// @brief Draws the change points.
    /// @param seed any value.
    /// @param depth the bug depth d to aim for (at least 1; 1 means no change points).
    /// @param step_estimate k, the expected number of steps of a run (at least 1); the
    ///        explorer takes it from a calibration run.
    /// @param spurious_wake_one_in a wait returns spuriously once in this many (0: never).
    PctStrategy(std::uint64_t seed, std::uint32_t depth, std::uint64_t step_estimate,
                std::uint32_t spurious_wake_one_in = 4);

    /// @brief Gives the new thread a random priority above `depth`.
    void on_thread_started(std::size_t thread) override;
    /// @brief Applies a change point due at `step`, then picks the runnable thread of highest
    ///        priority (timeouts only when no thread is runnable).
    std::size_t pick_candidate(std::span<const Candidate> candidates, std::uint64_t step,
                               std::size_t current) override;
    /// @brief Drawn like RandomStrategy::pick_option.
    std::size_t pick_option(ChoiceKind kind, std::size_t option_count) override;

    /// @brief The change points, in increasing step order (for tests and reports).
    const std::vector<std::uint64_t>& change_points() const noexcept { return change_points_; }

  private:
    SplitMix64 generator_;
    std::uint32_t depth_;
    std::uint32_t spurious_wake_one_in_;
    std::vector<std::uint64_t> change_points_;  // sorted; each applied once
    std::size_t next_change_ = 0;               // index of the first change point not applied
    std::vector<std::uint64_t> priorities_;     // by thread index; higher runs first
};

/// @brief Gives back a recorded choice list, answer by answer: the run it drives takes exactly
///        the schedule of the run that recorded the list.
///
/// Checks only that each answer is in range; an answer out of range, or a question after the
/// list is exhausted, is returned as "no answer" (see Strategy), which ends the run with a
/// `replay_diverged` verdict. Not thread-safe (see Strategy).
class ReplayStrategy final : public Strategy {
  public:
    /// @brief Replays `choices` (only their values are used).
    /// @param choices the recorded list.
    explicit ReplayStrategy(std::vector<Choice> choices) : choices_(std::move(choices)) {}

    /// @brief The next recorded value.
    std::size_t pick_candidate(std::span<const Candidate> candidates, std::uint64_t step,
                               std::size_t current) override;
    /// @brief The next recorded value.
    std::size_t pick_option(ChoiceKind kind, std::size_t option_count) override;

    /// @brief How many recorded choices have not been asked for (a replay that ends with some
    ///        left over also diverged).
    std::size_t choices_left() const noexcept { return choices_.size() - cursor_; }

  private:
    std::size_t next_answer(std::size_t count);

    std::vector<Choice> choices_;
    std::size_t cursor_ = 0;
};

}  // namespace pclab::explore
