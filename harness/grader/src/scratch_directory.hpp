// A temporary directory that cleans up after itself.
#pragma once

#include <filesystem>
#include <string_view>

namespace pclab::grader {

/// A new, empty directory of its own under the system's temporary directory, made with
/// mkdtemp (so no other run, or student, can have made it first), and removed with everything
/// in it when the object ends.
///
/// Not copyable: exactly one object removes the directory.
class ScratchDirectory {
  public:
    /// Makes `<temporary directory>/<prefix>-XXXXXX`. Throws std::runtime_error when it
    /// cannot (the temporary directory is missing, full or not writable).
    explicit ScratchDirectory(std::string_view prefix);
    ScratchDirectory(const ScratchDirectory&) = delete;
    ScratchDirectory& operator=(const ScratchDirectory&) = delete;
    ~ScratchDirectory();

    const std::filesystem::path& path() const { return path_; }

  private:
    std::filesystem::path path_;
};

}  // namespace pclab::grader
