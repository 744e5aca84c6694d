// Tests of the synchronisation-name scan: exact positions of findings, the lexical traps
// (comments, every kind of literal, digit separators, continued lines), the std names that stay
// allowed, the explanation a student reads, and the kit's own lab and solution headers, which
// must pass the rule they will be graded by.
//
// Most sources here are built so that a lexing mistake changes the result: a forbidden name sits
// just after the trap, where it is hidden if the trap swallows too much, or inside it, where it
// is found if the trap is not recognised.
#include <gtest/gtest.h>

#include <filesystem>
#include <string>
#include <vector>

#include "sync_name_scan.hpp"
#include "text_assertions.hpp"

#ifndef PCLAB_SOURCE_DIR
#error "PCLAB_SOURCE_DIR must name the repository root"
#endif

namespace pclab::grader {
namespace {

namespace fs = std::filesystem;

const std::string kFile = "labs/02-bounded-buffer/bounded_buffer.hpp";

std::vector<ForbiddenSyncName> scan(std::string_view source) {
    return scan_sync_names(source, kFile);
}

/// The names found, in order: the shortest way to state what a scan must report.
std::vector<std::string> names(std::string_view source) {
    std::vector<std::string> result;
    for (const ForbiddenSyncName& use : scan(source)) {
        result.push_back(use.name);
    }
    return result;
}

using Names = std::vector<std::string>;

TEST(SyncNameScan, ReportsFileLineColumnNameAndReplacement) {
    const std::string source =
        "#include <mutex>\n"
        "class Buffer {\n"
        "    std::mutex mutex_;\n"
        "\tstd::condition_variable not_full_;\n"
        "};\n";
    const std::vector<ForbiddenSyncName> expected = {
        {kFile, 3, 5, "std::mutex", "pclab::mutex"},
        {kFile, 4, 2, "std::condition_variable", "pclab::condition_variable"},
    };
    EXPECT_EQ(scan(source), expected);
}

TEST(SyncNameScan, MapsEveryForbiddenNameToItsReplacement) {
    const std::string not_in_labs =
        "not available in the labs: build it from pclab::mutex and pclab::condition_variable";
    const std::vector<std::pair<std::string, std::string>> cases = {
        {"mutex", "pclab::mutex"},
        {"timed_mutex", not_in_labs},
        {"recursive_mutex", not_in_labs},
        {"recursive_timed_mutex", not_in_labs},
        {"shared_mutex", not_in_labs},
        {"shared_timed_mutex", not_in_labs},
        {"condition_variable", "pclab::condition_variable"},
        {"condition_variable_any", not_in_labs},
        {"thread", "pclab::thread"},
        {"jthread", "pclab::thread"},
        {"counting_semaphore", "pclab::counting_semaphore"},
        {"binary_semaphore", "pclab::binary_semaphore"},
        {"latch", not_in_labs},
        {"barrier", not_in_labs},
        {"async", not_in_labs},
        {"this_thread::yield", "pclab::this_thread::yield"},
        {"this_thread::sleep_for", "pclab::this_thread::sleep_for"},
        {"this_thread::sleep_until", "pclab::this_thread::sleep_until"},
    };
    for (const auto& [name, use_instead] : cases) {
        const std::vector<ForbiddenSyncName> expected = {
            {kFile, 1, 8, "std::" + name, use_instead}};
        EXPECT_EQ(scan("auto x std::" + name + "<4>(y);"), expected) << name;
    }
}

TEST(SyncNameScan, FindsLeadingScopeAndSpacedSpellingsAtTheStdToken) {
    const std::vector<ForbiddenSyncName> expected = {
        {kFile, 1, 3, "std::thread", "pclab::thread"},
        {kFile, 2, 1, "std::thread", "pclab::thread"},
        {kFile, 3, 1, "std::this_thread::yield", "pclab::this_thread::yield"},
        {kFile, 5, 10, "std::thread", "pclab::thread"},
    };
    EXPECT_EQ(scan("::std::thread a;\n"
                   "std :: thread b;\n"
                   "std\n  ::\tthis_thread :: yield();\n"
                   "return ::std/* why not */::thread(f);\n"),
              expected);
}

TEST(SyncNameScan, FindsForbiddenNamesInsideTemplatesAndDeclarations) {
    EXPECT_EQ(names("std::unique_lock<std::mutex> lock(m);\n"
                    "using std::condition_variable;\n"
                    "std::vector<std::jthread> workers;\n"
                    "auto n = std::thread::hardware_concurrency();\n"
                    "#define LOCK std::mutex\n"),
              (Names{"std::mutex", "std::condition_variable", "std::jthread", "std::thread",
                     "std::mutex"}));
}

TEST(SyncNameScan, AllowedStdNamesAndUnqualifiedNamesAreNotFindings) {
    const std::string source =
        "#include <mutex>\n"
        "#include <thread>\n"
        "std::unique_lock<pclab::mutex> lock(mutex_);\n"
        "std::lock_guard<pclab::mutex> guard(mutex_, std::adopt_lock);\n"
        "std::scoped_lock both(a, b);\n"
        "std::unique_lock<pclab::mutex> later(mutex_, std::defer_lock);\n"
        "std::unique_lock<pclab::mutex> maybe(mutex_, std::try_to_lock);\n"
        "if (cv.wait_for(lock, 1ms) == std::cv_status::timeout) {}\n"
        "const std::thread::id owner = std::this_thread::get_id();\n"
        "std::jthread::id other;\n"
        "std::atomic<int> count{0};\n"
        "std::mutexes not_the_mutex; std::thread_pool pool; std::barriers b;\n"
        "pclab::thread worker(f); pclab::mutex m; pclab::condition_variable cv;\n"
        "pclab::this_thread::yield(); pclab::this_thread::sleep_for(1ms);\n"
        "my::mutex mine; worker.thread.join(); thread.join(); mutex.lock();\n"
        "using namespace std::chrono_literals;\n"
        "using namespace std::chrono;\n"
        "std::this_thread;\n";
    EXPECT_EQ(scan(source), std::vector<ForbiddenSyncName>{});
}

TEST(SyncNameScan, FlagsUsingNamespaceStdButNotOtherUsingDirectives) {
    const std::string qualify = "qualify names; the labs' synchronisation names are pclab::...";
    const std::vector<ForbiddenSyncName> expected = {
        {kFile, 1, 1, "using namespace std", qualify},
        {kFile, 3, 3, "using namespace std", qualify},
        {kFile, 4, 1, "using namespace std::this_thread", qualify},
    };
    EXPECT_EQ(scan("using namespace std;\n"
                   "using namespace std::chrono_literals;\n"
                   "  using namespace ::std ;\n"
                   "using namespace std::this_thread;\n"
                   "using namespace pclab;\n"),
              expected);
}

TEST(SyncNameScan, IgnoresComments) {
    EXPECT_EQ(names("// std::mutex in a line comment\n"
                    "/* std::thread in a block comment\n"
                    "   std::condition_variable on its second line */ std::latch l;\n"
                    "/// Doxygen: use std::this_thread::yield() here\n"
                    "int a; /* std::mutex */ std::barrier<> b; // std::jthread\n"),
              (Names{"std::latch", "std::barrier"}));
}

TEST(SyncNameScan, IgnoresStringLiteralsWithEscapesAndComments) {
    // The first line's `//` is inside a string, so the mutex after it is code; the escaped quote
    // does not end the second string, so its std::thread is text, while the one after is code.
    EXPECT_EQ(names("auto url = \"http://example\"; std::mutex m;\n"
                    "auto s = \"say \\\"std::thread\\\" \\\\\"; std::thread t;\n"
                    "auto w = L\"std::mutex\" u8\"std::mutex\" u\"x\" U\"std::latch\";\n"),
              (Names{"std::mutex", "std::thread"}));
}

TEST(SyncNameScan, IgnoresRawStrings) {
    EXPECT_EQ(names("auto a = R\"(std::mutex \"quoted\" \\)\"; std::thread t1;\n"
                    "auto b = R\"x(std::mutex )\" still raw std::thread\n"
                    "   std::latch on a second line)x\"; std::jthread t2;\n"
                    "auto c = u8R\"(std::mutex)\" LR\"--(std::mutex)--\"; std::async(f);\n"),
              (Names{"std::thread", "std::jthread", "std::async"}));
}

TEST(SyncNameScan, IgnoresCharacterLiteralsAndDigitSeparators) {
    // If `'` in a number opened a character literal, it would hide the code up to the next `'`.
    EXPECT_EQ(names("char q = '\"'; std::mutex a;\n"
                    "char e = '\\''; std::thread b; auto w = L'x';\n"
                    "int n = 1'000; std::latch c{1'0}; char z = 'z';\n"
                    "auto h = 0xFF'FF; double d = 1.5e+3'0; std::barrier<> e2{2}; char y = 'y';\n"),
              (Names{"std::mutex", "std::thread", "std::latch", "std::barrier"}));
}

TEST(SyncNameScan, JoinsContinuedLinesAndReportsThePhysicalPosition) {
    const std::vector<ForbiddenSyncName> expected = {
        {kFile, 3, 8, "std::mutex", "pclab::mutex"},
        {kFile, 6, 1, "std::thread", "pclab::thread"},
    };
    // Blanks between a backslash and the line break still splice (g++ and clang only warn).
    EXPECT_EQ(scan("// a comment continued \\ \t\n"
                   "std::latch hidden;\n"
                   "int x; std::mu\\\n"
                   "tex m;\n"
                   "#define SPAWN(f) \\\n"
                   "std::thread(f) \\  \n"
                   "   .detach()\n"),
              expected);
}

TEST(SyncNameScan, CountsLinesAndColumnsWithWindowsLineEndings) {
    const std::vector<ForbiddenSyncName> expected = {
        {kFile, 3, 3, "std::mutex", "pclab::mutex"},
    };
    EXPECT_EQ(scan("// one\r\n/* two */\r\n  std::mutex m;\r\n"), expected);
}

TEST(SyncNameScan, SurvivesUnterminatedCommentsAndLiterals) {
    EXPECT_EQ(names("#error don't use this\nstd::mutex m;\n"), (Names{"std::mutex"}));
    EXPECT_EQ(names("auto s = \"open\nstd::thread t;\n"), (Names{"std::thread"}));
    EXPECT_EQ(names("std::latch l; /* never closed std::mutex"), (Names{"std::latch"}));
    EXPECT_EQ(names("std::latch l; R\"x(never closed std::mutex"), (Names{"std::latch"}));
    EXPECT_EQ(names("std::"), Names{});
    EXPECT_EQ(names(""), Names{});
}

TEST(SyncNameScan, ExplanationNamesEachPlaceWhatWasWrittenAndTheReplacement) {
    const std::string text =
        explain_forbidden_sync_names(scan("std::mutex m;\n"
                                          "  std::this_thread::sleep_for(1ms);\n"
                                          "std::latch done{1};\n"
                                          "using namespace std;\n"));
    EXPECT_TRUE(contains(text, kFile + ":1:1: `std::mutex`: use `pclab::mutex` instead"));
    EXPECT_TRUE(contains(text, kFile + ":2:3: `std::this_thread::sleep_for`: use "
                                       "`pclab::this_thread::sleep_for` instead"));
    EXPECT_TRUE(contains(text, kFile + ":3:1: `std::latch`: not available in the labs: build it "
                                       "from pclab::mutex and pclab::condition_variable"));
    EXPECT_TRUE(contains(text, kFile + ":4:1: `using namespace std`: qualify names"));
    EXPECT_TRUE(contains(text, "explore mode"));
    EXPECT_TRUE(contains(text, "outside that scheduler"));
    EXPECT_FALSE(contains(text, "more"));
}

TEST(SyncNameScan, ExplanationListsAtMostTenAndCountsTheRest) {
    std::string source;
    for (int line = 1; line <= 13; ++line) {
        source += "std::mutex m" + std::to_string(line) + ";\n";
    }
    const std::string text = explain_forbidden_sync_names(scan(source));
    EXPECT_TRUE(contains(text, kFile + ":10:1:"));
    EXPECT_FALSE(contains(text, kFile + ":11:1:"));
    EXPECT_TRUE(contains(text, "and 3 more"));
}

TEST(SyncNameScan, ExplanationOfNothingIsEmpty) {
    EXPECT_EQ(explain_forbidden_sync_names({}), "");
}

TEST(SyncNameScan, FileScanUsesTheDisplayNameAndThrowsWhenUnreadable) {
    const fs::path lab = fs::path(PCLAB_SOURCE_DIR) / "labs" / "02-bounded-buffer";
    EXPECT_EQ(scan_sync_names_in_file(lab / "bounded_buffer.hpp", "bounded_buffer.hpp"),
              std::vector<ForbiddenSyncName>{});
    EXPECT_THROW(scan_sync_names_in_file(lab / "no_such_file.hpp", "no_such_file.hpp"),
                 std::runtime_error);
    EXPECT_THROW(scan_sync_names_in_file(lab, "02-bounded-buffer"), std::runtime_error);
}

// Every header the kit ships as student code or as a solution: labs/*/ (the student files and
// the unsafe variants) without labs/*/tests/, and solutions/ (absent in the student release).
// They are graded by this rule in explore mode, so they must pass it.
std::vector<fs::path> shipped_lab_headers() {
    const fs::path root(PCLAB_SOURCE_DIR);
    std::vector<fs::path> headers;
    const auto collect = [&headers](const fs::path& dir, const fs::path& skip) {
        for (auto it = fs::recursive_directory_iterator(dir);
             it != fs::recursive_directory_iterator(); ++it) {
            if (it->is_directory() && it->path() == skip) {
                it.disable_recursion_pending();
            } else if (it->is_regular_file() && it->path().extension() == ".hpp") {
                headers.push_back(it->path());
            }
        }
    };
    for (const auto& lab : fs::directory_iterator(root / "labs")) {
        if (lab.is_directory()) {
            collect(lab.path(), lab.path() / "tests");
        }
    }
    if (fs::is_directory(root / "solutions")) {
        collect(root / "solutions", {});
    }
    return headers;
}

TEST(SyncNameScan, KitLabAndSolutionHeadersUseOnlyPclabNames) {
    const fs::path root(PCLAB_SOURCE_DIR);
    const std::vector<fs::path> headers = shipped_lab_headers();
    // Five labs ship at least one student header, one unsafe variant and one solution each: a
    // smaller count means the walk above went wrong, not that the kit is clean.
    ASSERT_GE(headers.size(), 15U);
    std::vector<ForbiddenSyncName> found;
    for (const fs::path& header : headers) {
        const auto in_file =
            scan_sync_names_in_file(header, fs::relative(header, root).generic_string());
        found.insert(found.end(), in_file.begin(), in_file.end());
    }
    EXPECT_TRUE(found.empty()) << explain_forbidden_sync_names(found);
}

}  // namespace
}  // namespace pclab::grader
