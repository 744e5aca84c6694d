/// @file
/// @ingroup errors
/// @brief The exceptions lab contracts throw: `pclab::Full`, `pclab::Empty`, `pclab::ShutDown`
///        (a queue refused an operation) and `pclab::NotImplemented` (a stub was called).
#pragma once

#include <stdexcept>
#include <string>
#include <string_view>

namespace pclab {

/// @brief Thrown when an item cannot be put because the queue is full (`put_nowait`, or a
///        timed `put` whose deadline passed).
///
/// Mirrors Python's `queue.Full`. A `put` that throws `Full` leaves the queue unchanged.
class Full : public std::runtime_error {
  public:
    /// @brief Constructs the error with the message `queue is full`.
    Full() : std::runtime_error("queue is full") {}

    /// @brief Constructs the error with a caller-chosen message.
    /// @param what the message `what()` returns.
    explicit Full(const std::string& what) : std::runtime_error(what) {}
};

/// @brief Thrown when an item cannot be got because the queue is empty (`get_nowait`, or a
///        timed `get` whose deadline passed).
///
/// Mirrors Python's `queue.Empty`. A `get` that throws `Empty` leaves the queue unchanged.
class Empty : public std::runtime_error {
  public:
    /// @brief Constructs the error with the message `queue is empty`.
    Empty() : std::runtime_error("queue is empty") {}

    /// @brief Constructs the error with a caller-chosen message.
    /// @param what the message `what()` returns.
    explicit Empty(const std::string& what) : std::runtime_error(what) {}
};

/// @brief Thrown by a queue operation refused because the queue was shut down.
///
/// Mirrors Python's `queue.ShutDown` (3.13): every `put` after `shutdown()`, and a `get` once
/// the queue is shut down and empty.
class ShutDown : public std::runtime_error {
  public:
    /// @brief Constructs the error with the message `queue is shut down`.
    ShutDown() : std::runtime_error("queue is shut down") {}

    /// @brief Constructs the error with a caller-chosen message.
    /// @param what the message `what()` returns.
    explicit ShutDown(const std::string& what) : std::runtime_error(what) {}
};

/// @brief Thrown by every member of a lab's stub until the student implements it.
///
/// Stubs throw instead of returning a dummy value so that an unfinished lab fails at once,
/// with the member named, and never hangs. The grader recognises the message and classifies the
/// check as `not-implemented`.
///
/// Example: `throw pclab::NotImplemented("ResultList::append");` has the message
/// `not implemented: ResultList::append`.
class NotImplemented : public std::logic_error {
  public:
    /// @brief Constructs the error for one member.
    /// @param member the qualified member name, `<Class>::<member>`.
    explicit NotImplemented(std::string_view member)
        : std::logic_error("not implemented: " + std::string(member)) {}
};

}  // namespace pclab
