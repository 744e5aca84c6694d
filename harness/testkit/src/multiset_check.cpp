#include "pclab/testkit/multiset_check.hpp"

#include <algorithm>
#include <map>
#include <sstream>
#include <utility>

#include "pclab/testkit/failure_category.hpp"

namespace pclab::testkit {
namespace {

std::string times(std::size_t count) {
    switch (count) {
        case 1:
            return "once";
        case 2:
            return "twice";
        default:
            return std::to_string(count) + " times";
    }
}

// The lines of one kind of mismatch, written as: tagged first line, a few more, a count.
struct MismatchLines {
    std::string_view category;
    std::string noun;  // "values missing", ...
    std::vector<std::string> listed;
    std::size_t count = 0;

    void add(std::string line, std::size_t max_listed) {
        if (listed.size() < std::max<std::size_t>(max_listed, 1)) {
            listed.push_back(std::move(line));
        }
        ++count;
    }

    void write_to(std::ostream& out) const {
        if (count == 0) {
            return;
        }
        out << tag(category) << listed.front();
        if (count > 1) {
            out << " (" << count << " " << noun << " in all)";
        }
        out << "\n";
        for (std::size_t i = 1; i < listed.size(); ++i) {
            out << "  " << listed[i] << "\n";
        }
        if (count > listed.size()) {
            out << "  ... and " << count - listed.size() << " more not listed\n";
        }
    }
};

}  // namespace

::testing::AssertionResult same_multiset(const std::vector<std::int64_t>& expected,
                                         const std::vector<std::int64_t>& found,
                                         const ValueDescriber& describe, std::size_t max_listed) {
    std::map<std::int64_t, std::pair<std::size_t, std::size_t>> counts;  // expected, found
    for (const std::int64_t value : expected) {
        ++counts[value].first;
    }
    for (const std::int64_t value : found) {
        ++counts[value].second;
    }
    const auto name = [&](std::int64_t value) {
        return describe ? describe(value) : std::to_string(value);
    };

    MismatchLines missing{category::kLostItem, "values missing", {}, 0};
    MismatchLines repeated{category::kDuplicateItem, "values found too often", {}, 0};
    MismatchLines unexpected{category::kWrongResult, "unexpected values", {}, 0};
    for (const auto& [value, count] : counts) {
        const auto [want, got] = count;
        if (want == 0) {
            unexpected.add(name(value) + " was found " + times(got) + ", but never expected",
                           max_listed);
        } else if (got < want) {
            missing.add(name(value) + " is missing: expected " + times(want) + ", found " +
                            (got == 0 ? std::string("0 times") : times(got)),
                        max_listed);
        } else if (got > want) {
            repeated.add(name(value) + " was found " + times(got) + ", expected " + times(want),
                         max_listed);
        }
    }
    if (missing.count == 0 && repeated.count == 0 && unexpected.count == 0) {
        return ::testing::AssertionSuccess();
    }
    std::ostringstream message;
    missing.write_to(message);
    repeated.write_to(message);
    unexpected.write_to(message);
    message << "(" << expected.size() << " values expected, " << found.size() << " found)";
    return ::testing::AssertionFailure() << message.str();
}

}  // namespace pclab::testkit
