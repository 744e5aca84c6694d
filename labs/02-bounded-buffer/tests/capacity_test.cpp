// Stress tests of the bound: the buffer never holds more than `capacity` items. Observed from
// outside, soundly: each producer, right after its put() returned, reads (puts returned - gets
// started) from one atomic counter. Every put counted there has put its item; every get counted
// has taken at most one; so for a correct buffer the value can never exceed the capacity, on any
// schedule. A buffer that lets a producer write into a full ring shows it.
//
// Measured for this check (CapacityRespected.*), 2 cores, g++ 12, 20 runs per build
// (variants PCLAB_SEED=1001..1020, solution 2001..2020), schedule perturbation on, on a machine
// busy with other builds (load average 5-11):
//   unsafe:if_instead_of_while       plain: 20/20 fail (capacity-exceeded)   tsan: 20/20 (same)
//   unsafe:check_then_act            plain: 20/20 fail (capacity-exceeded)   tsan: 20/20 (same)
//   unsafe:semaphores_without_mutex  plain: 0/20 fail (the semaphores do bound the count)
//                                    tsan: 20/20 fail (data-race)
//   unsafe:no_synchronisation        tsan: 20/20 fail (data-race)
//   solution                         plain: 0/20 fail                        tsan: 0/20 fail
#include <gtest/gtest.h>

#include "exchange.hpp"
#include "pclab/testkit/failure_category.hpp"

namespace {

using lab02::Buffer;
using lab02::ExchangeTest;
using lab02::Shape;
using pclab::testkit::category::kCapacityExceeded;

class CapacityRespected : public ExchangeTest {
  protected:
    void expect_within_capacity(const Shape& shape) {
        Buffer buffer(shape.capacity);
        const lab02::Observations seen = lab02::exchange(buffer, shape);
        PCLAB_EXPECT_CATEGORY(
            seen.highest_occupancy_bound <= static_cast<std::int64_t>(shape.capacity),
            kCapacityExceeded)
            << "a producer's put() returned while (puts returned - gets started) was "
            << seen.highest_occupancy_bound << ", so the buffer held at least that many items; "
            << "its capacity is " << shape.capacity;
    }
};

TEST_F(CapacityRespected, NeverHoldsMoreThanCapacityAcrossShapes) {
    constexpr int kRounds = 20;  // TSan, 2 busy cores: 2.3 s mean, 3.5 s max
    run_rounds(kRounds, [&](int) {
        const Shape shape = draw_shape();
        SCOPED_TRACE(shape.describe());
        expect_within_capacity(shape);
    });
}

// Capacity 1, several producers: each put() must wait for the one item to be taken.
TEST_F(CapacityRespected, NeverHoldsMoreThanOneAtCapacityOne) {
    constexpr int kRounds = 20;  // TSan, 2 busy cores: 2.0 s mean, 2.7 s max
    run_rounds(kRounds, [&](int) {
        const Shape shape = draw_contended_shape();
        SCOPED_TRACE(shape.describe());
        expect_within_capacity(shape);
    });
}

}  // namespace
