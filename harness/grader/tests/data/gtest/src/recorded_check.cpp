// A stand-in for a lab's test binary: each test produces one outcome the run classifier must
// recognise. record.sh runs it once per scenario (one --gtest_filter each).
#include <cstdio>
#include <cstdlib>
#include <new>
#include <stdexcept>
#include <thread>

#include <gtest/gtest.h>

#include "recorded_results.hpp"

namespace pclab {
// Same shape and message format as the kit's pclab::NotImplemented (docs/architecture.md).
class NotImplemented : public std::logic_error {
  public:
    explicit NotImplemented(const char* member)
        : std::logic_error(std::string("not implemented: ") + member) {}
};
}  // namespace pclab

namespace {
void print_seed() {
    std::fprintf(stderr, "[pclab:seed] 1234567\n");
}
}  // namespace

TEST(Recorded, Passes) {
    EXPECT_EQ(2 + 2, 4);
}

TEST(Recorded, TaggedLostItem) {
    print_seed();
    ADD_FAILURE() << "[pclab:lost-item] item 3 of producer 0 was put but never got";
}

TEST(Recorded, TaggedDuplicateItem) {
    print_seed();
    ADD_FAILURE() << "[pclab:duplicate-item] item 7 of producer 1 was got twice (by consumers 0 "
                     "and 2)";
}

TEST(Recorded, UntaggedAssertion) {
    print_seed();
    const int results = 3;
    EXPECT_EQ(results, 4) << "the list should hold one result per item";
}

TEST(Recorded, ThrowsRuntimeError) {
    throw std::runtime_error("queue closed twice");
}

TEST(Recorded, ThrowsNotImplemented) {
    throw pclab::NotImplemented("BoundedQueue::put");
}

TEST(Recorded, ThrowsBadAlloc) {
    throw std::bad_alloc();
}

TEST(Recorded, Skipped) {
    GTEST_SKIP() << "not for this build";
}

TEST(Recorded, ExitsEarly) {
    std::exit(0);
}

TEST(Recorded, TerminatesOnWorkerThread) {
    // An exception escaping a std::thread: std::terminate, SIGABRT, no JSON.
    std::thread worker([] { throw pclab::NotImplemented("BoundedQueue::get"); });
    worker.join();
}

TEST(Recorded, RacyAppend) {
    print_seed();
    pclab::RecordedResults results;
    std::thread first([&] { results.append(1); });
    std::thread second([&] { results.append(2); });
    first.join();
    second.join();
}
