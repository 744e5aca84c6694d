#include "lab_catalog.hpp"

#include <algorithm>
#include <cctype>
#include <cstdint>
#include <fstream>
#include <iomanip>
#include <numeric>
#include <set>
#include <sstream>
#include <system_error>
#include <utility>

#include <pclab/failure_categories.hpp>

namespace pclab::grader {

namespace fs = std::filesystem;
using nlohmann::json;

namespace {

// Upper bounds keep sums of points (and seconds-to-milliseconds conversions) far from int
// overflow while leaving any sensible lab room: no check is worth more than a whole course
// grade, and no single run should be allowed an hour.
constexpr int kMaxPoints = 1000;
constexpr int kMaxTimeoutSeconds = 3600;
// A check that needs more than 16 GiB does not fit the machines the kit grades on.
constexpr int kMaxMemoryMib = 16384;

const std::vector<std::string> kBuilds = {"plain", "tsan", "explore"};

bool is_two_digits(std::string_view text) {
    return text.size() == 2 && std::isdigit(static_cast<unsigned char>(text[0])) &&
           std::isdigit(static_cast<unsigned char>(text[1]));
}

// "NN-rest" with a non-empty rest: the shape that marks a directory as a lab.
bool is_lab_directory_name(std::string_view name) {
    return name.size() > 3 && is_two_digits(name.substr(0, 2)) && name[2] == '-';
}

bool is_all_digits(std::string_view text) {
    return !text.empty() && std::all_of(text.begin(), text.end(), [](char c) {
        return std::isdigit(static_cast<unsigned char>(c));
    });
}

std::string joined(const std::vector<std::string>& items, std::string_view separator) {
    std::string out;
    for (const auto& item : items) {
        if (!out.empty()) {
            out += separator;
        }
        out += item;
    }
    return out;
}

// Reads one lab.json (or one hidden-checks/NN-slug/checks.json) and turns every contract
// violation into a CatalogError that starts with the file's repo-relative name, so an
// instructor can go straight to the line to fix.
class LabFileReader {
  public:
    // `file`, shown as `file_label`, describes the lab in `lab_directory` (labs/<directory_name>).
    LabFileReader(fs::path file, std::string file_label, fs::path lab_directory,
                  std::string directory_name)
        : file_(std::move(file)),
          directory_(std::move(lab_directory)),
          directory_name_(std::move(directory_name)),
          file_label_(std::move(file_label)) {}

    Lab read() {
        const json document = parse();
        if (!document.is_object()) {
            fail("the top level must be a JSON object");
        }
        if (!is_lab_directory_name(directory_name_)) {
            fail("the lab directory must be named NN-slug (two digits, '-', the slug), not '" +
                 directory_name_ + "'");
        }
        Lab lab;
        lab.directory = directory_;
        lab.directory_name = directory_name_;

        const std::string prefix = directory_name_.substr(0, 2);
        const std::string suffix = directory_name_.substr(3);
        lab.id = required_string(document, "id", "id");
        if (lab.id != prefix) {
            fail("id must be two digits equal to the directory prefix '" + prefix + "' (got '" +
                 lab.id + "')");
        }
        lab.slug = required_string(document, "slug", "slug");
        if (lab.slug != suffix) {
            fail("slug must equal the directory suffix '" + suffix + "' (got '" + lab.slug + "')");
        }
        lab.title = required_string(document, "title", "title");
        lab.teaches = optional_string(document, "teaches", "teaches");

        lab.student_files = read_student_files(document);
        lab.unsafe_variants = read_variants(document, lab.student_files);
        lab.checks = read_checks(document);
        return lab;
    }

    // The hidden checks of `lab`: `{"checks": [...]}`, each check as in lab.json, none named
    // like another check of the lab, none built for exploration (their sources go into the
    // test programs only: cmake/PclabLab.cmake).
    std::vector<CheckSpec> read_hidden_checks(const Lab& lab) const {
        const json document = parse();
        if (!document.is_object()) {
            fail("the top level must be a JSON object {\"checks\": [...]}");
        }
        std::vector<CheckSpec> checks = read_checks(document);
        for (std::size_t i = 0; i < checks.size(); ++i) {
            const std::string field = "checks[" + std::to_string(i) + "]";
            CheckSpec& check = checks[i];
            check.hidden = true;
            if (lab.find_check(check.name) != nullptr) {
                fail(field + ".name '" + check.name + "' is already a check of labs/" +
                     lab.directory_name + "/lab.json; a hidden check needs a name of its own");
            }
            if (std::find(check.builds.begin(), check.builds.end(), "explore") !=
                check.builds.end()) {
                fail(field +
                     ".builds: a hidden check cannot use \"explore\" (its sources are compiled "
                     "into the lab's test programs, not its exploration program); use \"plain\" "
                     "and/or \"tsan\"");
            }
        }
        return checks;
    }

  private:
    [[noreturn]] void fail(const std::string& what) const {
        throw CatalogError(file_label_ + ": " + what);
    }

    json parse() const {
        std::ifstream in(file_);
        if (!in) {
            fail("cannot be opened for reading");
        }
        try {
            return json::parse(in);
        } catch (const json::parse_error& error) {
            fail(std::string("invalid JSON: ") + error.what());
        }
    }

    const json& required(const json& object, const std::string& key,
                         const std::string& field) const {
        const auto found = object.find(key);
        if (found == object.end()) {
            fail(field + " is required");
        }
        return *found;
    }

    std::string required_string(const json& object, const std::string& key,
                                const std::string& field) const {
        const json& value = required(object, key, field);
        if (!value.is_string() || value.get_ref<const std::string&>().empty()) {
            fail(field + " must be a non-empty string");
        }
        return value.get<std::string>();
    }

    std::string optional_string(const json& object, const std::string& key,
                                const std::string& field) const {
        const auto found = object.find(key);
        if (found == object.end()) {
            return {};
        }
        if (!found->is_string()) {
            fail(field + " must be a string");
        }
        return found->get<std::string>();
    }

    int positive_integer(const json& object, const std::string& key, const std::string& field,
                         int maximum) const {
        const json& value = required(object, key, field);
        // is_number_unsigned() is true only for non-negative integers: it rejects floats
        // (4.5 and also 4.0, which would hide a typo), negatives, booleans and strings.
        if (!value.is_number_unsigned() || value.get<std::uint64_t>() == 0) {
            fail(field + " must be a positive integer");
        }
        if (value.get<std::uint64_t>() > static_cast<std::uint64_t>(maximum)) {
            fail(field + " must be at most " + std::to_string(maximum));
        }
        return static_cast<int>(value.get<std::uint64_t>());
    }

    // A path a lab may name: relative, normalised and inside the lab directory, so that the
    // grader never reads or copies files of another lab or outside the repository.
    void require_lab_relative_file(const std::string& path, const std::string& field) const {
        const fs::path relative(path);
        const bool escapes = std::any_of(relative.begin(), relative.end(),
                                         [](const fs::path& part) { return part == ".."; });
        if (path.empty() || relative.is_absolute() || relative.has_root_name() || escapes) {
            fail(field + " must be a path relative to the lab directory (got '" + path + "')");
        }
        std::error_code error;
        if (!fs::is_regular_file(directory_ / relative, error)) {
            fail(field + ": labs/" + directory_name_ + "/" + path + " does not exist");
        }
    }

    std::vector<std::string> read_student_files(const json& document) const {
        const json& files = required(document, "student_files", "student_files");
        if (!files.is_array() || files.empty()) {
            fail("student_files must be a non-empty array of file names");
        }
        std::vector<std::string> result;
        for (std::size_t i = 0; i < files.size(); ++i) {
            const std::string field = "student_files[" + std::to_string(i) + "]";
            if (!files[i].is_string()) {
                fail(field + " must be a string");
            }
            const std::string name = files[i].get<std::string>();
            require_lab_relative_file(name, field);
            if (std::find(result.begin(), result.end(), name) != result.end()) {
                fail(field + " repeats '" + name + "'");
            }
            result.push_back(name);
        }
        return result;
    }

    std::vector<UnsafeVariant> read_variants(const json& document,
                                             const std::vector<std::string>& student_files) const {
        const auto found = document.find("unsafe_variants");
        if (found == document.end()) {
            return {};
        }
        if (!found->is_array()) {
            fail("unsafe_variants must be an array");
        }
        std::vector<UnsafeVariant> result;
        for (std::size_t i = 0; i < found->size(); ++i) {
            const std::string field = "unsafe_variants[" + std::to_string(i) + "]";
            result.push_back(read_variant((*found)[i], field, student_files));
            const std::string& name = result.back().name;
            const auto first = std::find_if(result.begin(), result.end() - 1,
                                            [&](const auto& v) { return v.name == name; });
            if (first != result.end() - 1) {
                fail(field + ".name '" + name + "' is not unique (also unsafe_variants[" +
                     std::to_string(first - result.begin()) + "].name)");
            }
        }
        return result;
    }

    UnsafeVariant read_variant(const json& entry, const std::string& field,
                               const std::vector<std::string>& student_files) const {
        if (!entry.is_object()) {
            fail(field + " must be an object");
        }
        UnsafeVariant variant;
        variant.name = required_string(entry, "name", field + ".name");
        // The name becomes part of CMake target names and of `--impl unsafe:<name>`.
        const bool name_ok = std::all_of(variant.name.begin(), variant.name.end(), [](char c) {
            return std::islower(static_cast<unsigned char>(c)) ||
                   std::isdigit(static_cast<unsigned char>(c)) || c == '_';
        });
        if (!name_ok) {
            fail(field + ".name must use only a-z, 0-9 and '_' (got '" + variant.name + "')");
        }

        const json& files = required(entry, "files", field + ".files");
        if (!files.is_object() || files.empty()) {
            fail(field +
                 ".files must be a non-empty object mapping student files to variant files");
        }
        for (const auto& [student_file, replacement] : files.items()) {
            const std::string file_field = field + ".files[\"" + student_file + "\"]";
            if (std::find(student_files.begin(), student_files.end(), student_file) ==
                student_files.end()) {
                fail(file_field + ": '" + student_file + "' is not one of student_files (" +
                     joined(student_files, ", ") + ")");
            }
            if (!replacement.is_string()) {
                fail(file_field + " must be a string");
            }
            const std::string path = replacement.get<std::string>();
            require_lab_relative_file(path, file_field);
            variant.files.emplace(student_file, path);
        }

        variant.defect = required_string(entry, "defect", field + ".defect");

        const json& categories =
            required(entry, "expected_categories", field + ".expected_categories");
        if (!categories.is_array() || categories.empty()) {
            fail(field + ".expected_categories must be a non-empty array of categories");
        }
        for (std::size_t j = 0; j < categories.size(); ++j) {
            const std::string category_field =
                field + ".expected_categories[" + std::to_string(j) + "]";
            if (!categories[j].is_string()) {
                fail(category_field + " must be a string");
            }
            const std::string category = categories[j].get<std::string>();
            if (!is_known_category(category)) {
                fail(category_field + " '" + category + "' is not a known category (" +
                     joined(known_categories(), ", ") + ")");
            }
            variant.expected_categories.push_back(category);
        }
        return variant;
    }

    std::vector<CheckSpec> read_checks(const json& document) const {
        const json& checks = required(document, "checks", "checks");
        if (!checks.is_array() || checks.empty()) {
            fail("checks must be a non-empty array");
        }
        std::vector<CheckSpec> result;
        for (std::size_t i = 0; i < checks.size(); ++i) {
            const std::string field = "checks[" + std::to_string(i) + "]";
            result.push_back(read_check(checks[i], field));
            const std::string& name = result.back().name;
            const auto first = std::find_if(result.begin(), result.end() - 1,
                                            [&](const auto& c) { return c.name == name; });
            if (first != result.end() - 1) {
                fail(field + ".name '" + name + "' is not unique (also checks[" +
                     std::to_string(first - result.begin()) + "].name)");
            }
        }
        // A gate needs something to open it: with every check gated, "every correctness check
        // passed" would hold of nothing and the flag would silently mean nothing.
        if (std::all_of(result.begin(), result.end(),
                        [](const CheckSpec& check) { return check.gated_by_all; })) {
            fail("checks: gated_by_all needs at least one check without it (a correctness check)");
        }
        return result;
    }

    CheckSpec read_check(const json& entry, const std::string& field) const {
        if (!entry.is_object()) {
            fail(field + " must be an object");
        }
        CheckSpec check;
        check.name = required_string(entry, "name", field + ".name");
        // The name is typed on the command line (`--check exact-results`) and printed in
        // aligned report columns, so it stays a plain word.
        const bool name_ok = std::all_of(check.name.begin(), check.name.end(), [](char c) {
            return std::islower(static_cast<unsigned char>(c)) ||
                   std::isdigit(static_cast<unsigned char>(c)) || c == '-' || c == '_';
        });
        if (!name_ok) {
            fail(field + ".name must use only a-z, 0-9, '-' and '_' (got '" + check.name + "')");
        }
        check.points = positive_integer(entry, "points", field + ".points", kMaxPoints);
        check.gtest_filter = required_string(entry, "gtest_filter", field + ".gtest_filter");

        const json& builds = required(entry, "builds", field + ".builds");
        if (!builds.is_array() || builds.empty()) {
            fail(field +
                 ".builds must be a non-empty array of \"plain\", \"tsan\" and/or \"explore\"");
        }
        for (std::size_t j = 0; j < builds.size(); ++j) {
            const std::string build_field = field + ".builds[" + std::to_string(j) + "]";
            const std::string build = builds[j].is_string() ? builds[j].get<std::string>() : "";
            if (std::find(kBuilds.begin(), kBuilds.end(), build) == kBuilds.end()) {
                fail(build_field + " must be \"plain\", \"tsan\" or \"explore\" (got " +
                     builds[j].dump() + ")");
            }
            if (std::find(check.builds.begin(), check.builds.end(), build) != check.builds.end()) {
                fail(build_field + " repeats \"" + build + "\"");
            }
            check.builds.push_back(build);
        }

        check.timeout_seconds = positive_integer(entry, "timeout_seconds",
                                                 field + ".timeout_seconds", kMaxTimeoutSeconds);
        if (entry.contains("memory_limit_mib")) {
            check.memory_limit_mib = positive_integer(entry, "memory_limit_mib",
                                                      field + ".memory_limit_mib", kMaxMemoryMib);
        }
        check.explains = required_string(entry, "explains", field + ".explains");
        if (const auto gated = entry.find("gated_by_all"); gated != entry.end()) {
            if (!gated->is_boolean()) {
                fail(field + ".gated_by_all must be true or false");
            }
            check.gated_by_all = gated->get<bool>();
        }
        return check;
    }

    fs::path file_;
    fs::path directory_;
    std::string directory_name_;
    std::string file_label_;
};

// Appends the checks of every <root>/hidden-checks/NN-slug/checks.json to lab NN-slug.
void add_hidden_checks(const fs::path& root, std::vector<Lab>& labs) {
    const fs::path hidden_directory = root / "hidden-checks";
    std::error_code error;
    if (!fs::is_directory(hidden_directory, error)) {
        return;  // the student release, or a kit without hidden checks
    }
    std::vector<std::string> names;
    for (const auto& entry : fs::directory_iterator(hidden_directory)) {
        if (entry.is_directory()) {
            names.push_back(entry.path().filename().string());
        }
    }
    std::sort(names.begin(), names.end());
    for (const auto& name : names) {
        if (!is_lab_directory_name(name)) {
            continue;
        }
        const std::string label = "hidden-checks/" + name;
        const auto lab = std::find_if(labs.begin(), labs.end(),
                                      [&](const Lab& l) { return l.directory_name == name; });
        if (lab == labs.end()) {
            throw CatalogError(label + ": there is no lab labs/" + name +
                               " (a hidden-checks directory is named like the lab it extends)");
        }
        const fs::path file = hidden_directory / name / "checks.json";
        if (!fs::exists(file)) {
            throw CatalogError(label + ": missing checks.json (it declares the hidden checks)");
        }
        const std::vector<CheckSpec> hidden =
            LabFileReader(file, label + "/checks.json", lab->directory, name)
                .read_hidden_checks(*lab);
        lab->checks.insert(lab->checks.end(), hidden.begin(), hidden.end());
    }
}

}  // namespace

const std::vector<std::string>& known_categories() {
    static const std::vector<std::string> categories = [] {
        std::vector<std::string> names;
        for (const FailureCategory& category : kFailureCategories) {
            names.emplace_back(category.name);
        }
        return names;
    }();
    return categories;
}

bool is_known_category(std::string_view category) {
    const auto& all = known_categories();
    return std::find(all.begin(), all.end(), category) != all.end();
}

int Lab::max_score() const {
    return std::accumulate(checks.begin(), checks.end(), 0,
                           [](int sum, const CheckSpec& check) { return sum + check.points; });
}

const UnsafeVariant* Lab::find_variant(std::string_view name) const {
    const auto found = std::find_if(unsafe_variants.begin(), unsafe_variants.end(),
                                    [&](const UnsafeVariant& v) { return v.name == name; });
    return found == unsafe_variants.end() ? nullptr : &*found;
}

const CheckSpec* Lab::find_check(std::string_view name) const {
    const auto found = std::find_if(checks.begin(), checks.end(),
                                    [&](const CheckSpec& c) { return c.name == name; });
    return found == checks.end() ? nullptr : &*found;
}

LabCatalog LabCatalog::load(const fs::path& repo_root) {
    std::error_code error;
    const fs::path root = fs::weakly_canonical(fs::absolute(repo_root), error);
    const fs::path labs_directory = root / "labs";
    if (error || !fs::is_directory(labs_directory, error)) {
        throw CatalogError(repo_root.string() +
                           ": no labs/ directory (is this the root of a pclab repository?)");
    }

    // Directory iteration order is unspecified; collect names and sort so that the first
    // error reported does not depend on the file system.
    std::vector<std::string> names;
    for (const auto& entry : fs::directory_iterator(labs_directory)) {
        if (entry.is_directory()) {
            names.push_back(entry.path().filename().string());
        }
    }
    std::sort(names.begin(), names.end());

    LabCatalog catalog;
    for (const auto& name : names) {
        const fs::path directory = labs_directory / name;
        if (!fs::exists(directory / "lab.json")) {
            if (is_lab_directory_name(name)) {
                throw CatalogError("labs/" + name +
                                   ": missing lab.json (every NN-slug directory under labs/ is a "
                                   "lab)");
            }
            continue;
        }
        Lab lab =
            LabFileReader(directory / "lab.json", "labs/" + name + "/lab.json", directory, name)
                .read();
        for (const Lab& other : catalog.labs_) {
            if (other.id == lab.id) {
                throw CatalogError("labs/" + name + "/lab.json: id '" + lab.id +
                                   "' is already used by labs/" + other.directory_name);
            }
            if (other.slug == lab.slug) {
                throw CatalogError("labs/" + name + "/lab.json: slug '" + lab.slug +
                                   "' is already used by labs/" + other.directory_name);
            }
        }
        catalog.labs_.push_back(std::move(lab));
    }
    std::sort(catalog.labs_.begin(), catalog.labs_.end(),
              [](const Lab& a, const Lab& b) { return a.id < b.id; });
    add_hidden_checks(root, catalog.labs_);
    catalog.has_solutions_ = fs::is_directory(root / "solutions", error);
    return catalog;
}

const Lab& LabCatalog::resolve(std::string_view id_or_slug) const {
    for (const Lab& lab : labs_) {
        if (lab.id == id_or_slug || lab.slug == id_or_slug || lab.directory_name == id_or_slug) {
            return lab;
        }
    }
    // "1" and "001" mean lab 01: compare numbers, not strings. Long digit strings cannot be a
    // two-digit id, and skipping them avoids overflowing stoi.
    if (is_all_digits(id_or_slug) && id_or_slug.size() <= 6) {
        const int number = std::stoi(std::string(id_or_slug));
        for (const Lab& lab : labs_) {
            if (std::stoi(lab.id) == number) {
                return lab;
            }
        }
    }
    std::string message = "unknown lab '" + std::string(id_or_slug) + "'; ";
    if (labs_.empty()) {
        message += "there are no labs";
    } else {
        std::vector<std::string> known;
        for (const Lab& lab : labs_) {
            known.push_back(lab.id + " " + lab.slug);
        }
        message += "the labs are: " + joined(known, ", ");
    }
    throw CatalogError(message);
}

json list_json(const LabCatalog& catalog, const fs::path& repo_root) {
    std::error_code error;
    const fs::path root = fs::weakly_canonical(fs::absolute(repo_root), error);
    json labs = json::array();
    for (const Lab& lab : catalog.labs()) {
        fs::path directory = lab.directory.lexically_relative(root);
        if (directory.empty()) {
            // Not under repo_root (a precondition violation): absolute paths still work.
            directory = lab.directory;
        }
        json files = json::array();
        for (const auto& file : lab.student_files) {
            files.push_back((directory / file).lexically_normal().generic_string());
        }
        json variants = json::array();
        for (const auto& variant : lab.unsafe_variants) {
            variants.push_back(variant.name);
        }
        json checks = json::array();
        for (const auto& check : lab.checks) {
            checks.push_back({{"name", check.name},
                              {"points", check.points},
                              {"builds", check.builds},
                              {"timeout_seconds", check.timeout_seconds},
                              {"memory_limit_mib", check.memory_limit_mib},
                              {"explains", check.explains},
                              {"hidden", check.hidden},
                              {"gated_by_all", check.gated_by_all}});
        }
        labs.push_back({{"id", lab.id},
                        {"slug", lab.slug},
                        {"title", lab.title},
                        {"teaches", lab.teaches},
                        {"directory", directory.generic_string()},
                        {"student_files", std::move(files)},
                        {"unsafe_variants", std::move(variants)},
                        {"max_score", lab.max_score()},
                        {"checks", std::move(checks)}});
    }
    return json{{"labs", std::move(labs)}};
}

std::string list_text(const LabCatalog& catalog) {
    std::ostringstream out;
    if (catalog.labs().empty()) {
        out << "No labs found under labs/.\n";
        return out.str();
    }
    bool first = true;
    for (const Lab& lab : catalog.labs()) {
        if (!first) {
            out << '\n';
        }
        first = false;
        out << "Lab " << lab.id << "  " << lab.slug << " — " << lab.title << "  ("
            << lab.max_score() << " points)\n";
        if (!lab.teaches.empty()) {
            out << "  teaches: " << lab.teaches << '\n';
        }
        std::vector<std::string> files;
        for (const auto& file : lab.student_files) {
            files.push_back("labs/" + lab.directory_name + "/" + file);
        }
        out << "  edit:    " << joined(files, ", ") << '\n';
        std::size_t width = 0;
        int points_width = 1;
        const auto shown_name = [](const CheckSpec& check) {
            return check.hidden ? check.name + " (hidden)" : check.name;
        };
        for (const auto& check : lab.checks) {
            width = std::max(width, shown_name(check).size());
            points_width =
                std::max(points_width, static_cast<int>(std::to_string(check.points).size()));
        }
        out << "  checks:\n";
        for (const auto& check : lab.checks) {
            const std::string name = shown_name(check);
            out << "    " << name << std::string(width - name.size() + 2, ' ')
                << std::setw(points_width) << check.points
                << (check.points == 1 ? " point   " : " points  ") << check.explains
                << (check.gated_by_all ? " Scored only when every correctness check passes." : "")
                << '\n';
        }
        if (!lab.unsafe_variants.empty()) {
            std::vector<std::string> variants;
            for (const auto& variant : lab.unsafe_variants) {
                variants.push_back("unsafe:" + variant.name);
            }
            out << "  broken variants to try: " << joined(variants, ", ") << '\n';
        }
    }
    return out.str();
}

}  // namespace pclab::grader
