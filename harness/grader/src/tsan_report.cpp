#include "tsan_report.hpp"

#include <algorithm>
#include <cctype>
#include <charconv>
#include <filesystem>

namespace pclab::grader {
namespace {

constexpr std::string_view warning_prefix = "WARNING: ThreadSanitizer: ";
constexpr std::string_view summary_prefix = "SUMMARY: ThreadSanitizer: ";
constexpr std::string_view report_end = "==================";

std::string_view trim(std::string_view text) {
    const auto is_space = [](char c) { return std::isspace(static_cast<unsigned char>(c)) != 0; };
    while (!text.empty() && is_space(text.front())) {
        text.remove_prefix(1);
    }
    while (!text.empty() && is_space(text.back())) {
        text.remove_suffix(1);
    }
    return text;
}

bool starts_with(std::string_view text, std::string_view prefix) {
    return text.substr(0, prefix.size()) == prefix;
}

std::optional<int> parse_int(std::string_view text) {
    int value = 0;
    const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
    if (error != std::errc() || end != text.data() + text.size() || text.empty()) {
        return std::nullopt;
    }
    return value;
}

std::string lower(std::string_view text) {
    std::string result(text);
    std::transform(result.begin(), result.end(), result.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    return result;
}

/// Removes a trailing " (...)" group whose content satisfies `wanted`; true when removed.
template <typename Predicate>
bool remove_trailing_group(std::string_view& text, Predicate wanted) {
    if (text.empty() || text.back() != ')') {
        return false;
    }
    const auto open = text.rfind(" (");
    if (open == std::string_view::npos) {
        return false;
    }
    const auto content = text.substr(open + 2, text.size() - open - 3);
    if (!wanted(content)) {
        return false;
    }
    text = trim(text.substr(0, open));
    return true;
}

// Parsed from the right because function names contain spaces and parentheses, while the tail
// has a fixed shape: file:line[:column], then (module+0xoffset), then optionally (BuildId: ...).
TsanFrame parse_frame(std::string_view body) {
    TsanFrame frame;
    body = trim(body);
    remove_trailing_group(body,
                          [](std::string_view group) { return starts_with(group, "BuildId:"); });
    remove_trailing_group(
        body, [](std::string_view group) { return group.find("+0x") != std::string_view::npos; });
    const auto space = body.rfind(' ');
    if (space == std::string_view::npos) {
        if (body != "<null>") {
            frame.function = std::string(body);
        }
        return frame;
    }
    const auto function = trim(body.substr(0, space));
    std::string_view location = body.substr(space + 1);
    if (function != "<null>") {
        frame.function = std::string(function);
    }
    if (location == "<null>") {
        return frame;
    }
    // Up to two trailing numbers: line, or line and column.
    std::optional<int> line;
    for (int numbers = 0; numbers < 2; ++numbers) {
        const auto colon = location.rfind(':');
        if (colon == std::string_view::npos) {
            break;
        }
        const auto number = parse_int(location.substr(colon + 1));
        if (!number) {
            break;
        }
        line = number;  // the last one parsed is the leftmost: the line
        location = location.substr(0, colon);
    }
    frame.file = std::string(location);
    frame.line = line.value_or(0);
    return frame;
}

// "thread T2", "thread T2 'worker'", "main thread" -> "T2" / "main thread".
std::string thread_name(std::string_view who) {
    who = trim(who);
    if (starts_with(who, "thread ")) {
        who.remove_prefix(7);
        const auto end = who.find_first_of(" :");
        return std::string(who.substr(0, end));
    }
    if (starts_with(who, "main thread")) {
        return "main thread";
    }
    return std::string(who.substr(0, who.find_first_of(" :(")));
}

// "Read of size 8 at 0x7b10 by thread T2 (mutexes: write M9):" and the like.
std::optional<TsanAccess> parse_access_header(std::string_view line) {
    const auto of_size = line.find(" of size ");
    const auto by = line.find(" by ");
    if (of_size == std::string_view::npos || by == std::string_view::npos || by < of_size ||
        line.back() != ':') {
        return std::nullopt;
    }
    TsanAccess access;
    std::string operation = lower(line.substr(0, of_size));
    if (starts_with(operation, "previous ")) {
        access.previous = true;
        operation.erase(0, 9);
    }
    access.operation = std::move(operation);
    const auto size_text = line.substr(of_size + 9);
    access.size = parse_int(size_text.substr(0, size_text.find(' '))).value_or(0);
    access.thread = thread_name(line.substr(by + 4));
    return access;
}

/// Where frames that follow a header line belong.
enum class Section { none, access, thread, ignored };

class ReportParser {
  public:
    std::vector<TsanReport> parse(std::string_view text) {
        while (!text.empty()) {
            const auto newline = text.find('\n');
            const auto line = trim(text.substr(0, newline));
            text =
                newline == std::string_view::npos ? std::string_view() : text.substr(newline + 1);
            take_line(line);
        }
        finish_report();
        return std::move(reports_);
    }

  private:
    void take_line(std::string_view line) {
        if (const auto warning = line.find(warning_prefix); warning != std::string_view::npos) {
            finish_report();
            start_report(line.substr(warning + warning_prefix.size()));
            return;
        }
        if (!current_) {
            return;
        }
        if (starts_with(line, report_end)) {
            finish_report();
        } else if (starts_with(line, summary_prefix)) {
            current_->summary = std::string(line.substr(summary_prefix.size()));
            section_ = Section::none;
        } else if (starts_with(line, "#")) {
            take_frame(line);
        } else if (line.empty()) {
            section_ = Section::none;
        } else {
            take_header(line);
        }
    }

    void start_report(std::string_view warning) {
        // The kind is the warning without its trailing "(pid=N)".
        if (const auto pid = warning.rfind(" (pid="); pid != std::string_view::npos) {
            warning = warning.substr(0, pid);
        }
        current_ = TsanReport{};
        current_->kind = std::string(trim(warning));
        // Some reports (e.g. "unlock of an unlocked mutex") print their stack right here.
        section_ = Section::access;
        bare_stack_allowed_ = true;
    }

    void finish_report() {
        if (current_) {
            reports_.push_back(std::move(*current_));
            current_.reset();
        }
        section_ = Section::none;
    }

    void take_frame(std::string_view line) {
        const auto space = line.find(' ');
        if (space == std::string_view::npos) {
            return;
        }
        TsanFrame frame = parse_frame(line.substr(space + 1));
        switch (section_) {
            case Section::access:
                if (bare_stack_allowed_) {
                    current_->accesses.push_back(TsanAccess{});
                    bare_stack_allowed_ = false;
                }
                current_->accesses.back().stack.push_back(std::move(frame));
                break;
            case Section::thread:
                current_->threads.back().created_at.push_back(std::move(frame));
                break;
            case Section::none:
            case Section::ignored:
                break;
        }
    }

    void take_header(std::string_view line) {
        bare_stack_allowed_ = false;
        section_ = Section::ignored;
        if (starts_with(line, "Location is ")) {
            auto location = line.substr(12);
            location = location.substr(0, location.find(" at 0x"));
            if (!location.empty() && location.back() == '.') {
                location.remove_suffix(1);
            }
            // Some reports name a stack location twice, the second time as "global '<null>'".
            if (current_->location.empty()) {
                current_->location = std::string(trim(location));
            }
        } else if (starts_with(line, "Thread T") && line.back() == ':') {
            TsanThread thread;
            thread.name = thread_name(line.substr(7));
            current_->threads.push_back(std::move(thread));
            section_ = Section::thread;
        } else if (starts_with(line, "Mutex ")) {
            take_mutex_header(line);
        } else if (auto access = parse_access_header(line)) {
            current_->accesses.push_back(std::move(*access));
            section_ = Section::access;
        }
    }

    // "Mutex M10 acquired here while holding mutex M9 in thread T1:"
    // "Mutex M9 previously acquired by the same thread here:"
    void take_mutex_header(std::string_view line) {
        const auto after_mutex = line.substr(6);
        const auto mutex = after_mutex.substr(0, after_mutex.find(' '));
        constexpr std::string_view holding = " acquired here while holding mutex ";
        constexpr std::string_view previously = " previously acquired by the same thread here:";
        if (const auto at = line.find(holding); at != std::string_view::npos) {
            const auto rest = line.substr(at + holding.size());
            const auto held = rest.substr(0, rest.find(' '));
            TsanAccess access;
            access.operation = "lock " + std::string(mutex) + " while holding " + std::string(held);
            if (const auto in = rest.find(" in "); in != std::string_view::npos) {
                access.thread = thread_name(rest.substr(in + 4));
            }
            current_->accesses.push_back(std::move(access));
            section_ = Section::access;
        } else if (line.find(previously) != std::string_view::npos) {
            TsanAccess access;
            access.operation = "lock " + std::string(mutex);
            access.previous = true;
            if (!current_->accesses.empty()) {
                access.thread = current_->accesses.back().thread;
            }
            current_->accesses.push_back(std::move(access));
            section_ = Section::access;
        }
    }

    std::vector<TsanReport> reports_;
    std::optional<TsanReport> current_;
    Section section_ = Section::none;
    bool bare_stack_allowed_ = false;
};

// ---- explanation -------------------------------------------------------------------------

/// A frame chosen to show the student, with the file name as the student should read it.
struct ShownFrame {
    const TsanFrame* frame;
    std::string file;
    bool in_student_file;
};

std::string normalised(const std::string& file) {
    return std::filesystem::path(file).lexically_normal().generic_string();
}

bool ends_with_path(std::string_view path, std::string_view suffix) {
    if (suffix.empty() || path.size() < suffix.size()) {
        return false;
    }
    return path.substr(path.size() - suffix.size()) == suffix &&
           (path.size() == suffix.size() || path[path.size() - suffix.size() - 1] == '/');
}

std::optional<std::string> matching_student_file(const std::string& file,
                                                 const std::vector<std::string>& student_files) {
    if (file.empty()) {
        return std::nullopt;
    }
    const auto path = normalised(file);
    for (const auto& student_file : student_files) {
        const auto wanted = normalised(student_file);
        // A frame compiled from a relative path may be shorter than the student's path.
        if (ends_with_path(path, wanted) || ends_with_path(wanted, path)) {
            return wanted;
        }
    }
    return std::nullopt;
}

// Standard library headers, the sanitizer runtime and unsymbolised frames say nothing about
// the student's code.
bool is_system_frame(const TsanFrame& frame) {
    const auto& file = frame.file;
    return file.empty() || starts_with(file, "/usr/") || starts_with(file, "../") ||
           file.find("/include/c++/") != std::string::npos ||
           file.find("libsanitizer") != std::string::npos;
}

std::string base_name(const std::string& file) {
    return std::filesystem::path(file).filename().string();
}

std::optional<ShownFrame> frame_to_show(const std::vector<TsanFrame>& stack,
                                        const std::vector<std::string>& student_files) {
    for (const auto& frame : stack) {
        if (auto student_file = matching_student_file(frame.file, student_files)) {
            return ShownFrame{&frame, std::move(*student_file), true};
        }
    }
    for (const auto& frame : stack) {
        if (!is_system_frame(frame)) {
            return ShownFrame{&frame, base_name(frame.file), false};
        }
    }
    for (const auto& frame : stack) {
        if (!frame.file.empty()) {
            return ShownFrame{&frame, base_name(frame.file), false};
        }
    }
    return std::nullopt;
}

/// The closing parenthesis at the end of `text` and its opening partner, or npos.
std::size_t opening_of_trailing_group(std::string_view text) {
    int depth = 0;
    for (std::size_t i = text.size(); i-- > 0;) {
        if (text[i] == ')') {
            ++depth;
        } else if (text[i] == '(') {
            if (--depth == 0) {
                return i;
            }
        }
    }
    return std::string_view::npos;
}

// "void pclab::ResultList::append(int) const" -> "pclab::ResultList::append";
// "main::$_0::operator()() const" -> "a lambda in main".
std::string readable_function(std::string_view function) {
    function = trim(function);
    for (const std::string_view qualifier : {" const", " &&", " &", " volatile"}) {
        if (function.size() > qualifier.size() &&
            function.substr(function.size() - qualifier.size()) == qualifier) {
            function.remove_suffix(qualifier.size());
        }
    }
    if (!function.empty() && function.back() == ')') {
        const auto open = opening_of_trailing_group(function);
        const auto before = function.substr(0, open == std::string_view::npos ? 0 : open);
        // "operator()" alone is a name, not a name followed by parameters.
        if (open != std::string_view::npos && open > 0 && !before.ends_with("operator")) {
            function = before;
        }
    }
    // A return type in front: the last space outside <...> and (...) that is not "operator ".
    int depth = 0;
    for (std::size_t i = function.size(); i-- > 0;) {
        const char c = function[i];
        if (c == '>' || c == ')') {
            ++depth;
        } else if (c == '<' || c == '(') {
            --depth;
        } else if (c == ' ' && depth == 0 && !function.substr(0, i).ends_with("operator")) {
            function = function.substr(i + 1);
            break;
        }
    }
    constexpr std::string_view clang_lambda = "::$_";
    if (const auto lambda = function.find(clang_lambda); lambda != std::string_view::npos) {
        return "a lambda in " + std::string(function.substr(0, lambda));
    }
    if (const auto lambda = function.find("::{lambda("); lambda != std::string_view::npos) {
        return "a lambda in " + std::string(function.substr(0, lambda));
    }
    return std::string(function);
}

std::string place_text(const ShownFrame& shown) {
    std::string text = shown.file;
    if (shown.frame->line > 0) {
        text += ":" + std::to_string(shown.frame->line);
    }
    if (!shown.frame->function.empty()) {
        text += " (in " + readable_function(shown.frame->function) + ")";
    }
    return text;
}

std::string thread_text(const std::string& thread) {
    if (thread.empty()) {
        return "a thread";
    }
    if (thread == "main thread") {
        return "the main thread";
    }
    return "thread " + thread;
}

std::string verb(const std::string& operation) {
    if (operation == "read") {
        return "reads";
    }
    if (operation == "write") {
        return "writes";
    }
    if (operation == "atomic read") {
        return "atomically reads";
    }
    if (operation == "atomic write") {
        return "atomically writes";
    }
    return "accesses";
}

std::string location_text(const std::string& location) {
    if (location.empty() || location.find("'<null>'") != std::string::npos) {
        return "shared data";
    }
    if (starts_with(location, "heap block")) {
        return "a " + location;
    }
    if (location == "stack of main thread") {
        return "a variable on the stack of the main thread";
    }
    if (starts_with(location, "stack of")) {
        return "a variable on the " + location;
    }
    return location;
}

constexpr char advice[] = "Protect every access to this data with the same mutex.";

class Explainer {
  public:
    Explainer(const TsanReport& report, const std::vector<std::string>& student_files)
        : report_(report), student_files_(student_files) {}

    TsanExplanation explain() {
        TsanExplanation explanation;
        if (report_.kind == "data race" || starts_with(report_.kind, "data race ")) {
            explanation.text = data_race();
        } else if (starts_with(report_.kind, "lock-order-inversion")) {
            explanation.text = lock_order_inversion();
        } else if (report_.kind == "heap-use-after-free") {
            explanation.text = use_after_free();
        } else if (report_.kind == "thread leak") {
            explanation.text = thread_leak();
        } else {
            explanation.text = other_kind();
        }
        explanation.where = where_;
        return explanation;
    }

  private:
    /// Where the stack points the student, as text; remembers the most useful place for `where`.
    std::string place_of(const std::vector<TsanFrame>& stack) {
        const auto shown = frame_to_show(stack, student_files_);
        if (!shown) {
            return "in code without debug information";
        }
        const CodeLocation location{shown->file, shown->frame->line};
        // The first place in a student file wins; any place beats none.
        if (!where_ || (shown->in_student_file && !where_is_student_)) {
            where_ = location;
            where_is_student_ = shown->in_student_file;
        }
        return "at " + place_text(*shown);
    }

    std::string data_race() {
        std::string text = "Data race on " + location_text(report_.location) + ": ";
        const auto& accesses = report_.accesses;
        if (accesses.empty()) {
            return text + "two threads access it at the same time without synchronisation. " +
                   advice;
        }
        const auto& first = accesses[0];
        text += thread_text(first.thread) + " " + verb(first.operation) + " it " +
                place_of(first.stack);
        if (accesses.size() >= 2) {
            const auto& second = accesses[1];
            text += " while " + thread_text(second.thread) + " " + verb(second.operation) + " it " +
                    place_of(second.stack);
        } else {
            text += " while another thread accesses it";
        }
        return text +
               ", and nothing orders the two accesses (no lock held in common, no "
               "happens-before). " +
               advice;
    }

    std::string lock_order_inversion() {
        std::string text = "Potential deadlock (lock-order inversion): ";
        std::vector<std::string> clauses;
        const auto& accesses = report_.accesses;
        for (std::size_t i = 0; i < accesses.size(); ++i) {
            if (accesses[i].previous) {
                continue;
            }
            std::string clause = thread_text(accesses[i].thread) + " locks a mutex " +
                                 place_of(accesses[i].stack) + " while holding another";
            if (i + 1 < accesses.size() && accesses[i + 1].previous) {
                clause += " it locked " + place_of(accesses[i + 1].stack);
            }
            clauses.push_back(std::move(clause));
        }
        if (clauses.empty()) {
            text += "two threads lock the same mutexes in opposite orders";
        }
        for (std::size_t i = 0; i < clauses.size(); ++i) {
            text += (i == 0 ? "" : i + 1 == clauses.size() ? ", and " : ", ") + clauses[i];
        }
        return text +
               ". If these run at the same time, each thread waits forever for a mutex another "
               "one holds. Lock the mutexes in one fixed order everywhere, or take them together "
               "with std::scoped_lock.";
    }

    std::string use_after_free() {
        const auto& accesses = report_.accesses;
        if (accesses.empty()) {
            return other_kind();
        }
        const auto& use = accesses[0];
        std::string text = "Use after free: " + thread_text(use.thread) + " " +
                           verb(use.operation) + " memory " + place_of(use.stack);
        // The "previous write" of such a report is the delete that freed the block.
        if (accesses.size() >= 2) {
            text += " after " + thread_text(accesses[1].thread) + " freed it " +
                    place_of(accesses[1].stack);
        } else {
            text += " after it was freed";
        }
        return text +
               ". Make sure no thread can still reach an object when it is deleted (join the "
               "threads that use it first, or share ownership).";
    }

    std::string thread_leak() {
        std::string text = "Thread leak: ";
        if (report_.threads.empty()) {
            text += "a thread";
        }
        for (std::size_t i = 0; i < report_.threads.size(); ++i) {
            const auto& thread = report_.threads[i];
            text += (i == 0 ? "" : ", ") + thread_text(thread.name) + ", created " +
                    place_of(thread.created_at) + ",";
        }
        return text + " was never joined. Join every thread you start before the program ends.";
    }

    std::string other_kind() {
        std::string text = "ThreadSanitizer reported a " + report_.kind;
        if (!report_.location.empty()) {
            text += " on " + location_text(report_.location);
        }
        std::vector<std::string> clauses;
        for (const auto& access : report_.accesses) {
            std::string clause = access.previous ? "earlier, " : "";
            clause += access.thread.empty()
                          ? std::string("it happened")
                          : thread_text(access.thread) + " " + verb(access.operation) + " it";
            clauses.push_back(clause + " " + place_of(access.stack));
        }
        for (std::size_t i = 0; i < clauses.size(); ++i) {
            text += (i == 0 ? ": " : "; ") + clauses[i];
        }
        return text + ".";
    }

    const TsanReport& report_;
    const std::vector<std::string>& student_files_;
    std::optional<CodeLocation> where_;
    bool where_is_student_ = false;
};

}  // namespace

std::vector<TsanReport> parse_tsan_reports(std::string_view text) {
    return ReportParser().parse(text);
}

TsanExplanation explain(const TsanReport& report, const std::vector<std::string>& student_files) {
    return Explainer(report, student_files).explain();
}

}  // namespace pclab::grader
