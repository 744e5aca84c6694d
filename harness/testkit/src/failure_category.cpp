#include "pclab/testkit/failure_category.hpp"

namespace pclab::testkit {

std::string tag(std::string_view category) {
    std::string text = "[pclab:";
    text += category;
    text += "] ";
    return text;
}

::testing::AssertionResult tagged_failure(std::string_view category) {
    return ::testing::AssertionFailure() << tag(category);
}

::testing::AssertionResult property_holds(const char* /*expression*/,
                                          const ::testing::AssertionResult& result) {
    if (result) {
        return ::testing::AssertionSuccess();
    }
    return ::testing::AssertionFailure() << result.message();
}

}  // namespace pclab::testkit
