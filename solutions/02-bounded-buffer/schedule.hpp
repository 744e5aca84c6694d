/// @file
/// @brief Lab 02, part B: a schedule that makes the `if_instead_of_while` buffer hand one item
///        to both consumers (reference answer).
///
/// A stolen wake-up: consumer 1 waits on the empty buffer; the producer puts item 0, notifies
/// consumer 1 and blocks on its second put; consumer 2 takes item 0 before consumer 1 has the
/// mutex back; consumer 1 then wakes and, under `if`, does not look again: it takes from the
/// empty slot, which still holds item 0. Under `while` the same schedule is harmless: consumer
/// 1 re-checks, finds the buffer empty and waits again, and the threads finish on their own.
#pragma once

#include <string_view>

namespace pclab {

/// @brief The reference schedule (see the file comment): one thread name per line, each line
///        one turn of that thread, until it blocks or ends.
inline constexpr std::string_view kDoubleConsumeSchedule = R"(
# The scenario: a buffer of capacity 1 whose get() and put() wait under `if`, not `while`;
# producer puts items 0 and 1; consumer 1 and consumer 2 get one item each; main starts
# producer, consumer 1 and consumer 2 in that order and joins them.
consumer 1   # finds the buffer empty and waits for an item
producer     # puts item 0 and notifies consumer 1, then blocks putting item 1: the buffer is full
consumer 2   # takes item 0 first: consumer 1's wake-up is stolen
consumer 1   # wakes, does not check again, and takes from the empty slot: item 0, twice
)";

}  // namespace pclab
