/// @file
/// @ingroup testkit
/// @brief SeedListener: prints the base seed and a replay command for every failing test.
#pragma once

#include <gtest/gtest.h>

#include <cstdint>
#include <ostream>
#include <string>
#include <string_view>

namespace pclab::testkit {

/// @brief A GoogleTest event listener that makes every failure replayable.
///
/// When a test fails it writes
/// @code
/// [pclab:seed] <base seed>
///   to replay: PCLAB_SEED=<base seed> <program> --gtest_filter=<Suite.Name>
/// @endcode
/// and when a test starts it hands the same two lines to the watchdog, which prints them if it
/// has to end a hung test (a hung test never reaches its end event).
///
/// The testkit's main() installs one; install your own only with your own main().
class SeedListener : public ::testing::EmptyTestEventListener {
  public:
    /// @brief Creates the listener.
    /// @param base_seed the run's base seed (see pclab::testkit::base_seed).
    /// @param program how to invoke this test program again (usually `argv[0]`).
    /// @param out where failure notes go (the testkit's main passes `std::cerr`); must outlive
    ///        the listener.
    SeedListener(std::uint64_t base_seed, std::string program, std::ostream& out);

    /// @brief Gives the watchdog this test's replay note.
    void OnTestStart(const ::testing::TestInfo& test) override;

    /// @brief Writes the replay note if the test failed.
    void OnTestEnd(const ::testing::TestInfo& test) override;

    /// @brief The note for one test: the `[pclab:seed]` line and the replay line, each ending
    ///        in a newline.
    static std::string replay_note(std::uint64_t base_seed, std::string_view program,
                                   std::string_view test_full_name);

  private:
    std::uint64_t base_seed_;
    std::string program_;
    std::ostream& out_;
};

}  // namespace pclab::testkit
