// Who is in a class: one directory per student under a submissions directory, as a Gradescope
// export or a GitHub Classroom clone lays them out, and which of them one shard grades.
#pragma once

#include <filesystem>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

namespace pclab::grader {

/// One student's submission directory and the id the batch files it under.
struct ClassMember {
    /// Safe as one file name and as an HTML id: only [A-Za-z0-9._@+-], never starting with '.'
    /// or '-', at most kMaxStudentIdLength bytes, unique in the roster.
    std::string id;
    std::string directory_name;       ///< The directory's name as found (any bytes).
    std::filesystem::path directory;  ///< Absolute.
};

/// The students of a submissions directory, sorted by id, and what was passed over.
struct Roster {
    std::vector<ClassMember> students;
    /// Entries that are no student: plain files (an export's CSV, a zip) and hidden directories
    /// (`.git`), each with the reason, e.g. "notes.txt (not a directory)".
    std::vector<std::string> skipped;
};

/// A submissions directory that cannot be read as a class.
class RosterError : public std::runtime_error {
  public:
    using std::runtime_error::runtime_error;
};

inline constexpr std::size_t kMaxStudentIdLength = 100;

/// The id of a student whose directory is called `directory_name`: every byte outside
/// [A-Za-z0-9._@+-] (a space, a slash, a byte of a non-ASCII letter) becomes '_', so does a
/// leading '.' or '-', and the result is cut to kMaxStudentIdLength bytes. Ids of distinct names
/// can coincide ("a b", "a_b"); `read_roster` makes them unique.
std::string student_id_for(std::string_view directory_name);

/// Every directory directly under `submissions` whose name does not start with '.', as a
/// student. Ids that coincide after `student_id_for` get "-2", "-3", ... in the order of their
/// directory names, so the same directory keeps the same id from one run to the next.
/// Throws RosterError when `submissions` is not a readable directory.
Roster read_roster(const std::filesystem::path& submissions);

/// One of `count` disjoint parts of a class, for grading a large class on several machines.
struct Shard {
    int index = 0;  ///< 0 <= index < count
    int count = 1;
};

/// Parses `K/N` (0 <= K < N, N >= 1); nullopt for anything else.
std::optional<Shard> parse_shard(std::string_view text);

/// The students of `roster` that `shard` grades: those whose position in the sorted roster,
/// modulo `shard.count`, is `shard.index`. The shards of one count partition the roster.
std::vector<ClassMember> students_of_shard(const std::vector<ClassMember>& students, Shard shard);

}  // namespace pclab::grader
