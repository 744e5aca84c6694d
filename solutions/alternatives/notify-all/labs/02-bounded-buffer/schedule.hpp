/// @file
/// @brief Lab 02, part B (alternative answer): a schedule that makes the `if_instead_of_while`
///        buffer hand item 0 to both consumers, with consumer 2 as the victim.
///
/// Why it works: consumer 2 is the only thread asleep on not_empty when the producer puts item
/// 0, so the producer's notify_one wakes it. Waking only makes it runnable: it still has to get
/// the mutex back. The producer keeps its turn, finds the buffer full for item 1 and sleeps,
/// which frees the mutex; consumer 1 gets its turn first and takes item 0 (its get ran without
/// waiting, so no check could stop it). When consumer 2 finally holds the mutex, the `if`
/// buffer does not look at the count again and reads the slot item 0 was taken from: the same
/// item twice. The `while` buffer re-checks, sees the count is 0 and sleeps again; then the
/// producer, woken by consumer 1's get, puts item 1 and consumer 2 gets it, each item once.
#pragma once

#include <string_view>

namespace pclab {

/// @brief The schedule (see the file comment): one thread name per line, each line one turn of
///        that thread, until it blocks or ends.
inline constexpr std::string_view kDoubleConsumeSchedule = R"(
# capacity 1; producer puts 0 then 1; consumer 1 and consumer 2 get one item each.
consumer 2   # the buffer is empty: waits on not_empty
producer     # puts 0 and wakes consumer 2; then finds the buffer full for 1 and waits
consumer 1   # takes 0 straight away: consumer 2's wake-up has been stolen
consumer 2   # back with the mutex: `if` takes from the empty slot (0 again), `while` waits
)";

}  // namespace pclab
