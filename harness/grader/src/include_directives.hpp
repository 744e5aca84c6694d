// A first, lexical look at what a student file includes, before anything is compiled: an
// absolute path ("/dev/zero", a solution's full path) or a relative one that climbs out of the
// labs ("../../solutions/...") is refused without running the compiler on it. What this cannot
// see (an include built by a macro) the compiler's own dependency list catches after the build
// (files_read_outside in build_tree.hpp).
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace pclab::grader {

/// The `#include` paths in `source` that are absolute or, resolved against `file_dir` (the
/// file's directory relative to the kit's root, e.g. "labs/04-task-done-join"), leave `labs/`;
/// and the operand of every `#include` that names no literal path (`#include MACRO`).
/// Lines are matched as written (`#`, optional blanks, `include`, blanks, then `"path"` or
/// `<path>`); directives inside block comments are reported too, which errs on the safe side.
std::vector<std::string> includes_leaving_the_labs(std::string_view source,
                                                   std::string_view file_dir);

}  // namespace pclab::grader
