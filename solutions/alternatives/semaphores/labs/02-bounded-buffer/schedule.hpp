/// @file
/// @brief Lab 02, part B (alternative answer): a schedule that makes the `if_instead_of_while`
///        buffer hand item 0 to both consumers, with consumer 1 as the victim of a stolen
///        wake-up.
///
/// Why it works: the buffer's only item can be taken twice only by a consumer that went to
/// sleep on an empty buffer, was woken for item 0, and then lost the race for the mutex to a
/// consumer that never slept. Consumer 1 sleeps first; the producer's put of item 0 wakes it,
/// but the producer's turn goes on until its put of item 1 finds the buffer full and sleeps;
/// consumer 2 then takes item 0 without waiting. Consumer 1, back with the mutex, trusts its
/// `if` and takes from the now-empty slot: item 0 a second time. With `while` consumer 1 looks
/// again, finds the count 0 and sleeps; the threads then finish on their own (the producer,
/// woken by consumer 2's get, puts item 1 and consumer 1 gets it).
#pragma once

#include <string_view>

namespace pclab {

/// @brief The schedule (see the file comment): one thread name per line, each line one turn of
///        that thread, until it blocks or ends.
inline constexpr std::string_view kDoubleConsumeSchedule = R"(
consumer 1   # empty buffer: sleeps on not_empty
producer     # item 0 in, consumer 1 woken (not yet running); item 1: full, so it sleeps
consumer 2   # never had to wait: takes item 0 before consumer 1 is back
consumer 1   # `if`: takes from the empty slot, item 0 again; `while`: re-checks and sleeps
)";

}  // namespace pclab
