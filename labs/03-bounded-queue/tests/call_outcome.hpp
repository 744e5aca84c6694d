// Lab 03's names for the testkit's call outcomes (pclab/testkit/call_outcome.hpp): what a call
// into the queue did, and the assertion that it did what the contract says.
#pragma once

#include "pclab/testkit/call_outcome.hpp"

namespace lab03 {

using pclab::testkit::describe;
using pclab::testkit::ended_as;
using pclab::testkit::holds;
using pclab::testkit::kContractBroken;
using pclab::testkit::Outcome;
using pclab::testkit::outcome_of;

}  // namespace lab03
