/// @file
/// @ingroup lab_contracts
/// @brief Lab 02, part B: a schedule that makes the `if_instead_of_while` buffer hand one item
///        to both consumers (your file).
///
/// Your answer is not code but a schedule: which thread runs when. The check `schedule-answer`
/// plays it, turn by turn, against the buffer whose waits use `if` (it must take an item twice)
/// and against the correct buffer with `while` (it must not). The handout (README.md, "Part B")
/// explains the scenario, the format and how the check works.
#pragma once

#include <string_view>

namespace pclab {

/// @brief Your schedule: one thread name per line, each line one turn of that thread (see the
///        comments inside the string).
///
/// The text between `R"(` and `)"` is read by the check, so your entries go there; lines (or
/// parts of lines) after a `#` are comments.
inline constexpr std::string_view kDoubleConsumeSchedule = R"(
# The scenario: a buffer of capacity 1 whose get() and put() wait under `if`, not `while`.
#   producer    puts item 0, then item 1
#   consumer 1  gets one item
#   consumer 2  gets one item
# main (the test body) starts producer, consumer 1 and consumer 2, in that order, then joins
# them. main is not part of your schedule: it always runs as soon as it can.
#
# The format: one entry per line (`;` or `,` also separate entries). Each entry names a thread,
# spelled as above, and gives it one turn: it runs until it blocks (waits on a condition
# variable, or for the mutex) or ends. Then the next entry's thread runs. Every turn needs its
# entry, also the turn of a thread that runs because no other can. Naming a thread that cannot
# run at that moment (it is blocked or has ended) is an error. When your entries run out, the
# threads finish on their own: the one running goes on while it can, then the first in the
# list above that can. notify_one() wakes the thread that has waited longest, and no wait ever
# returns without a notify.
#
# Your goal: a schedule after which consumer 1 and consumer 2 both got the same item (or one
# of them got a value nobody put), while the same schedule against the correct buffer passes.
#
# Write your entries below this line.
)";

}  // namespace pclab
