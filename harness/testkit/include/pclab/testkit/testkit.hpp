/// @file
/// @ingroup testkit
/// @brief Includes the whole testkit.
///
/// | header                  | idea                                                        |
/// |-------------------------|-------------------------------------------------------------|
/// | seed.hpp                | base seed from `PCLAB_SEED`, per-test seed from the name    |
/// | rng.hpp                 | Rng, the portable seeded generator                          |
/// | seed_listener.hpp       | `[pclab:seed]` and a replay command for each failing test   |
/// | thread_registry.hpp     | WatchedThread, ScopedActivity: who is where                 |
/// | watchdog.hpp            | `[pclab:deadlock]` report and exit 86: all asleep, or late  |
/// | kernel_thread.hpp       | the kernel's view of a thread: asleep yet? still running?   |
/// | thread_cpu_time.hpp     | CPU time one thread has used (is a waiter sleeping?)        |
/// | stress_runner.hpp       | run named workers together, rethrow their exceptions        |
/// | exactly_once_ledger.hpp | every item put is got exactly once                          |
/// | multiset_check.hpp      | values found equal values expected, counting repeats      |
/// | failure_category.hpp    | `[pclab:<category>]`-tagged assertions                      |
/// | stress_test.hpp         | StressTest fixture: seed, Rng, rounds                       |
///
/// Link `pclab::testkit` and, for the GoogleTest `main()` that installs the seed listener and
/// starts the watchdog, `pclab::testkit_main`.
#pragma once

/// @brief The in-process test library: everything a lab's tests use beyond GoogleTest.
namespace pclab::testkit {}

#include "pclab/testkit/exactly_once_ledger.hpp"
#include "pclab/testkit/failure_category.hpp"
#include "pclab/testkit/kernel_thread.hpp"
#include "pclab/testkit/multiset_check.hpp"
#include "pclab/testkit/rng.hpp"
#include "pclab/testkit/seed.hpp"
#include "pclab/testkit/seed_listener.hpp"
#include "pclab/testkit/stress_runner.hpp"
#include "pclab/testkit/stress_test.hpp"
#include "pclab/testkit/thread_cpu_time.hpp"
#include "pclab/testkit/thread_registry.hpp"
#include "pclab/testkit/watchdog.hpp"
