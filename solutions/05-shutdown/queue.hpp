/// @file
/// @brief Lab 05's reference queue is lab 03's: one pclab::Queue implements the whole contract
///        (bounded put/get, task_done/join, shutdown) for labs 03, 04 and 05 alike, exactly as
///        one student queue.hpp must. Forwarding keeps a single copy to review and fix.
#pragma once

#include "../03-bounded-queue/queue.hpp"  // IWYU pragma: export
