/// @file
/// @ingroup grader_protocol
/// @brief The failure categories every part of pclab agrees on.
///
/// A failed check is classified into exactly one of these before it is scored. The testkit
/// tags a failure with one (`[pclab:<name>] ...`), the grader reads the tag or classifies the
/// run itself (a timeout, a signal, a ThreadSanitizer report), lab.json declares which one each
/// unsafe variant must fail with, and the reports print it first. The names are stable: CI
/// scripts and gradebooks key on them.
#pragma once

#include <array>
#include <string_view>

namespace pclab {

/// @brief One failure category: its stable name and what it tells a student.
struct FailureCategory {
    std::string_view name;     ///< e.g. "data-race"
    std::string_view meaning;  ///< one sentence for a student
};

/// @brief Every category, in the order the documentation lists them.
inline constexpr std::array<FailureCategory, 19> kFailureCategories = {{
    {"data-race", "two threads touched the same memory with nothing ordering the accesses"},
    {"lost-item", "an item that was put never came out"},
    {"duplicate-item", "an item came out more than once"},
    {"wrong-result", "a value came out that nobody put in, or a result is wrong"},
    {"order-violated", "items of one producer came out in another order than they went in"},
    {"capacity-exceeded", "the buffer held more items than its capacity allows"},
    {"early-join", "join() returned while some task_done() was still outstanding"},
    {"busy-wait", "a blocked thread burned CPU time instead of sleeping"},
    {"deadlock", "the check made no progress within its timeout"},
    {"crash", "the test process died or ended itself early"},
    {"memory-limit", "the check used more memory than allowed"},
    {"process-limit",
     "the check started more processes or threads than allowed (a fork or thread bomb)"},
    {"tampering", "the test report was not the one the test program wrote"},
    {"compile-error", "the code does not compile"},
    {"missing-file", "the submission lacks a student file"},
    {"std-sync-name", "the code names std::mutex, std::thread, ... instead of the pclab:: names"},
    {"forbidden-include", "the code includes a file from outside the submission, e.g. a solution"},
    {"not-implemented", "a member still throws pclab::NotImplemented"},
    {"assertion", "another expectation of a test failed"},
}};

/// @brief True when `name` is one of kFailureCategories.
/// @param name a category name such as "lost-item"
constexpr bool is_failure_category(std::string_view name) {
    for (const FailureCategory& category : kFailureCategories) {
        if (category.name == name) {
            return true;
        }
    }
    return false;
}

}  // namespace pclab
