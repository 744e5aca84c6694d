// Stress tests of FIFO order. Items of different producers may interleave in any way, but a
// producer's items leave in the order they went in, so every consumer sees each producer's
// sequence numbers increasing. A stack, or a ring whose indices got torn, breaks that.
//
// Measured for this check (PerProducerOrder.*), 2 cores, g++ 12, 20 runs per build
// (variants PCLAB_SEED=1001..1020, solution 2001..2020), schedule perturbation on, on a machine
// busy with other builds (load average 5-11):
//   unsafe:if_instead_of_while       plain: 20/20 fail (order-violated)   tsan: 20/20 (same)
//   unsafe:check_then_act            plain: 20/20 fail (order-violated)   tsan: 20/20 (same)
//   unsafe:semaphores_without_mutex  plain: 20/20 fail (order-violated)   tsan: 20/20 (data-race)
//   unsafe:no_synchronisation        tsan: 20/20 fail (data-race)
//   solution                         plain: 0/20 fail                     tsan: 0/20 fail
#include <gtest/gtest.h>

#include <string>

#include "exchange.hpp"
#include "pclab/testkit/failure_category.hpp"

namespace {

using lab02::Buffer;
using lab02::ExchangeTest;
using lab02::Item;
using lab02::Shape;
using pclab::testkit::category::kOrderViolated;

std::string describe(const Item& item) {
    return "item " + std::to_string(item.sequence) + " of producer " +
           std::to_string(item.producer);
}

class PerProducerOrder : public ExchangeTest {};

TEST_F(PerProducerOrder, EachConsumerSeesEachProducersItemsInOrder) {
    constexpr int kRounds = 20;  // TSan, 2 busy cores: 2.4 s mean, 3.3 s max
    run_rounds(kRounds, [&](int) {
        const Shape shape = draw_shape();
        SCOPED_TRACE(shape.describe());
        Buffer buffer(shape.capacity);
        const lab02::Observations seen = lab02::exchange(buffer, shape);
        if (const auto& violation = seen.first_order_violation) {
            PCLAB_EXPECT_PROPERTY(pclab::testkit::tagged_failure(kOrderViolated)
                                  << "consumer " << violation->consumer << " got "
                                  << describe(violation->later) << " before "
                                  << describe(violation->earlier));
        }
    });
}

// One producer, one consumer: the consumer must see 0, 1, 2, ... in that order. (Gaps and
// repeats are the exactly-once check's business; this test is about order alone.)
TEST_F(PerProducerOrder, OneProducerOneConsumerGetsTheExactSequence) {
    constexpr int kRounds = 20;                // TSan, 2 busy cores: 0.7 s mean, 1.2 s max
    constexpr std::int64_t kMaxItems = 1000;   // many wrap-arounds of every capacity
    constexpr std::int64_t kMaxCapacity = 64;  // the handout's range
    run_rounds(kRounds, [&](int) {
        Shape shape;
        shape.capacity = static_cast<std::size_t>(rng().log_uniform(1, kMaxCapacity));
        shape.per_producer = rng().log_uniform(1, kMaxItems);
        SCOPED_TRACE(shape.describe());
        Buffer buffer(shape.capacity);
        const lab02::Observations seen = lab02::exchange(buffer, shape);
        if (const auto& violation = seen.first_order_violation) {
            PCLAB_EXPECT_PROPERTY(pclab::testkit::tagged_failure(kOrderViolated)
                                  << "the consumer got " << describe(violation->later) << " before "
                                  << describe(violation->earlier));
        }
    });
}

}  // namespace
