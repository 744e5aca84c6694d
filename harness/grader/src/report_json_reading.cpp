#include "report_json_reading.hpp"

#include <string>

namespace pclab::grader {

using nlohmann::json;

namespace {

const json& member(const json& object, const std::string& path, const char* key) {
    if (!object.is_object() || !object.contains(key)) {
        throw ReportFormatError(path + (path.empty() ? "" : ".") + key + ": missing");
    }
    return object.at(key);
}

std::string where(const std::string& path, const char* key) {
    return path + (path.empty() ? "" : ".") + key;
}

std::string required_string(const json& object, const std::string& path, const char* key) {
    const json& value = member(object, path, key);
    if (!value.is_string()) {
        throw ReportFormatError(where(path, key) + ": not a string");
    }
    return value.get<std::string>();
}

// Optional keys: absent and null mean "not stated"; any other type is an error.
std::string optional_string(const json& object, const std::string& path, const char* key) {
    if (!object.contains(key) || object.at(key).is_null()) {
        return {};
    }
    if (!object.at(key).is_string()) {
        throw ReportFormatError(where(path, key) + ": not a string");
    }
    return object.at(key).get<std::string>();
}

int required_int(const json& object, const std::string& path, const char* key) {
    const json& value = member(object, path, key);
    if (!value.is_number_integer()) {
        throw ReportFormatError(where(path, key) + ": not an integer");
    }
    return value.get<int>();
}

std::chrono::milliseconds optional_duration(const json& object, const std::string& path,
                                            const char* key) {
    if (!object.contains(key)) {
        return std::chrono::milliseconds{0};
    }
    if (!object.at(key).is_number_integer()) {
        throw ReportFormatError(where(path, key) + ": not an integer");
    }
    return std::chrono::milliseconds{object.at(key).get<std::int64_t>()};
}

const json& required_array(const json& object, const std::string& path, const char* key) {
    const json& value = member(object, path, key);
    if (!value.is_array()) {
        throw ReportFormatError(where(path, key) + ": not an array");
    }
    return value;
}

CheckResult check_from_json(const json& in, const std::string& path) {
    CheckResult check;
    check.name = required_string(in, path, "name");
    const std::string status = required_string(in, path, "status");
    if (status != "passed" && status != "failed") {
        throw ReportFormatError(path + ".status: \"" + status + "\" is neither passed nor failed");
    }
    check.passed = status == "passed";
    check.max_score = required_int(in, path, "max_score");
    check.score = check.passed ? check.max_score : 0;
    check.category = optional_string(in, path, "category");
    check.message = optional_string(in, path, "message");
    check.explains = optional_string(in, path, "explains");
    check.replay_command = optional_string(in, path, "replay");
    check.duration = optional_duration(in, path, "duration_ms");
    if (in.contains("seed")) {
        if (!in.at("seed").is_number_unsigned()) {
            throw ReportFormatError(path + ".seed: not an unsigned integer");
        }
        check.seed = in.at("seed").get<std::uint64_t>();
    }
    if (in.contains("builds")) {
        for (const json& build : required_array(in, path, "builds")) {
            if (build.is_string()) {
                check.builds.push_back(build.get<std::string>());
            }
        }
    }
    if (in.contains("location") && in.at("location").is_object()) {
        const json& location = in.at("location");
        check.where = CodeLocation{optional_string(location, path + ".location", "file"),
                                   location.value("line", 0)};
    }
    return check;
}

LabResult lab_from_json(const json& in, const std::string& path) {
    LabResult lab;
    lab.id = required_string(in, path, "id");
    lab.slug = optional_string(in, path, "slug");
    lab.title = optional_string(in, path, "title");
    lab.impl = optional_string(in, path, "impl");
    if (in.contains("error") && !in.at("error").is_null()) {
        const std::string error_path = path + ".error";
        lab.lab_error_category = required_string(in.at("error"), error_path, "category");
        lab.lab_error = optional_string(in.at("error"), error_path, "message");
    }
    const json& checks = required_array(in, path, "checks");
    for (std::size_t i = 0; i < checks.size(); ++i) {
        lab.checks.push_back(
            check_from_json(checks[i], path + ".checks[" + std::to_string(i) + "]"));
    }
    const int stated = required_int(in, path, "score");
    if (stated != lab.score()) {
        throw ReportFormatError(path + ".score: states " + std::to_string(stated) +
                                " but its checks add up to " + std::to_string(lab.score()));
    }
    return lab;
}

}  // namespace

GradingRun grading_run_from_json(const json& report) try {
    if (!report.is_object()) {
        throw ReportFormatError("the report is not a JSON object");
    }
    GradingRun run;
    const json& seed = member(report, "", "seed");
    if (!seed.is_number_unsigned()) {
        throw ReportFormatError("seed: not an unsigned integer");
    }
    run.seed = seed.get<std::uint64_t>();
    run.impl = optional_string(report, "", "impl");
    run.duration = optional_duration(report, "", "duration_ms");
    if (report.contains("timeout_scale") && report.at("timeout_scale").is_number()) {
        run.timeout_scale = report.at("timeout_scale").get<double>();
    }
    const json& labs = required_array(report, "", "labs");
    for (std::size_t i = 0; i < labs.size(); ++i) {
        run.labs.push_back(lab_from_json(labs[i], "labs[" + std::to_string(i) + "]"));
    }
    const int stated = required_int(report, "", "score");
    if (stated != run.score()) {
        throw ReportFormatError("score: states " + std::to_string(stated) +
                                " but its labs add up to " + std::to_string(run.score()));
    }
    if (required_int(report, "", "max_score") != run.max_score()) {
        throw ReportFormatError("max_score: disagrees with the sum of its checks' max_score");
    }
    return run;
} catch (const json::exception& error) {
    // A value of an unexpected type inside an optional key (e.g. a location's line).
    throw ReportFormatError(std::string("not a grading report: ") + error.what());
}

}  // namespace pclab::grader
