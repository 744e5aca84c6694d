// Tests of what the student release leaves out (release_content): the exclude manifest's globs,
// the Markdown instructor blocks, and the scan for instructor content in the copy.
#include <gtest/gtest.h>

#include <stdexcept>
#include <string>

#include "release_content.hpp"

namespace pclab::grader {
namespace {

// The message of `call`'s std::invalid_argument, or a test failure when it does not throw.
template <class Call>
std::string invalid_argument_of(Call&& call) {
    try {
        call();
    } catch (const std::invalid_argument& error) {
        return error.what();
    }
    ADD_FAILURE() << "no std::invalid_argument was thrown";
    return {};
}

// ---------------------------------------------------------------------------------------------
// release/exclude.txt

TEST(ReleaseManifest, ExcludesADirectoryWithEverythingUnderIt) {
    const auto manifest = ReleaseManifest::parse("# comment\n\nsolutions\nhidden-checks/\n", "m");
    EXPECT_EQ(manifest.globs(), (std::vector<std::string>{"solutions", "hidden-checks"}));
    EXPECT_TRUE(manifest.excludes("solutions/03-bounded-queue/queue.hpp"));
    EXPECT_TRUE(manifest.excludes("solutions"));
    EXPECT_TRUE(manifest.excludes("hidden-checks/03-bounded-queue/checks.json"));
    EXPECT_FALSE(manifest.excludes("labs/03-bounded-queue/queue.hpp"));
    EXPECT_FALSE(manifest.excludes("solutions-notes.md")) << "a prefix is not a parent";
    EXPECT_FALSE(manifest.excludes("docs/solutions/x.md")) << "globs are anchored at the root";
}

TEST(ReleaseManifest, StarsStayWithinOnePathComponent) {
    const auto manifest = ReleaseManifest::parse("  docs/instructor-*.md  \nlabs/*/notes\n", "m");
    EXPECT_TRUE(manifest.excludes("docs/instructor-guide.md"));
    EXPECT_FALSE(manifest.excludes("docs/sub/instructor-guide.md"));
    EXPECT_TRUE(manifest.excludes("labs/03-bounded-queue/notes/answers.md"));
    EXPECT_FALSE(manifest.excludes("labs/03-bounded-queue/tests/notes.cpp"));
}

TEST(ReleaseManifest, RefusesGlobsThatLeaveTheKit) {
    EXPECT_EQ(invalid_argument_of([] { ReleaseManifest::parse("ok\n/etc\n", "exclude.txt"); }),
              "exclude.txt:2: a glob is relative to the kit's root and stays in it ('/etc')");
    EXPECT_NE(invalid_argument_of([] { ReleaseManifest::parse("a/../../x\n", "m"); }), "");
}

// ---------------------------------------------------------------------------------------------
// Markdown instructor blocks

TEST(StripInstructorBlocks, RemovesEveryBlockWithItsMarkersAndKeepsTheRestByteForByte) {
    const std::string markdown =
        "# Title\n"
        "Students read this.\n"
        "<!-- instructor -->\n"
        "./pclab grade --impl solution\n"
        "<!-- /instructor -->\n"
        "Also this.  \n"
        "  <!-- instructor -->  \n"
        "| rates | fairness |\n"
        "<!-- /instructor -->\n"
        "End";
    const StrippedMarkdown stripped = strip_instructor_blocks(markdown, "README.md");
    EXPECT_EQ(stripped.text, "# Title\nStudents read this.\nAlso this.  \nEnd");
    EXPECT_EQ(stripped.blocks, 2U);
}

TEST(StripInstructorBlocks, LeavesAFileWithoutBlocksAlone) {
    const std::string markdown = "no blocks\r\nhere\n";
    const StrippedMarkdown stripped = strip_instructor_blocks(markdown, "a.md");
    EXPECT_EQ(stripped.text, markdown);
    EXPECT_EQ(stripped.blocks, 0U);
}

TEST(StripInstructorBlocks, RefusesMalformedBlocksNamingFileAndLine) {
    EXPECT_EQ(invalid_argument_of(
                  [] { strip_instructor_blocks("a\n<!-- instructor -->\nsecret\n", "docs/x.md"); }),
              "docs/x.md:2: the instructor block opened here is never closed "
              "(<!-- /instructor -->)");
    EXPECT_EQ(invalid_argument_of([] { strip_instructor_blocks("<!-- /instructor -->\n", "x"); }),
              "x:1: <!-- /instructor --> without a block to close");
    EXPECT_EQ(invalid_argument_of([] {
                  strip_instructor_blocks("<!-- instructor -->\n<!-- instructor -->\n", "x");
              }),
              "x:2: <!-- instructor --> inside the block opened at line 1 (blocks do not nest)");
    EXPECT_EQ(invalid_argument_of(
                  [] { strip_instructor_blocks("text <!-- instructor --> secret\n", "x"); }),
              "x:1: an instructor marker must be on a line of its own");
}

// ---------------------------------------------------------------------------------------------
// Instructor content in the copy

const std::string kSolution =
    "#include \"pclab/testkit/a_header_with_a_long_name.hpp\"\n"
    "    void put(T item) {  // the declaration the stub has too, long enough\n"
    "        not_full_.wait(lock, [this] { return items_.size() < capacity_; });\n"
    "        short();\n";

InstructorLeakScan sample_scan() {
    InstructorLeakScan scan;
    scan.add_instructor_file("solutions/02/bounded_buffer.hpp", kSolution);
    scan.add_student_side("void put(T item) {  // the declaration the stub has too, long enough\n");
    return scan;
}

TEST(InstructorLeakScan, FindsAnIdenticalCopy) {
    const InstructorLeak leak = sample_scan().scan("docs/answer.hpp", kSolution);
    EXPECT_EQ(leak.same_as, std::vector<std::string>{"solutions/02/bounded_buffer.hpp"});
}

TEST(InstructorLeakScan, FindsALineOnlyTheInstructorFileHasWhereverItIsIndented) {
    const InstructorLeak leak =
        sample_scan().scan("labs/02/README.md",
                           "Hint:\n```\nnot_full_.wait(lock, [this] { return items_.size() < "
                           "capacity_; });\n```\n");
    EXPECT_TRUE(leak.same_as.empty());
    ASSERT_EQ(leak.lines.size(), 1U);
    EXPECT_EQ(leak.lines[0].first,
              "not_full_.wait(lock, [this] { return items_.size() < capacity_; });");
    EXPECT_EQ(leak.lines[0].second, "solutions/02/bounded_buffer.hpp");
}

TEST(InstructorLeakScan, IgnoresStudentSideLinesIncludesAndShortLines) {
    const InstructorLeak leak = sample_scan().scan(
        "labs/02/bounded_buffer.hpp",
        "#include \"pclab/testkit/a_header_with_a_long_name.hpp\"\n"
        "  void put(T item) {  // the declaration the stub has too, long enough\n"
        "        short();\n");
    EXPECT_TRUE(leak.same_as.empty());
    EXPECT_TRUE(leak.lines.empty());
}

TEST(InstructorLeakScan, AnEmptyFileIsNotACopyOfAnEmptyInstructorFile) {
    InstructorLeakScan scan;
    scan.add_instructor_file("hidden-checks/03/empty.cpp", "");
    EXPECT_TRUE(scan.scan("labs/empty.md", "").same_as.empty());
    EXPECT_EQ(scan.instructor_files(), 1U);
}

}  // namespace
}  // namespace pclab::grader
