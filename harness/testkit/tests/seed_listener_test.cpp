#include "pclab/testkit/seed_listener.hpp"

#include <gtest/gtest.h>

#include <string>

#include "self_invocation.hpp"

namespace pclab::testkit {
namespace {

TEST(SeedListener, ReplayNoteHasTheSeedLineAndAReplayCommand) {
    EXPECT_EQ(SeedListener::replay_note(12, "./tests", "Suite.Name"),
              "[pclab:seed] 12\n"
              "  to replay: PCLAB_SEED=12 ./tests --gtest_filter=Suite.Name\n");
}

// The subject of SeedListener.PrintsTheSeedWhenATestFails; runs only in that subprocess.
TEST(SeedListenerSubject, DISABLED_FailsOnPurpose) {
    ADD_FAILURE() << "failing on purpose";
}

TEST(SeedListener, PrintsTheSeedWhenATestFails) {
    const test::ProgramRun run =
        test::run_this_program("PCLAB_SEED=4242", "SeedListenerSubject.DISABLED_FailsOnPurpose");
    EXPECT_EQ(run.exit_status, 1) << run.output;
    EXPECT_NE(
        run.output.find("[pclab:seed] 4242\n  to replay: PCLAB_SEED=4242 " + test::this_program() +
                        " --gtest_filter=SeedListenerSubject.DISABLED_FailsOnPurpose\n"),
        std::string::npos)
        << run.output;
}

TEST(SeedListener, StaysQuietWhenTestsPass) {
    const test::ProgramRun run = test::run_this_program("PCLAB_SEED=4242", "ParseSeed.*");
    EXPECT_EQ(run.exit_status, 0) << run.output;
    EXPECT_EQ(run.output.find("[pclab:seed]"), std::string::npos) << run.output;
}

TEST(BaseSeed, IsDrawnAndAnnouncedWhenPclabSeedIsUnset) {
    const test::ProgramRun run = test::run_this_program("", "ParseSeed.*");
    EXPECT_EQ(run.exit_status, 0) << run.output;
    EXPECT_NE(run.output.find("pclab: PCLAB_SEED is not set; drew base seed "), std::string::npos)
        << run.output;
}

TEST(BaseSeed, RejectsAMalformedPclabSeed) {
    const test::ProgramRun run = test::run_this_program("PCLAB_SEED=-5", "ParseSeed.*");
    EXPECT_EQ(run.exit_status, 2) << run.output;
    EXPECT_NE(run.output.find("PCLAB_SEED must be a decimal unsigned 64-bit integer, got \"-5\""),
              std::string::npos)
        << run.output;
}

}  // namespace
}  // namespace pclab::testkit
