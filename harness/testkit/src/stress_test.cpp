#include "pclab/testkit/stress_test.hpp"

#include "pclab/testkit/seed.hpp"

namespace pclab::testkit {

StressTest::StressTest() : seed_(current_test_seed()), rng_(seed_) {}

void StressTest::SetUp() {
    RecordProperty("pclab_test_seed", std::to_string(seed_));
}

}  // namespace pclab::testkit
