/// @file
/// @ingroup grader_protocol
/// @brief The seal a test program puts on its GoogleTest report, so the grader can tell the
///        report the program wrote from one the code under test wrote or changed.
///
/// The grader hands each check process a fresh random key on file descriptor 3 (its number in
/// `PCLAB_REPORT_KEY_FD`), never in the environment or the arguments. The testkit's `main()`
/// reads the key before any test runs, and after the last test writes
/// `report_digest(key, report)` next to the JSON report as `<report>.digest`. The grader
/// recomputes it over the report it reads: a report written by a test that forged it (and then
/// ended the process), or edited after the program sealed it, has no matching digest.
///
/// What this does not stop: code inside the test process that reads the key before `main()`
/// does, or out of the process's memory. That is a deliberate attack from inside the process;
/// docs/threat-model.md says what answers it (regrading with hidden tests on the instructor's
/// side). The digest is a keyed 64-bit FNV-1a, enough against a forger who never sees a key or
/// a digest; it is not a cryptographic MAC.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace pclab {

/// @brief The environment variable naming the descriptor the key arrives on.
inline constexpr std::string_view kReportKeyFdVariable = "PCLAB_REPORT_KEY_FD";

/// @brief The digest of `report` under `key`: 16 lowercase hex digits.
/// @param key the grader's per-run key
/// @param report the exact bytes of the report file
inline std::string report_digest(std::string_view key, std::string_view report) {
    std::uint64_t hash = 14695981039346656037ULL;
    const auto mix = [&hash](std::string_view bytes) {
        for (const char byte : bytes) {
            hash ^= static_cast<unsigned char>(byte);
            hash *= 1099511628211ULL;
        }
    };
    mix(key);
    mix(report);
    mix(key);
    std::string hex(16, '0');
    for (std::size_t i = 0; i < hex.size(); ++i) {
        hex[hex.size() - 1 - i] = "0123456789abcdef"[(hash >> (4 * i)) & 0xFU];
    }
    return hex;
}

}  // namespace pclab
