#include "class_summary_json.hpp"

#include "class_roster.hpp"
#include "file_contents.hpp"
#include "report_json_reading.hpp"

namespace pclab::grader {

using nlohmann::json;
namespace fs = std::filesystem;

namespace {

constexpr const char* kFormat = "pclab-class-summary";

std::string report_path(const std::string& id) {
    return "students/" + id + "/report.json";
}

json student_json(const ClassResults& results, const StudentResult& student) {
    json labs = json::array();
    for (const LabColumn& column : results.labs) {
        const LabCell cell = cell_of(student, column);
        labs.push_back({{"id", column.id},
                        {"score", cell.score},
                        {"max_score", cell.max_score},
                        {"categories", cell.categories}});
    }
    const auto [score, max_score] = total_of(student, results.labs);
    json out = {
        {"student", student.id},
        {"directory", student.directory_name},
        {"status", student.graded ? "graded" : "error"},
        {"score", score},
        {"max_score", max_score},
        {"duration_ms", student.wall.count()},
        {"report", report_path(student.id)},
        {"labs", std::move(labs)},
    };
    if (!student.graded) {
        out["error"] = student.error;
        out["log_tail"] = student.log_tail;
    }
    return out;
}

const json& array_member(const json& object, const char* key) {
    if (!object.contains(key) || !object.at(key).is_array()) {
        throw SummaryFormatError(std::string("summary.json: ") + key +
                                 " is missing or not an array");
    }
    return object.at(key);
}

}  // namespace

json to_summary_json(const ClassResults& results) {
    json students = json::array();
    json failed = json::array();
    for (const StudentResult& student : results.students) {
        students.push_back(student_json(results, student));
        if (!student.graded) {
            failed.push_back(student.id);
        }
    }
    json labs = json::array();
    for (const LabColumn& column : results.labs) {
        labs.push_back({{"id", column.id},
                        {"slug", column.slug},
                        {"title", column.title},
                        {"max_score", column.max_score}});
    }
    return {
        {"format", kFormat},
        {"version", 1},
        {"graded_at", results.graded_at},
        {"seeds", results.seeds},
        {"shards", results.shards},
        {"complete", results.failed_count() == 0},
        {"students_total", results.students.size()},
        {"students_graded", results.graded_count()},
        {"students_failed", results.failed_count()},
        {"failed_students", std::move(failed)},
        {"labs", std::move(labs)},
        {"students", std::move(students)},
    };
}

ClassResults read_class_output(const fs::path& dir) {
    const std::optional<std::string> text = read_file(dir / "summary.json");
    if (!text) {
        throw SummaryFormatError((dir / "summary.json").string() +
                                 " cannot be read (is this a grade-batch output directory?)");
    }
    const json summary = json::parse(*text, nullptr, false);
    if (summary.is_discarded() || !summary.is_object() || summary.value("format", "") != kFormat) {
        throw SummaryFormatError((dir / "summary.json").string() +
                                 " is not the summary.json of a grade-batch run");
    }
    try {
        ClassResults results;
        results.graded_at = summary.at("graded_at").get<std::string>();
        for (const json& seed : array_member(summary, "seeds")) {
            results.seeds.push_back(seed.get<std::uint64_t>());
        }
        for (const json& shard : array_member(summary, "shards")) {
            results.shards.push_back(shard.get<std::string>());
        }
        for (const json& lab : array_member(summary, "labs")) {
            results.labs.push_back({lab.at("id").get<std::string>(), lab.value("slug", ""),
                                    lab.value("title", ""), lab.at("max_score").get<int>()});
        }
        for (const json& entry : array_member(summary, "students")) {
            StudentResult student;
            student.id = entry.at("student").get<std::string>();
            // The id names files and directories under `dir` and the merged output: it must be
            // one the roster could have made, never a path.
            if (student.id.empty() || student_id_for(student.id) != student.id) {
                throw SummaryFormatError("summary.json: student id '" + student.id +
                                         "' is not a safe file name");
            }
            student.directory_name = entry.value("directory", student.id);
            student.wall = std::chrono::milliseconds(entry.value("duration_ms", 0));
            if (entry.at("status").get<std::string>() != "graded") {
                student.error = entry.value("error", "the grading failed");
                student.log_tail = entry.value("log_tail", "");
                results.students.push_back(std::move(student));
                continue;
            }
            const fs::path report = dir / report_path(student.id);
            const std::optional<std::string> report_text = read_file(report);
            try {
                if (!report_text) {
                    throw ReportFormatError("missing");
                }
                student.run = grading_run_from_json(json::parse(*report_text));
                student.graded = true;
            } catch (const std::exception& error) {
                student.error = report.string() + " could not be read back: " + error.what();
            }
            results.students.push_back(std::move(student));
        }
        return results;
    } catch (const json::exception& error) {
        throw SummaryFormatError((dir / "summary.json").string() + ": " + error.what());
    }
}

}  // namespace pclab::grader
