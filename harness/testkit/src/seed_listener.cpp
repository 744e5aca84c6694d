#include "pclab/testkit/seed_listener.hpp"

#include <utility>

#include "pclab/testkit/thread_registry.hpp"
#include "pclab/testkit/watchdog.hpp"

namespace pclab::testkit {
namespace {

std::string full_name_of(const ::testing::TestInfo& test) {
    return std::string(test.test_suite_name()) + "." + test.name();
}

}  // namespace

SeedListener::SeedListener(std::uint64_t base_seed, std::string program, std::ostream& out)
    : base_seed_(base_seed), program_(std::move(program)), out_(out) {}

void SeedListener::OnTestStart(const ::testing::TestInfo& test) {
    set_deadlock_report_footer(replay_note(base_seed_, program_, full_name_of(test)));
    note_progress();  // a new test is progress, however quietly the last one ran
}

void SeedListener::OnTestEnd(const ::testing::TestInfo& test) {
    if (test.result() != nullptr && test.result()->Failed()) {
        out_ << replay_note(base_seed_, program_, full_name_of(test)) << std::flush;
    }
    set_deadlock_report_footer({});
}

std::string SeedListener::replay_note(std::uint64_t base_seed, std::string_view program,
                                      std::string_view test_full_name) {
    const std::string seed = std::to_string(base_seed);
    std::string note = "[pclab:seed] " + seed + "\n";
    note += "  to replay: PCLAB_SEED=" + seed + " ";
    note += program;
    note += " --gtest_filter=";
    note += test_full_name;
    note += "\n";
    return note;
}

}  // namespace pclab::testkit
