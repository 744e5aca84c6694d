#include "junit_report.hpp"

#include <chrono>
#include <cstdio>
#include <string>

#include "check_explanation.hpp"

namespace pclab::grader {

namespace {

constexpr std::string_view kReplacement = "\xEF\xBF\xBD";  // U+FFFD

bool continuation(unsigned char byte) {
    return (byte & 0xC0U) == 0x80U;
}

// The length of the well-formed UTF-8 sequence at `text[at]` (RFC 3629: no overlong forms, no
// surrogates, nothing above U+10FFFF), or 0 when the bytes there are not one.
std::size_t utf8_sequence_length(std::string_view text, std::size_t at) {
    const auto byte = [&](std::size_t i) {
        return at + i < text.size() ? static_cast<unsigned char>(text[at + i]) : 0U;
    };
    const unsigned char lead = byte(0);
    if (lead < 0x80U) {
        return 1;
    }
    unsigned char low = 0x80U;  // the range of the second byte
    unsigned char high = 0xBFU;
    std::size_t length = 0;
    if (lead >= 0xC2U && lead <= 0xDFU) {
        length = 2;
    } else if (lead >= 0xE0U && lead <= 0xEFU) {
        length = 3;
        low = lead == 0xE0U ? 0xA0U : 0x80U;
        high = lead == 0xEDU ? 0x9FU : 0xBFU;
    } else if (lead >= 0xF0U && lead <= 0xF4U) {
        length = 4;
        low = lead == 0xF0U ? 0x90U : 0x80U;
        high = lead == 0xF4U ? 0x8FU : 0xBFU;
    } else {
        return 0;
    }
    if (byte(1) < low || byte(1) > high) {
        return 0;
    }
    for (std::size_t i = 2; i < length; ++i) {
        if (!continuation(byte(i))) {
            return 0;
        }
    }
    return length;
}

std::string seconds(std::chrono::milliseconds duration) {
    char buffer[32];
    std::snprintf(buffer, sizeof buffer, "%.3f", static_cast<double>(duration.count()) / 1000.0);
    return buffer;
}

std::string attribute(std::string_view name, std::string_view value) {
    return " " + std::string(name) + "=\"" + xml_escaped(value, true) + "\"";
}

}  // namespace

std::string xml_escaped(std::string_view text, bool attribute) {
    std::string out;
    out.reserve(text.size());
    for (std::size_t i = 0; i < text.size();) {
        const std::size_t length = utf8_sequence_length(text, i);
        if (length == 0) {
            out += kReplacement;
            ++i;
            continue;
        }
        const std::string_view sequence = text.substr(i, length);
        i += length;
        if (sequence == "\xEF\xBF\xBE" || sequence == "\xEF\xBF\xBF") {  // U+FFFE, U+FFFF
            out += kReplacement;
            continue;
        }
        if (length > 1) {
            out += sequence;
            continue;
        }
        const char c = sequence.front();
        switch (c) {
            case '&':
                out += "&amp;";
                break;
            case '<':
                out += "&lt;";
                break;
            case '>':
                out += "&gt;";
                break;
            case '"':
                out += "&quot;";
                break;
            case '\'':
                out += "&apos;";
                break;
            case '\t':
                out += attribute ? "&#9;" : "\t";
                break;
            case '\n':
                out += attribute ? "&#10;" : "\n";
                break;
            case '\r':
                out += "&#13;";
                break;  // a raw one would read back as a newline
            default:
                if (static_cast<unsigned char>(c) < 0x20U) {
                    out += kReplacement;
                } else {
                    out += c;
                }
        }
    }
    return out;
}

std::string to_junit(const GradingRun& run) {
    int tests = 0;
    int failures = 0;
    std::string suites;
    for (const LabResult& lab : run.labs) {
        const std::string suite_name = "pclab." + lab.id + "-" + lab.slug;
        int lab_failures = 0;
        std::chrono::milliseconds lab_time{0};
        std::string cases;
        for (const CheckResult& check : lab.checks) {
            lab_time += check.duration;
            cases += "    <testcase" + attribute("classname", suite_name) +
                     attribute("name", check.name) + attribute("time", seconds(check.duration));
            if (lab.counts_as_passed(check)) {
                cases += "/>\n";
                continue;
            }
            ++lab_failures;
            const CheckExplanation explanation = explain_check(lab, check);
            cases += ">\n      <failure" +
                     attribute("message", explanation.category + ": " + explanation.lines.front()) +
                     attribute("type", explanation.category) + ">" +
                     xml_escaped(plain_explanation(lab, check), false) +
                     "</failure>\n    </testcase>\n";
        }
        tests += static_cast<int>(lab.checks.size());
        failures += lab_failures;
        suites += "  <testsuite" + attribute("name", suite_name) +
                  attribute("tests", std::to_string(lab.checks.size())) +
                  attribute("failures", std::to_string(lab_failures)) + attribute("errors", "0") +
                  attribute("skipped", "0") + attribute("time", seconds(lab_time)) + ">\n" +
                  "    <properties>\n      <property" + attribute("name", "seed") +
                  attribute("value", std::to_string(run.seed)) + "/>\n      <property" +
                  attribute("name", "impl") + attribute("value", lab.impl) +
                  "/>\n    </properties>\n" + cases + "  </testsuite>\n";
    }
    return "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<testsuites" + attribute("name", "pclab") +
           attribute("tests", std::to_string(tests)) +
           attribute("failures", std::to_string(failures)) +
           attribute("time", seconds(run.duration)) + ">\n" + suites + "</testsuites>\n";
}

}  // namespace pclab::grader
