// `./pclab grade-batch` end to end: a class of four graded on lab 01, two at a time, then its
// HTML report opened in headless Chromium as an instructor would open it.
//
// The class: a correct submission (the reference solution in the kit's layout), a racy one (the
// lab's unsafe variant), one that does not compile (its error message carries markup, which the
// page must show as text) and an empty directory. Each student is graded in build trees of its
// own under build/submissions/, which stay: the first run builds three students' trees of lab 01
// (326 s for the whole test on two loaded cores), a re-run only regrades (67 s).
#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdint>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <map>
#include <optional>
#include <sstream>
#include <string>
#include <utility>
#include <vector>

#include "grader_run.hpp"
#include "isolated_process.hpp"

namespace {

namespace fs = std::filesystem;
using pclab::end_to_end::kRoot;
using pclab::end_to_end::kScratch;
using pclab::end_to_end::read_text;
using pclab::grader::ProcessEnd;
using pclab::grader::ProcessOutcome;
using pclab::grader::ProcessSpec;
using pclab::grader::run_isolated;

const fs::path kClass = kScratch / "batch-class";
const fs::path kOutput = kScratch / "batch-output";
const fs::path kChromium = "/usr/bin/chromium";
const std::string kResultList = "labs/01-shared-results/result_list.hpp";

void put(const fs::path& file, const std::string& text) {
    fs::create_directories(file.parent_path());
    std::ofstream(file) << text;
}

void make_class() {
    fs::remove_all(kClass);
    fs::create_directories(kClass);
    fs::create_directories(kClass / "correct" / "labs" / "01-shared-results");
    fs::copy_file(kRoot / "solutions/01-shared-results/result_list.hpp",
                  kClass / "correct" / kResultList);
    fs::create_directories(kClass / "racy" / "labs" / "01-shared-results");
    fs::copy_file(kRoot / "labs/01-shared-results/unsafe/unsynchronised_vector.hpp",
                  kClass / "racy" / kResultList);
    put(kClass / "compile-error" / kResultList,
        "#pragma once\n#error this file <script>alert(1)</script> does not compile\n");
    fs::create_directories(kClass / "empty");
}

// gradebook.csv as student → (score, max_score, categories) for lab 01.
struct Row {
    int score = -1;
    int max_score = -1;
    std::string categories;
};

std::map<std::string, Row> read_gradebook(const fs::path& csv) {
    std::map<std::string, Row> rows;
    std::istringstream in(read_text(csv));
    std::string line;
    std::getline(in, line);
    EXPECT_EQ(line, "student,lab,score,max_score,categories\r");
    while (std::getline(in, line)) {
        if (!line.empty() && line.back() == '\r') {
            line.pop_back();
        }
        if (line.empty()) {
            continue;
        }
        std::vector<std::string> fields;
        std::istringstream parts(line);
        for (std::string field; std::getline(parts, field, ',');) {
            fields.push_back(field);
        }
        if (line.back() == ',') {
            fields.emplace_back();
        }
        EXPECT_EQ(fields.size(), 5u) << line;
        if (fields.size() == 5 && fields[1] == "01") {
            rows[fields[0]] = {std::stoi(fields[2]), std::stoi(fields[3]), fields[4]};
        }
    }
    return rows;
}

ProcessOutcome run(std::vector<std::string> argv, std::chrono::milliseconds timeout) {
    ProcessSpec spec;
    spec.argv = std::move(argv);
    spec.limits.timeout = timeout;
    spec.limits.file_size_bytes = std::size_t{1} << 40;
    spec.limits.output_cap_bytes = std::size_t{32} << 20;
    return run_isolated(spec);
}

// Chromium headless, the same fixed flags for every run: no network, a fresh profile.
ProcessOutcome chromium(const std::string& action, const fs::path& page) {
    const fs::path profile = kScratch / ("chromium-profile-" + std::to_string(::getpid()));
    fs::remove_all(profile);
    ProcessOutcome outcome =
        run({kChromium.string(), "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic",
             "--no-first-run", "--disable-background-networking", "--disable-component-update",
             "--disable-sync", "--user-data-dir=" + profile.string(), "--window-size=1280,1600",
             action, "file://" + page.string()},
            std::chrono::minutes(2));
    fs::remove_all(profile);
    return outcome;
}

struct PngSize {
    std::uint32_t width = 0, height = 0;
};

// The image size a PNG states in its IHDR chunk (the first chunk, right after the signature).
std::optional<PngSize> png_size(const std::string& bytes) {
    const std::string signature = "\x89PNG\r\n\x1a\n";
    if (bytes.size() < 24 || bytes.compare(0, 8, signature) != 0 ||
        bytes.compare(12, 4, "IHDR") != 0) {
        return std::nullopt;
    }
    const auto big_endian = [&](std::size_t at) {
        std::uint32_t value = 0;
        for (std::size_t i = 0; i < 4; ++i) {
            value = (value << 8) | static_cast<unsigned char>(bytes[at + i]);
        }
        return value;
    };
    return PngSize{big_endian(16), big_endian(20)};
}

TEST(GradeBatch, GradesAClassAndItsReportRendersInABrowser) {
    if (!pclab::end_to_end::kit_has_solutions()) {
        GTEST_SKIP() << pclab::end_to_end::kNeedsSolutions;  // the correct student is one
    }
    ASSERT_TRUE(fs::exists(kChromium))
        << kChromium.string()
        << " is missing: the class report is checked in headless Chromium. Install it with\n"
           "  sudo apt-get install -y --no-install-recommends chromium\n"
           "(.ci/run installs it in CI).";
    make_class();
    fs::remove_all(kOutput);
    const ProcessOutcome batch =
        run({PCLAB_GRADER, "--root", kRoot.string(), "grade-batch", kClass.string(), "01", "--jobs",
             "2", "--seed", "1", "--output-dir", kOutput.string()},
            std::chrono::minutes(25));
    const std::string described = "stderr:\n" + batch.stderr_text;
    ASSERT_EQ(batch.end, ProcessEnd::exited) << described;
    ASSERT_EQ(batch.exit_code, 0) << described;
    // Progress: one line per student as each ends, "[k/4] id: score/max in N s".
    for (const char* id : {"correct", "racy", "compile-error", "empty"}) {
        EXPECT_NE(batch.stderr_text.find(std::string("] ") + id + ": "), std::string::npos)
            << id << '\n'
            << described;
    }
    EXPECT_NE(batch.stderr_text.find("[4/4] "), std::string::npos) << described;

    // The gradebook: the verdict each submission must get, in its category.
    const std::map<std::string, Row> rows = read_gradebook(kOutput / "gradebook.csv");
    ASSERT_EQ(rows.size(), 4u) << read_text(kOutput / "gradebook.csv");
    EXPECT_EQ(rows.at("correct").score, 10);
    EXPECT_EQ(rows.at("correct").max_score, 10);
    EXPECT_EQ(rows.at("correct").categories, "");
    EXPECT_LT(rows.at("racy").score, 10);
    EXPECT_NE(rows.at("racy").categories.find("data-race"), std::string::npos)
        << rows.at("racy").categories;
    EXPECT_EQ(rows.at("compile-error").score, 0);
    EXPECT_EQ(rows.at("compile-error").categories, "compile-error");
    EXPECT_EQ(rows.at("empty").score, 0);
    EXPECT_EQ(rows.at("empty").categories, "missing-file");

    // Every student's own reports, and the summary for tools.
    for (const char* id : {"correct", "racy", "compile-error", "empty"}) {
        for (const char* file : {"report.json", "report.txt", "grader.log"}) {
            EXPECT_TRUE(fs::exists(kOutput / "students" / id / file)) << id << '/' << file;
        }
    }
    const nlohmann::json summary = nlohmann::json::parse(read_text(kOutput / "summary.json"));
    EXPECT_EQ(summary["complete"], true);
    EXPECT_EQ(summary["students_graded"], 4);
    EXPECT_EQ(summary["seeds"], nlohmann::json::array({1}));

    // The page: every student, and the compile error's markup as text only.
    const fs::path page = kOutput / "class-report.html";
    const std::string html = read_text(page);
    for (const char* id : {"correct", "racy", "compile-error", "empty"}) {
        EXPECT_NE(html.find(std::string("<details class=\"student\" id=\"student-") + id + "\""),
                  std::string::npos)
            << id;
    }
    EXPECT_NE(html.find("&lt;script&gt;alert(1)&lt;/script&gt;"), std::string::npos);
    EXPECT_EQ(html.find("<script"), std::string::npos);

    // Chromium parses it into the table an instructor sees.
    const ProcessOutcome dom = chromium("--dump-dom", page);
    ASSERT_EQ(dom.end, ProcessEnd::exited) << dom.stderr_text;
    ASSERT_EQ(dom.exit_code, 0) << dom.stderr_text;
    EXPECT_NE(dom.stdout_text.find("<table class=\"scores\">"), std::string::npos)
        << dom.stdout_text;
    for (const char* id : {"correct", "racy", "compile-error", "empty"}) {
        EXPECT_NE(dom.stdout_text.find(std::string("<th class=\"student\"><a href=\"#report-") +
                                       id + "\">" + id + "</a></th>"),
                  std::string::npos)
            << id;
    }
    EXPECT_EQ(dom.stdout_text.find("<script"), std::string::npos);

    // And draws it: a screenshot of the page must hold far more than a blank page's.
    const fs::path blank = kScratch / "batch-blank.html";
    put(blank, "<!DOCTYPE html><html><body></body></html>\n");
    const fs::path shot = kScratch / "class-report.png";
    const fs::path blank_shot = kScratch / "batch-blank.png";
    for (const auto& [source, png] : {std::pair{page, shot}, std::pair{blank, blank_shot}}) {
        fs::remove(png);
        const ProcessOutcome drawn = chromium("--screenshot=" + png.string(), source);
        ASSERT_EQ(drawn.end, ProcessEnd::exited) << drawn.stderr_text;
        ASSERT_EQ(drawn.exit_code, 0) << drawn.stderr_text;
    }
    const std::string image = read_text(shot);
    const std::optional<PngSize> size = png_size(image);
    ASSERT_TRUE(size) << shot.string() << " is not a PNG";
    EXPECT_EQ(size->width, 1280u);
    EXPECT_EQ(size->height, 1600u);
    const std::size_t blank_bytes = fs::file_size(blank_shot);
    EXPECT_GT(image.size(), std::size_t{10} * 1024);
    // A page of one colour compresses to almost nothing; the report's text and coloured cells
    // cannot.
    EXPECT_GT(image.size(), 4 * blank_bytes)
        << "the screenshot is " << image.size() << " bytes, a blank page's " << blank_bytes;
    std::cout << "class report screenshot: " << shot.string() << " (" << image.size()
              << " bytes; a blank page: " << blank_bytes << " bytes)\n";
}

}  // namespace
