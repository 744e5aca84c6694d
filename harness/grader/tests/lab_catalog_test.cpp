// Tests of the lab catalog: loading fake repository trees (tests/data/catalog/*), every
// validation error (file and field named), resolving lab names, and the listings.
//
// Static trees cover what reads best on disk (a valid repo, malformed JSON, a missing lab.json);
// the other broken cases copy the valid tree into a scratch directory and change one field of
// one lab.json, so each test shows exactly the mistake it is about.
#include <gtest/gtest.h>

#include <atomic>
#include <fstream>
#include <functional>
#include <string>

#include <unistd.h>
#include <nlohmann/json.hpp>

#include "lab_catalog.hpp"
#include "text_assertions.hpp"

#ifndef PCLAB_TEST_DATA_DIR
#error "PCLAB_TEST_DATA_DIR must name harness/grader/tests/data"
#endif

namespace pclab::grader {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;

const fs::path kCatalogData = fs::path(PCLAB_TEST_DATA_DIR) / "catalog";

// The CatalogError message of loading `root`, or a test failure when it loads.
std::string load_error(const fs::path& root) {
    try {
        LabCatalog::load(root);
    } catch (const CatalogError& error) {
        return error.what();
    }
    ADD_FAILURE() << "loading " << root << " succeeded; a CatalogError was expected";
    return {};
}

// A scratch copy of the valid tree, so a test can break one thing in it.
class ScratchRepo : public ::testing::Test {
  protected:
    void SetUp() override {
        static std::atomic<int> counter{0};
        root_ = fs::temp_directory_path() / ("pclab-catalog-test-" + std::to_string(::getpid()) +
                                             "-" + std::to_string(counter++));
        fs::remove_all(root_);
        fs::create_directories(root_);
        fs::copy(kCatalogData / "valid", root_, fs::copy_options::recursive);
    }
    void TearDown() override { fs::remove_all(root_); }

    // Rewrites labs/<directory>/lab.json after `change` edits its JSON.
    void edit_lab(const std::string& directory, const std::function<void(json&)>& change) {
        const fs::path file = root_ / "labs" / directory / "lab.json";
        json document;
        {
            std::ifstream in(file);
            document = json::parse(in);
        }
        change(document);
        std::ofstream(file) << document.dump(2);
    }

    std::string error_after_editing(const std::string& directory,
                                    const std::function<void(json&)>& change) {
        edit_lab(directory, change);
        return load_error(root_);
    }

    fs::path root_;
};

constexpr const char* kLab01 = "01-shared-results";
constexpr const char* kLab02 = "02-bounded-buffer";
const std::string kFile01 = "labs/01-shared-results/lab.json";
const std::string kFile02 = "labs/02-bounded-buffer/lab.json";

// ---------------------------------------------------------------------------------------------
// Loading valid trees

TEST(LabCatalog, LoadsEveryLabOfAValidTreeSortedById) {
    const auto catalog = LabCatalog::load(kCatalogData / "valid");
    ASSERT_EQ(catalog.labs().size(), 2U);
    EXPECT_EQ(catalog.labs()[0].id, "01");
    EXPECT_EQ(catalog.labs()[1].id, "02");
}

TEST(LabCatalog, ReadsEveryFieldOfALab) {
    const auto catalog = LabCatalog::load(kCatalogData / "valid");
    const Lab& lab = catalog.labs().at(0);
    EXPECT_EQ(lab.slug, "shared-results");
    EXPECT_EQ(lab.title, "Shared results: many consumers, one list");
    EXPECT_EQ(lab.teaches, "A container shared by threads needs a lock around every access.");
    EXPECT_EQ(lab.directory_name, "01-shared-results");
    EXPECT_TRUE(lab.directory.is_absolute());
    EXPECT_TRUE(fs::equivalent(lab.directory, kCatalogData / "valid/labs/01-shared-results"));
    EXPECT_EQ(lab.student_files, std::vector<std::string>{"result_list.hpp"});

    ASSERT_EQ(lab.unsafe_variants.size(), 1U);
    const UnsafeVariant& variant = lab.unsafe_variants[0];
    EXPECT_EQ(variant.name, "unsynchronised_vector");
    EXPECT_EQ(variant.files, (std::map<std::string, std::string>{
                                 {"result_list.hpp", "unsafe/unsynchronised_vector.hpp"}}));
    EXPECT_EQ(variant.defect, "append() pushes into a std::vector without a lock");
    EXPECT_EQ(variant.expected_categories, std::vector<std::string>{"data-race"});

    ASSERT_EQ(lab.checks.size(), 2U);
    const CheckSpec& check = lab.checks[1];
    EXPECT_EQ(check.name, "exact-results");
    EXPECT_EQ(check.points, 4);
    EXPECT_EQ(check.gtest_filter, "PipelineResults.*");
    EXPECT_EQ(check.builds, (std::vector<std::string>{"plain", "tsan"}));
    EXPECT_EQ(check.timeout_seconds, 30);
    EXPECT_EQ(check.explains, "The pipeline records exactly the squares of 0..N-1.");
}

TEST(LabCatalog, SkipsPlainFilesAndDirectoriesThatAreNotLabs) {
    // valid/labs holds README.md (a file) and common/ (no lab.json, not NN-shaped).
    const auto catalog = LabCatalog::load(kCatalogData / "valid");
    for (const Lab& lab : catalog.labs()) {
        EXPECT_NE(lab.directory_name, "common");
    }
    EXPECT_EQ(catalog.labs().size(), 2U);
}

TEST(LabCatalog, LoadsAnEmptyLabsDirectory) {
    EXPECT_TRUE(LabCatalog::load(kCatalogData / "empty").labs().empty());
}

TEST(LabCatalog, MaxScoreIsTheSumOfCheckPoints) {
    const auto catalog = LabCatalog::load(kCatalogData / "valid");
    EXPECT_EQ(catalog.labs()[0].max_score(), 6);
    EXPECT_EQ(catalog.labs()[1].max_score(), 8);
}

TEST(LabCatalog, FindsVariantsAndChecksByName) {
    const auto catalog = LabCatalog::load(kCatalogData / "valid");
    const Lab& lab = catalog.labs()[1];
    ASSERT_NE(lab.find_variant("unlocked_log"), nullptr);
    EXPECT_EQ(lab.find_variant("unlocked_log")->files.at("item_log.hpp"),
              "unsafe/unlocked_log.hpp");
    EXPECT_EQ(lab.find_variant("unsynchronised_vector"), nullptr);
    ASSERT_NE(lab.find_check("exactly-once"), nullptr);
    EXPECT_EQ(lab.find_check("exactly-once")->points, 5);
    EXPECT_EQ(lab.find_check("exact-results"), nullptr);
}

TEST_F(ScratchRepo, AcceptsALabWithoutUnsafeVariants) {
    edit_lab(kLab01, [](json& lab) { lab.erase("unsafe_variants"); });
    const auto catalog = LabCatalog::load(root_);
    EXPECT_TRUE(catalog.labs()[0].unsafe_variants.empty());
}

// ---------------------------------------------------------------------------------------------
// Validation errors: static trees

TEST(LabCatalog, RejectsATreeWithoutLabsDirectory) {
    const std::string error = load_error(kCatalogData / "no-such-tree");
    EXPECT_TRUE(contains(error, "no-such-tree"));
    EXPECT_TRUE(contains(error, "no labs/ directory"));
}

TEST(LabCatalog, ReportsMalformedJsonWithTheParserMessageAndFileName) {
    const std::string error = load_error(kCatalogData / "malformed-json");
    EXPECT_TRUE(contains(error, kFile01 + ": invalid JSON: "));
    EXPECT_TRUE(contains(error, "parse error at line 5"));
}

TEST(LabCatalog, RejectsALabDirectoryWithoutLabJson) {
    EXPECT_EQ(load_error(kCatalogData / "missing-lab-json"),
              "labs/02-forgotten: missing lab.json (every NN-slug directory under labs/ is a lab)");
}

TEST(LabCatalog, RejectsAMissingStudentFile) {
    EXPECT_EQ(
        load_error(kCatalogData / "missing-student-file"),
        kFile01 + ": student_files[0]: labs/01-shared-results/result_list.hpp does not exist");
}

TEST(LabCatalog, RejectsDuplicateCheckNames) {
    EXPECT_EQ(load_error(kCatalogData / "duplicate-check-names"),
              kFile01 + ": checks[1].name 'append-contract' is not unique (also checks[0].name)");
}

// ---------------------------------------------------------------------------------------------
// Validation errors: one edit of the valid tree each

TEST_F(ScratchRepo, RejectsATopLevelThatIsNotAnObject) {
    EXPECT_EQ(error_after_editing(kLab01, [](json& lab) { lab = json::array(); }),
              kFile01 + ": the top level must be a JSON object");
}

TEST_F(ScratchRepo, RejectsAnIdThatDoesNotMatchTheDirectoryPrefix) {
    EXPECT_EQ(error_after_editing(kLab02, [](json& lab) { lab["id"] = "2"; }),
              kFile02 + ": id must be two digits equal to the directory prefix '02' (got '2')");
}

TEST_F(ScratchRepo, RejectsAnIdThatIsNotAString) {
    EXPECT_EQ(error_after_editing(kLab02, [](json& lab) { lab["id"] = 2; }),
              kFile02 + ": id must be a non-empty string");
}

TEST_F(ScratchRepo, RejectsAMissingId) {
    EXPECT_EQ(error_after_editing(kLab01, [](json& lab) { lab.erase("id"); }),
              kFile01 + ": id is required");
}

TEST_F(ScratchRepo, RejectsASlugThatDoesNotMatchTheDirectorySuffix) {
    EXPECT_EQ(error_after_editing(kLab01, [](json& lab) { lab["slug"] = "results"; }),
              kFile01 + ": slug must equal the directory suffix 'shared-results' (got 'results')");
}

TEST_F(ScratchRepo, RejectsAnEmptyTitle) {
    EXPECT_EQ(error_after_editing(kLab01, [](json& lab) { lab["title"] = ""; }),
              kFile01 + ": title must be a non-empty string");
}

TEST_F(ScratchRepo, RejectsLabJsonInADirectoryNotNamedNNSlug) {
    fs::rename(root_ / "labs" / kLab01, root_ / "labs/shared-results");
    EXPECT_EQ(load_error(root_),
              "labs/shared-results/lab.json: the lab directory must be named NN-slug (two digits, "
              "'-', the slug), not 'shared-results'");
}

TEST_F(ScratchRepo, RejectsTwoLabsWithTheSameId) {
    fs::copy(root_ / "labs" / kLab02, root_ / "labs/02-second-buffer", fs::copy_options::recursive);
    edit_lab("02-second-buffer", [](json& lab) { lab["slug"] = "second-buffer"; });
    EXPECT_EQ(load_error(root_),
              "labs/02-second-buffer/lab.json: id '02' is already used by labs/02-bounded-buffer");
}

TEST_F(ScratchRepo, RejectsEmptyStudentFiles) {
    EXPECT_EQ(error_after_editing(kLab01, [](json& lab) { lab["student_files"] = json::array(); }),
              kFile01 + ": student_files must be a non-empty array of file names");
}

TEST_F(ScratchRepo, RejectsAStudentFileOutsideTheLabDirectory) {
    EXPECT_EQ(
        error_after_editing(
            kLab02,
            [](json& lab) { lab["student_files"][1] = "../01-shared-results/result_list.hpp"; }),
        kFile02 +
            ": student_files[1] must be a path relative to the lab directory (got "
            "'../01-shared-results/result_list.hpp')");
}

TEST_F(ScratchRepo, RejectsARepeatedStudentFile) {
    EXPECT_EQ(error_after_editing(
                  kLab02, [](json& lab) { lab["student_files"][1] = "bounded_buffer.hpp"; }),
              kFile02 + ": student_files[1] repeats 'bounded_buffer.hpp'");
}

TEST_F(ScratchRepo, RejectsMissingChecks) {
    EXPECT_EQ(error_after_editing(kLab01, [](json& lab) { lab.erase("checks"); }),
              kFile01 + ": checks is required");
}

TEST_F(ScratchRepo, RejectsAnEmptyCheckList) {
    EXPECT_EQ(error_after_editing(kLab01, [](json& lab) { lab["checks"] = json::array(); }),
              kFile01 + ": checks must be a non-empty array");
}

TEST_F(ScratchRepo, RejectsPointsThatAreNotAPositiveInteger) {
    for (const json& points : {json(0), json(-3), json(2.5), json(4.0), json("4"), json(true)}) {
        EXPECT_EQ(
            error_after_editing(kLab02, [&](json& lab) { lab["checks"][1]["points"] = points; }),
            kFile02 + ": checks[1].points must be a positive integer")
            << "points = " << points.dump();
    }
}

TEST_F(ScratchRepo, RejectsPointsAboveTheCap) {
    EXPECT_EQ(error_after_editing(kLab02, [](json& lab) { lab["checks"][0]["points"] = 1001; }),
              kFile02 + ": checks[0].points must be at most 1000");
}

TEST_F(ScratchRepo, RejectsAMissingGtestFilter) {
    EXPECT_EQ(
        error_after_editing(kLab01, [](json& lab) { lab["checks"][0].erase("gtest_filter"); }),
        kFile01 + ": checks[0].gtest_filter is required");
}

TEST_F(ScratchRepo, RejectsEmptyBuilds) {
    EXPECT_EQ(
        error_after_editing(kLab01, [](json& lab) { lab["checks"][1]["builds"] = json::array(); }),
        kFile01 +
            ": checks[1].builds must be a non-empty array of \"plain\", \"tsan\" and/or "
            "\"explore\"");
}

TEST_F(ScratchRepo, RejectsAnUnknownBuild) {
    EXPECT_EQ(
        error_after_editing(kLab01, [](json& lab) { lab["checks"][1]["builds"][1] = "asan"; }),
        kFile01 +
            ": checks[1].builds[1] must be \"plain\", \"tsan\" or \"explore\" (got \"asan\")");
}

TEST_F(ScratchRepo, RejectsARepeatedBuild) {
    EXPECT_EQ(
        error_after_editing(kLab01, [](json& lab) { lab["checks"][1]["builds"][1] = "plain"; }),
        kFile01 + ": checks[1].builds[1] repeats \"plain\"");
}

TEST_F(ScratchRepo, RejectsATimeoutThatIsNotPositive) {
    EXPECT_EQ(
        error_after_editing(kLab01, [](json& lab) { lab["checks"][0]["timeout_seconds"] = 0; }),
        kFile01 + ": checks[0].timeout_seconds must be a positive integer");
}

TEST_F(ScratchRepo, RejectsAMemoryLimitThatIsNotPositive) {
    EXPECT_EQ(
        error_after_editing(kLab01, [](json& lab) { lab["checks"][0]["memory_limit_mib"] = 0; }),
        kFile01 + ": checks[0].memory_limit_mib must be a positive integer");
}

TEST(LabCatalog, ChecksAreCorrectnessChecksUnlessGated) {
    const auto catalog = LabCatalog::load(kCatalogData / "valid");
    for (const Lab& lab : catalog.labs()) {
        for (const CheckSpec& check : lab.checks) {
            EXPECT_FALSE(check.gated_by_all) << lab.id << " " << check.name;
        }
    }
}

TEST_F(ScratchRepo, ReadsAGatedPerformanceCheckAndListsIt) {
    edit_lab(kLab02, [](json& lab) { lab["checks"][1]["gated_by_all"] = true; });
    const auto catalog = LabCatalog::load(root_);
    const Lab& lab = catalog.resolve("02");
    EXPECT_FALSE(lab.checks[0].gated_by_all);
    EXPECT_TRUE(lab.checks[1].gated_by_all);
    EXPECT_EQ(list_json(catalog, root_).at("labs")[1].at("checks")[1].at("gated_by_all"), true);
    EXPECT_TRUE(contains(list_text(catalog), "Scored only when every correctness check passes."));
}

TEST_F(ScratchRepo, RejectsAGateThatIsNotABoolean) {
    for (const json& gated : {json(1), json("true"), json(nullptr)}) {
        EXPECT_EQ(error_after_editing(kLab02,
                                      [&](json& lab) { lab["checks"][0]["gated_by_all"] = gated; }),
                  kFile02 + ": checks[0].gated_by_all must be true or false")
            << "gated_by_all = " << gated.dump();
    }
}

TEST_F(ScratchRepo, RejectsALabWhoseEveryCheckIsGated) {
    EXPECT_EQ(error_after_editing(kLab02,
                                  [](json& lab) {
                                      for (json& check : lab["checks"]) {
                                          check["gated_by_all"] = true;
                                      }
                                  }),
              kFile02 +
                  ": checks: gated_by_all needs at least one check without it (a correctness "
                  "check)");
}

TEST(LabCatalog, MemoryLimitDefaultsToZeroMeaningTheGradersDefault) {
    const auto catalog = LabCatalog::load(kCatalogData / "valid");
    EXPECT_EQ(catalog.resolve("01").checks.front().memory_limit_mib, 0);
}

TEST_F(ScratchRepo, RejectsAMissingVariantFile) {
    EXPECT_EQ(error_after_editing(kLab02,
                                  [](json& lab) {
                                      lab["unsafe_variants"][1]["files"]["item_log.hpp"] =
                                          "unsafe/no_such_file.hpp";
                                  }),
              kFile02 +
                  ": unsafe_variants[1].files[\"item_log.hpp\"]: "
                  "labs/02-bounded-buffer/unsafe/no_such_file.hpp does not exist");
}

TEST_F(ScratchRepo, RejectsAVariantFileForAFileStudentsDoNotEdit) {
    EXPECT_EQ(error_after_editing(kLab01,
                                  [](json& lab) {
                                      lab["unsafe_variants"][0]["files"] = {
                                          {"results.hpp", "unsafe/unsynchronised_vector.hpp"}};
                                  }),
              kFile01 +
                  ": unsafe_variants[0].files[\"results.hpp\"]: 'results.hpp' is not one of "
                  "student_files (result_list.hpp)");
}

TEST_F(ScratchRepo, RejectsAnUnknownExpectedCategory) {
    const std::string error = error_after_editing(
        kLab02, [](json& lab) { lab["unsafe_variants"][0]["expected_categories"][2] = "race"; });
    EXPECT_TRUE(contains(error, kFile02 + ": unsafe_variants[0].expected_categories[2] 'race' is "
                                          "not a known category (data-race, lost-item, "));
    EXPECT_TRUE(contains(error, ", assertion)")) << "the message lists every category";
}

TEST_F(ScratchRepo, RejectsEmptyExpectedCategories) {
    EXPECT_EQ(
        error_after_editing(
            kLab01,
            [](json& lab) { lab["unsafe_variants"][0]["expected_categories"] = json::array(); }),
        kFile01 +
            ": unsafe_variants[0].expected_categories must be a non-empty array of "
            "categories");
}

TEST_F(ScratchRepo, RejectsDuplicateVariantNames) {
    EXPECT_EQ(
        error_after_editing(
            kLab02, [](json& lab) { lab["unsafe_variants"][1]["name"] = "if_instead_of_while"; }),
        kFile02 +
            ": unsafe_variants[1].name 'if_instead_of_while' is not unique (also "
            "unsafe_variants[0].name)");
}

TEST_F(ScratchRepo, RejectsAVariantNameThatCannotBeATargetName) {
    EXPECT_EQ(error_after_editing(kLab01,
                                  [](json& lab) { lab["unsafe_variants"][0]["name"] = "no lock"; }),
              kFile01 + ": unsafe_variants[0].name must use only a-z, 0-9 and '_' (got 'no lock')");
}

// ---------------------------------------------------------------------------------------------
// Resolving lab names

TEST(LabCatalog, ResolvesByIdNumberSlugAndDirectoryName) {
    const auto catalog = LabCatalog::load(kCatalogData / "valid");
    for (const char* name : {"02", "2", "002", "bounded-buffer", "02-bounded-buffer"}) {
        EXPECT_EQ(catalog.resolve(name).id, "02") << name;
    }
    EXPECT_EQ(catalog.resolve("1").slug, "shared-results");
}

TEST(LabCatalog, UnknownLabMessageListsTheLabs) {
    const auto catalog = LabCatalog::load(kCatalogData / "valid");
    for (const char* name : {"3", "buffer", "01-bounded-buffer", ""}) {
        try {
            catalog.resolve(name);
            ADD_FAILURE() << "'" << name << "' resolved";
        } catch (const CatalogError& error) {
            EXPECT_EQ(std::string(error.what()),
                      "unknown lab '" + std::string(name) +
                          "'; the labs are: 01 shared-results, 02 bounded-buffer");
        }
    }
}

TEST(LabCatalog, UnknownLabMessageSaysWhenThereAreNoLabs) {
    const auto catalog = LabCatalog::load(kCatalogData / "empty");
    try {
        catalog.resolve("01");
        ADD_FAILURE() << "'01' resolved in an empty catalog";
    } catch (const CatalogError& error) {
        EXPECT_EQ(std::string(error.what()), "unknown lab '01'; there are no labs");
    }
}

// ---------------------------------------------------------------------------------------------
// Listings

TEST(LabCatalog, ListJsonHasTheContractShapeWithRepoRelativePaths) {
    const fs::path root = kCatalogData / "valid";
    const json listing = list_json(LabCatalog::load(root), root);

    ASSERT_TRUE(listing.is_object());
    EXPECT_EQ(listing.size(), 1U);
    const json& labs = listing.at("labs");
    ASSERT_EQ(labs.size(), 2U);
    const json& lab = labs[1];
    EXPECT_EQ(lab.at("id"), "02");
    EXPECT_EQ(lab.at("slug"), "bounded-buffer");
    EXPECT_EQ(lab.at("title"), "A bounded buffer with condition variables");
    EXPECT_EQ(lab.at("student_files"), json({"labs/02-bounded-buffer/bounded_buffer.hpp",
                                             "labs/02-bounded-buffer/item_log.hpp"}));
    EXPECT_EQ(lab.at("unsafe_variants"), json({"if_instead_of_while", "unlocked_log"}));
    ASSERT_EQ(lab.at("checks").size(), 2U);
    EXPECT_EQ(lab.at("checks")[0].at("name"), "put-get-contract");
    EXPECT_EQ(lab.at("checks")[0].at("points"), 3);
    EXPECT_EQ(lab.at("checks")[1].at("name"), "exactly-once");
    EXPECT_EQ(lab.at("checks")[1].at("points"), 5);
    // Added fields.
    EXPECT_EQ(lab.at("max_score"), 8);
    EXPECT_EQ(lab.at("directory"), "labs/02-bounded-buffer");
    EXPECT_EQ(lab.at("checks")[1].at("builds"), json({"tsan", "plain"}));
}

TEST(LabCatalog, ListJsonPathsAreRepoRelativeWhenTheRootIsGivenRelatively) {
    const fs::path absolute_root = fs::canonical(kCatalogData / "valid");
    const fs::path relative_root = absolute_root.lexically_relative(fs::current_path());
    ASSERT_FALSE(relative_root.is_absolute());
    const json listing = list_json(LabCatalog::load(relative_root), relative_root);
    EXPECT_EQ(listing.at("labs")[0].at("student_files"),
              json({"labs/01-shared-results/result_list.hpp"}));
}

TEST(LabCatalog, ListTextNamesEveryLabFileCheckAndVariant) {
    const std::string text = list_text(LabCatalog::load(kCatalogData / "valid"));
    for (const char* part :
         {"Lab 01  shared-results — Shared results: many consumers, one list  (6 points)",
          "Lab 02  bounded-buffer", "labs/01-shared-results/result_list.hpp",
          "labs/02-bounded-buffer/item_log.hpp", "append-contract", "exactly-once",
          "unsafe:unsynchronised_vector", "unsafe:unlocked_log",
          "The pipeline records exactly the squares of 0..N-1."}) {
        EXPECT_TRUE(contains(text, part));
    }
    EXPECT_EQ(text.back(), '\n');
}

// ---------------------------------------------------------------------------------------------
// Hidden checks (hidden-checks/NN-slug/checks.json) and the instructor's side of the tree

// A scratch repo with hidden checks for lab 01.
class ScratchRepoWithHiddenChecks : public ScratchRepo {
  protected:
    static json hidden_check(const std::string& name) {
        return {{"name", name},
                {"points", 2},
                {"gtest_filter", "HiddenFanIn.*"},
                {"builds", {"plain", "tsan"}},
                {"timeout_seconds", 60},
                {"explains", "Many producers, one consumer: every item once."}};
    }
    void write_hidden(const std::string& directory, const json& document) {
        const fs::path dir = root_ / "hidden-checks" / directory;
        fs::create_directories(dir);
        std::ofstream(dir / "checks.json") << document.dump(2);
    }
};

const std::string kHidden01 = "hidden-checks/01-shared-results/checks.json";

TEST_F(ScratchRepoWithHiddenChecks, AppendsHiddenChecksToTheirLabMarkedHidden) {
    write_hidden(kLab01, {{"checks", {hidden_check("fan-in")}}});
    const auto catalog = LabCatalog::load(root_);
    const Lab& lab = catalog.labs().at(0);
    ASSERT_EQ(lab.checks.size(), 3U);
    EXPECT_FALSE(lab.checks[0].hidden);
    EXPECT_FALSE(lab.checks[1].hidden);
    EXPECT_EQ(lab.checks[2].name, "fan-in");
    EXPECT_TRUE(lab.checks[2].hidden);
    EXPECT_EQ(lab.checks[2].builds, (std::vector<std::string>{"plain", "tsan"}));
    ASSERT_NE(lab.find_check("fan-in"), nullptr);
    EXPECT_EQ(lab.max_score(), 6 + 2);
    EXPECT_EQ(catalog.labs().at(1).checks.size(), 2U) << "lab 02 has no hidden checks";
}

TEST_F(ScratchRepoWithHiddenChecks, ListingsMarkHiddenChecks) {
    write_hidden(kLab01, {{"checks", {hidden_check("fan-in")}}});
    const auto catalog = LabCatalog::load(root_);
    EXPECT_TRUE(contains(list_text(catalog), "fan-in (hidden)"));
    EXPECT_FALSE(contains(list_text(catalog), "exact-results (hidden)"));
    const json checks = list_json(catalog, root_).at("labs")[0].at("checks");
    EXPECT_EQ(checks[0].at("hidden"), false);
    EXPECT_EQ(checks[2].at("hidden"), true);
}

TEST_F(ScratchRepoWithHiddenChecks, RejectsAHiddenCheckNamedLikeALabCheck) {
    write_hidden(kLab01, {{"checks", {hidden_check("exact-results")}}});
    EXPECT_EQ(load_error(root_),
              kHidden01 +
                  ": checks[0].name 'exact-results' is already a check of "
                  "labs/01-shared-results/lab.json; a hidden check needs a name of its own");
}

TEST_F(ScratchRepoWithHiddenChecks, RejectsTwoHiddenChecksOfTheSameName) {
    write_hidden(kLab01, {{"checks", {hidden_check("fan-in"), hidden_check("fan-in")}}});
    EXPECT_EQ(load_error(root_),
              kHidden01 + ": checks[1].name 'fan-in' is not unique (also checks[0].name)");
}

TEST_F(ScratchRepoWithHiddenChecks, RejectsAHiddenExploreCheck) {
    json check = hidden_check("explored-fan-in");
    check["builds"] = {"plain", "explore"};
    write_hidden(kLab01, {{"checks", {check}}});
    const std::string error = load_error(root_);
    EXPECT_TRUE(contains(error, kHidden01 + ": checks[0].builds: a hidden check cannot use "
                                            "\"explore\""));
}

TEST_F(ScratchRepoWithHiddenChecks, ValidatesHiddenChecksLikeLabChecks) {
    json check = hidden_check("fan-in");
    check["points"] = 0;
    write_hidden(kLab01, {{"checks", {check}}});
    EXPECT_EQ(load_error(root_), kHidden01 + ": checks[0].points must be a positive integer");
    write_hidden(kLab01, {{"checks", json::array()}});
    EXPECT_EQ(load_error(root_), kHidden01 + ": checks must be a non-empty array");
}

TEST_F(ScratchRepoWithHiddenChecks, RejectsHiddenChecksOfALabThatDoesNotExist) {
    write_hidden("07-no-such-lab", {{"checks", {hidden_check("fan-in")}}});
    EXPECT_EQ(load_error(root_),
              "hidden-checks/07-no-such-lab: there is no lab labs/07-no-such-lab (a "
              "hidden-checks directory is named like the lab it extends)");
}

TEST_F(ScratchRepoWithHiddenChecks, RejectsAHiddenChecksDirectoryWithoutChecksJson) {
    fs::create_directories(root_ / "hidden-checks" / kLab01);
    EXPECT_EQ(load_error(root_),
              "hidden-checks/01-shared-results: missing checks.json (it "
              "declares the hidden checks)");
}

TEST_F(ScratchRepo, HasSolutionsOnlyWithASolutionsDirectory) {
    EXPECT_FALSE(LabCatalog::load(root_).has_solutions());
    fs::create_directories(root_ / "solutions" / kLab01);
    EXPECT_TRUE(LabCatalog::load(root_).has_solutions());
}

}  // namespace
}  // namespace pclab::grader
