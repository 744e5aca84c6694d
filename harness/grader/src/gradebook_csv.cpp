#include "gradebook_csv.hpp"

namespace pclab::grader {

std::string csv_field(std::string_view text) {
    if (text.find_first_of(",\"\r\n") == std::string_view::npos) {
        return std::string(text);
    }
    std::string quoted = "\"";
    for (const char c : text) {
        quoted += c;
        if (c == '"') {
            quoted += '"';
        }
    }
    return quoted + '"';
}

std::string gradebook_csv(const ClassResults& results) {
    std::string csv = "student,lab,score,max_score,categories\r\n";
    for (const StudentResult& student : results.students) {
        for (const LabColumn& column : results.labs) {
            const LabCell cell = cell_of(student, column);
            std::string categories;
            for (const std::string& category : cell.categories) {
                categories += (categories.empty() ? "" : ";") + category;
            }
            csv += csv_field(student.id) + ',' + csv_field(column.id) + ',' +
                   std::to_string(cell.score) + ',' + std::to_string(cell.max_score) + ',' +
                   csv_field(categories) + "\r\n";
        }
    }
    return csv;
}

}  // namespace pclab::grader
