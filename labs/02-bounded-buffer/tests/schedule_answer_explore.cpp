// Lab 02, part B: the schedule in schedule.hpp, played turn by turn under the controlled
// scheduler (pclab::explore::ScriptStrategy) against a buffer whose waits use `if` and against
// one whose waits use `while`. A right answer makes the first hand one item to both consumers
// and leaves the second correct; on success both traces are printed, so the student reads the
// story of the bug step by step.
//
// The buffers are defined here, not taken from the lab: this program is built against the
// student's files, and both the lab's if_instead_of_while variant and its solution define
// pclab::BoundedBuffer. The scheduler runs one thread at a time and the only scheduling points
// are the sync operations, so the body keeps its books without locks; and one script gives one
// schedule, so every replay prints the same bytes.
#include <gtest/gtest.h>

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <iostream>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "pclab/explore/explorer.hpp"
#include "pclab/explore/lab_exploration.hpp"
#include "pclab/explore/script_strategy.hpp"
#include "pclab/sync.hpp"
#include "pclab/testkit/failure_category.hpp"
#include "schedule.hpp"

namespace {

using pclab::explore::check_category;

enum class WaitLoop : std::uint8_t { if_only, while_loop };

// The lab's buffer with the wait loop as a parameter: the same logic as
// labs/02-bounded-buffer/unsafe/if_instead_of_while.hpp (WaitLoop::if_only) and
// solutions/02-bounded-buffer/bounded_buffer.hpp (WaitLoop::while_loop) — one mutex, two
// condition variables, notify_one after each put and get — for int items. One difference: the
// slots are plain ints, so a get() from an empty slot reads the item last taken from it (a
// duplicate, the same on every replay) where the lab's variant reads an empty std::optional.
template <WaitLoop Loop>
class ScenarioBuffer {
  public:
    explicit ScenarioBuffer(std::size_t capacity) : capacity_(capacity), slots_(capacity, -1) {}

    void put(int item) {
        std::unique_lock<pclab::mutex> lock(mutex_);
        if constexpr (Loop == WaitLoop::while_loop) {
            while (count_ == capacity_) {
                not_full_.wait(lock);
            }
        } else {
            if (count_ == capacity_) {  // the variant's defect: a wake-up taken as "not full"
                not_full_.wait(lock);
            }
        }
        slots_[next_in_] = item;
        next_in_ = (next_in_ + 1) % capacity_;
        ++count_;
        lock.unlock();
        not_empty_.notify_one();
    }

    int get() {
        std::unique_lock<pclab::mutex> lock(mutex_);
        if constexpr (Loop == WaitLoop::while_loop) {
            while (count_ == 0) {
                not_empty_.wait(lock);
            }
        } else {
            if (count_ == 0) {  // the variant's defect: a wake-up taken as "not empty"
                not_empty_.wait(lock);
            }
        }
        const int item = slots_[next_out_];
        next_out_ = (next_out_ + 1) % capacity_;
        --count_;  // wraps below 0 after a get from the empty buffer, as in the variant
        lock.unlock();
        not_full_.notify_one();
        return item;
    }

  private:
    const std::size_t capacity_;
    pclab::mutex mutex_;
    pclab::condition_variable not_full_;
    pclab::condition_variable not_empty_;
    std::vector<int> slots_;
    std::size_t next_in_ = 0;
    std::size_t next_out_ = 0;
    std::size_t count_ = 0;
};

// The scenario's threads, by index as the scheduler numbers them (main first, then in the
// order main starts them): the names a schedule uses.
constexpr std::string_view kProducer = "producer";
constexpr std::string_view kFirstConsumer = "consumer 1";
constexpr std::string_view kSecondConsumer = "consumer 2";

std::vector<std::string> thread_names() {
    return {"main", std::string(kProducer), std::string(kFirstConsumer),
            std::string(kSecondConsumer)};
}

constexpr int kItems = 2;  // the producer puts 0 and 1

// Capacity 1; the producer puts 0 and 1, each consumer gets one item; every item must come out
// exactly once.
template <WaitLoop Loop>
void double_consume_scenario() {
    ScenarioBuffer<Loop> buffer(1);
    std::vector<int> times_got(kItems, 0);
    const auto consume = [&] {
        const int item = buffer.get();
        // Only the check's outcome is reported, not the value: a value read from a slot that
        // held no item must not make two replays print different traces.
        check_category(item >= 0 && item < kItems, "wrong-result",
                       "get() returned a value nobody put: it read a slot that held no item");
        check_category(++times_got[static_cast<std::size_t>(item)] == 1, "duplicate-item",
                       "get() returned item " + std::to_string(item) + " a second time");
    };
    pclab::thread producer(std::string(kProducer), [&] {
        for (int item = 0; item < kItems; ++item) {
            buffer.put(item);
        }
    });
    pclab::thread first(std::string(kFirstConsumer), consume);
    pclab::thread second(std::string(kSecondConsumer), consume);
    producer.join();
    first.join();
    second.join();
    for (int item = 0; item < kItems; ++item) {
        check_category(times_got[static_cast<std::size_t>(item)] == 1, "lost-item",
                       "item " + std::to_string(item) + " was put but never got");
    }
}

// One play of the schedule against one buffer.
struct Played {
    pclab::explore::RunRecord record;
    std::optional<std::string> script_error;  // the entry that could not be followed, if any
    std::string trace;
};

template <WaitLoop Loop>
Played play(const std::vector<std::string>& entries, std::string_view buffer) {
    pclab::explore::ScriptStrategy strategy(entries, thread_names());
    Played played;
    played.record = pclab::explore::run_schedule(
        []() -> std::optional<std::string> {
            double_consume_scenario<Loop>();
            return std::nullopt;
        },
        strategy);
    played.script_error = strategy.error();
    if (played.script_error) {
        // The Scheduler only knows that its strategy had no answer; the trace says why.
        played.record.verdict.message = *played.script_error;
    }
    played.trace = pclab::explore::format_trace(
        played.record, "of schedule.hpp, against the buffer " + std::string(buffer));
    return played;
}

// The category a check failure was tagged with ("duplicate-item", ...), or empty.
std::string_view failure_category(const pclab::explore::Verdict& verdict) {
    constexpr std::string_view open = "[pclab:";
    const std::string_view message = verdict.message;
    const std::size_t close = message.find("] ");
    if (verdict.kind != pclab::explore::VerdictKind::check_failed || !message.starts_with(open) ||
        close == std::string_view::npos) {
        return {};
    }
    return message.substr(open.size(), close - open.size());
}

// How a run that should have failed (or passed) ended, in one sentence.
std::string outcome(const pclab::explore::Verdict& verdict) {
    if (!verdict.failed()) {
        return "it ran to the end and each item came out exactly once";
    }
    return "its verdict was " + std::string(pclab::explore::to_string(verdict.kind)) + ": " +
           verdict.message;
}

constexpr std::string_view kWholeTrace =
    "(./pclab explore 02 prints this whole message, trace included)";

TEST(ExploreScheduleAnswer, BreaksIfInsteadOfWhileButNotWhile) {
    // Replaying an explored scenario runs only that scenario; a schedule has no replay id (every
    // run plays schedule.hpp again).
    // NOLINTNEXTLINE(concurrency-mt-unsafe): read before any thread starts
    if (const char* replay = std::getenv("PCLAB_EXPLORE_REPLAY");
        replay != nullptr && *replay != '\0') {
        GTEST_SKIP() << "replaying " << replay << ", not the schedule in schedule.hpp";
    }
    const pclab::explore::ParsedScript parsed =
        pclab::explore::parse_script(pclab::kDoubleConsumeSchedule);
    if (parsed.error) {
        ADD_FAILURE() << pclab::testkit::tag("assertion")
                      << "kDoubleConsumeSchedule in schedule.hpp is not a schedule: "
                      << *parsed.error << " (line 1 is the one with R\"()";
        return;
    }
    if (parsed.entries.empty()) {
        ADD_FAILURE() << pclab::testkit::tag("not-implemented")
                      << "not implemented: write your schedule. kDoubleConsumeSchedule in "
                         "schedule.hpp has no entries yet: write the thread names, one turn per "
                         "line, that make the buffer with `if` hand one item to both consumers "
                         "(the handout's Part B).";
        return;
    }

    // A name that is no thread's is wrong whatever the buffer: said once, without a run.
    if (const pclab::explore::ScriptStrategy names(parsed.entries, thread_names()); names.error()) {
        ADD_FAILURE() << pclab::testkit::tag("assertion")
                      << "your schedule in schedule.hpp cannot be played: " << *names.error();
        return;
    }

    const Played broken = play<WaitLoop::if_only>(parsed.entries, "with `if` (the variant)");
    if (broken.script_error) {
        ADD_FAILURE() << pclab::testkit::tag("assertion")
                      << "your schedule cannot be played against the buffer with `if`: "
                      << *broken.script_error << "\n"
                      << kWholeTrace << "\nThe run up to that entry, one column per thread:\n\n"
                      << broken.trace;
        return;
    }
    const std::string_view category = failure_category(broken.record.verdict);
    if (category != "duplicate-item" && category != "wrong-result") {
        ADD_FAILURE() << pclab::testkit::tag("assertion")
                      << "your schedule does not make the if-variant consume twice: "
                      << outcome(broken.record.verdict) << ".\n"
                      << kWholeTrace << "\nThe run, one column per thread:\n\n"
                      << broken.trace;
        return;
    }

    const Played correct =
        play<WaitLoop::while_loop>(parsed.entries, "with `while` (the correct one)");
    if (correct.script_error) {
        ADD_FAILURE() << pclab::testkit::tag("assertion")
                      << "your schedule breaks the buffer with `if`, but cannot be played against "
                         "the correct buffer with `while`: "
                      << *correct.script_error
                      << ". There a woken consumer checks again and may wait again, so a later "
                         "entry can find it blocked; a schedule may stop once the damage is "
                         "done, and the threads then finish on their own.\n"
                      << kWholeTrace << "\nThe run up to that entry, one column per thread:\n\n"
                      << correct.trace;
        return;
    }
    if (correct.record.verdict.failed()) {
        ADD_FAILURE() << pclab::testkit::tag("assertion")
                      << "your schedule breaks the correct buffer with `while` too: "
                      << outcome(correct.record.verdict) << ".\n"
                      << kWholeTrace << "\nThe run, one column per thread:\n\n"
                      << correct.trace;
        return;
    }
    std::cout << "Your schedule, against the buffer whose waits use `if`: one item, two "
                 "consumers.\n\n"
              << broken.trace
              << "\nThe same schedule against the correct buffer (`while`): each item once.\n\n"
              << correct.trace << std::flush;
}

}  // namespace
