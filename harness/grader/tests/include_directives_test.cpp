#include "include_directives.hpp"

#include <gtest/gtest.h>

namespace pclab::grader {
namespace {

using Found = std::vector<std::string>;

TEST(IncludesLeavingTheLabs, StandardKitAndSiblingLabIncludesAreFine) {
    EXPECT_EQ(includes_leaving_the_labs("#include <deque>\n#include <pclab/sync.hpp>\n"
                                        "#include \"pclab/errors.hpp\"\n"
                                        "  #  include \"../03-bounded-queue/queue.hpp\"\n",
                                        "labs/04-task-done-join"),
              Found{});
}

TEST(IncludesLeavingTheLabs, AbsolutePathsAndClimbsOutOfTheLabsAreFound) {
    EXPECT_EQ(includes_leaving_the_labs("#include \"../../solutions/01-shared-results/"
                                        "result_list.hpp\"\n#include </dev/zero>\n"
                                        "#include <../../../etc/passwd>\n",
                                        "labs/01-shared-results"),
              (Found{"../../solutions/01-shared-results/result_list.hpp", "/dev/zero",
                     "../../../etc/passwd"}));
}

TEST(IncludesLeavingTheLabs, AnIncludeThroughAMacroIsFound) {
    EXPECT_EQ(includes_leaving_the_labs("#define WHERE </dev/zero>\n#include WHERE\n",
                                        "labs/01-shared-results"),
              Found{"WHERE"});
}

}  // namespace
}  // namespace pclab::grader
