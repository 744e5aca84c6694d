// JUnit XML (junit_report): escaping that keeps any text well-formed, and the counts and
// failure elements CI systems read.
#include <gtest/gtest.h>

#include <unistd.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <string>

#include "isolated_process.hpp"
#include "junit_report.hpp"
#include "report_samples.hpp"
#include "text_assertions.hpp"

namespace pclab::grader {
namespace {

namespace fs = std::filesystem;

const std::string kReplacement = "\xEF\xBF\xBD";  // U+FFFD

TEST(XmlEscaping, EscapesTheFiveMarkupCharacters) {
    EXPECT_EQ(xml_escaped("<>&\"'", false), "&lt;&gt;&amp;&quot;&apos;");
    EXPECT_EQ(xml_escaped("<>&\"'", true), "&lt;&gt;&amp;&quot;&apos;");
    EXPECT_EQ(xml_escaped("a &amp; b", false), "a &amp;amp; b");
}

TEST(XmlEscaping, KeepsLineBreaksInTextAndEncodesThemInAttributes) {
    EXPECT_EQ(xml_escaped("a\nb\tc", false), "a\nb\tc");
    EXPECT_EQ(xml_escaped("a\nb\tc", true), "a&#10;b&#9;c");
    EXPECT_EQ(xml_escaped("a\rb", false), "a&#13;b");
}

TEST(XmlEscaping, ReplacesControlCharactersXml10Forbids) {
    EXPECT_EQ(
        xml_escaped(std::string("a\x01") + "b\x07" + "c\x1b[31m" + std::string(1, '\0'), false),
        "a" + kReplacement + "b" + kReplacement + "c" + kReplacement + "[31m" + kReplacement);
    EXPECT_EQ(xml_escaped("\xEF\xBF\xBE\xEF\xBF\xBF", false), kReplacement + kReplacement);
}

TEST(XmlEscaping, ReplacesBytesThatAreNotUtf8AndKeepsThoseThatAre) {
    EXPECT_EQ(xml_escaped("✔ é 𝄞", false), "✔ é 𝄞");
    EXPECT_EQ(xml_escaped("a\xFF"
                          "b",
                          false),
              "a" + kReplacement + "b");
    EXPECT_EQ(xml_escaped("\xE2\x82", false), kReplacement + kReplacement);  // cut short
    EXPECT_EQ(xml_escaped("\xC0\xAF", false), kReplacement + kReplacement);  // overlong '/'
    EXPECT_EQ(xml_escaped("\xED\xA0\x80", false),                            // a UTF-16 surrogate
              kReplacement + kReplacement + kReplacement);
}

TEST(JunitReport, CountsTestsAndFailuresPerLabAndInTotal) {
    const std::string xml = to_junit(samples::mixed_run());
    EXPECT_EQ(xml.rfind("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<testsuites name=\"pclab\" "
                        "tests=\"6\" failures=\"4\" time=\"61.500\">\n",
                        0),
              0U)
        << xml;
    EXPECT_NE(xml.find("<testsuite name=\"pclab.01-shared-results\" tests=\"4\" failures=\"2\" "
                       "errors=\"0\" skipped=\"0\" time=\"5.000\">"),
              std::string::npos)
        << xml;
    EXPECT_NE(xml.find("<testsuite name=\"pclab.02-bounded-buffer\" tests=\"2\" failures=\"2\""),
              std::string::npos)
        << xml;
    EXPECT_EQ(occurrences(xml, "<testsuite "), 2U);
    EXPECT_EQ(occurrences(xml, "</testsuite>"), 2U);
    EXPECT_EQ(occurrences(xml, "<testcase "), 6U);
    EXPECT_EQ(occurrences(xml, "<failure "), 4U);
    EXPECT_EQ(occurrences(xml, "</failure>"), 4U);
    EXPECT_NE(xml.find("<property name=\"seed\" value=\"1234\"/>"), std::string::npos) << xml;
}

TEST(JunitReport, APassedCheckIsAnEmptyTestcase) {
    const std::string xml = to_junit(samples::mixed_run());
    EXPECT_NE(xml.find("<testcase classname=\"pclab.01-shared-results\" "
                       "name=\"append-contract\" time=\"1.250\"/>\n"),
              std::string::npos)
        << xml;
}

TEST(JunitReport, AFailedCheckHasCategoryFirstLineAndTheWholeExplanation) {
    const std::string xml = to_junit(samples::mixed_run());
    EXPECT_NE(xml.find("<testcase classname=\"pclab.01-shared-results\" name=\"exact-results\" "
                       "time=\"1.250\">\n      <failure message=\"data-race: Data race on a "
                       "std::vector&lt;int&gt;: thread T3 writes it at result_list.hpp:31\" "
                       "type=\"data-race\">data-race: Data race on a std::vector&lt;int&gt;"),
              std::string::npos)
        << xml;
    EXPECT_NE(xml.find("&amp; &quot;quotes&quot; &apos;single&apos; 50% a,b:c\nbell escape red\n"
                       "look at labs/01-shared-results/result_list.hpp:31\n"
                       "seed 1234 · replay: ./pclab grade 01 --impl student --check "
                       "exact-results --seed 1234\n</failure>"),
              std::string::npos)
        << xml;
    EXPECT_NE(xml.find("type=\"compile-error\">compile-error: The code does not compile"),
              std::string::npos)
        << xml;
}

TEST(JunitReport, HoldsNoCharacterXml10Forbids) {
    const std::string xml = to_junit(samples::mixed_run());
    for (const char c : xml) {
        const auto byte = static_cast<unsigned char>(c);
        EXPECT_TRUE(byte >= 0x20U || c == '\n' || c == '\t') << "control byte " << int(byte);
    }
}

// xmllint (Debian's libxml2-utils, installed by .ci/run) is a real XML parser: the report must
// pass it. Without it this test has nothing to run.
TEST(JunitReport, IsWellFormedForXmllint) {
    if (!fs::exists("/usr/bin/xmllint")) {
        GTEST_SKIP() << "xmllint is not installed (apt-get install libxml2-utils)";
    }
    const fs::path file =
        fs::temp_directory_path() / ("pclab-junit-" + std::to_string(::getpid()) + ".xml");
    std::ofstream(file) << to_junit(samples::mixed_run());
    ProcessSpec spec;
    spec.argv = {"/usr/bin/xmllint", "--noout", file.string()};
    const ProcessOutcome outcome = run_isolated(spec);
    fs::remove(file);
    EXPECT_EQ(outcome.end, ProcessEnd::exited);
    EXPECT_EQ(outcome.exit_code, 0) << outcome.stderr_text;
}

}  // namespace
}  // namespace pclab::grader
