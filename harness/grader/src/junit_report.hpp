// JUnit XML, the test-report format GitLab, Jenkins and most CI systems display.
#pragma once

#include <string>
#include <string_view>

#include "grading_run.hpp"

namespace pclab::grader {

/// The grading as JUnit XML (UTF-8, XML 1.0):
///
/// ```
/// <testsuites name="pclab" tests failures time>
///   <testsuite name="pclab.NN-slug" tests failures errors="0" skipped="0" time>
///     <properties><property name="seed" value/><property name="impl" value/></properties>
///     <testcase classname="pclab.NN-slug" name="CHECK" time>
///       <failure message="CATEGORY: first line" type="CATEGORY">plain_explanation()</failure>
///     </testcase> ...
/// ```
/// One testsuite per lab, one testcase per check; a failed check (LabResult::counts_as_passed
/// false) has a failure element, a passed one none. Times are seconds with three decimals.
std::string to_junit(const GradingRun& run);

/// `text` made safe inside an XML 1.0 element or attribute value: `&`, `<`, `>`, `"` and `'`
/// escaped; in an attribute (`attribute` true) tab, newline and carriage return become character
/// references too, so that attribute-value normalisation keeps them. Characters XML 1.0 does not
/// allow at all (C0 controls other than tab, newline and carriage return, U+FFFE, U+FFFF) and
/// bytes that are not UTF-8 become U+FFFD, so the result is always well-formed.
std::string xml_escaped(std::string_view text, bool attribute);

}  // namespace pclab::grader
