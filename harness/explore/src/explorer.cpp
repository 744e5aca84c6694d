#include "pclab/explore/explorer.hpp"

#include <algorithm>
#include <charconv>
#include <memory>
#include <optional>
#include <sstream>
#include <stdexcept>
#include <system_error>

namespace pclab::explore {

namespace {

constexpr std::string_view digits = "0123456789abcdefghijklmnopqrstuvwxyz";

std::string encode_choices(const std::vector<std::uint32_t>& choices) {
    std::string text;
    for (const std::uint32_t value : choices) {
        if (value < digits.size()) {
            text += digits[value];
        } else {
            text += '{' + std::to_string(value) + '}';
        }
    }
    return text;
}

std::optional<std::vector<std::uint32_t>> decode_choices(std::string_view text) {
    std::vector<std::uint32_t> choices;
    for (std::size_t i = 0; i < text.size(); ++i) {
        if (text[i] == '{') {
            const std::size_t close = text.find('}', i);
            std::uint32_t value = 0;
            if (close == std::string_view::npos ||
                std::from_chars(text.data() + i + 1, text.data() + close, value).ec !=
                    std::errc{}) {
                return std::nullopt;
            }
            choices.push_back(value);
            i = close;
            continue;
        }
        const std::size_t value = digits.find(text[i]);
        if (value == std::string_view::npos) {
            return std::nullopt;
        }
        choices.push_back(static_cast<std::uint32_t>(value));
    }
    return choices;
}

template <class Number>
bool parse_number(std::string_view text, Number& number) {
    const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), number);
    return error == std::errc{} && end == text.data() + text.size();
}

// The strategy that draws schedule `id.schedule` afresh (its choice list, if any, is ignored).
std::unique_ptr<Strategy> make_strategy(const ScheduleId& id) {
    const std::uint64_t seed = schedule_seed(id.seed, id.schedule);
    if (id.strategy == StrategyKind::pct) {
        return std::make_unique<PctStrategy>(seed, id.pct_depth, id.pct_steps,
                                             id.spurious_wake_one_in);
    }
    return std::make_unique<RandomStrategy>(seed, id.spurious_wake_one_in);
}

// A schedule id carries its choice list up to this length; a longer run (a livelock that ran
// into the step limit) is named by its strategy, seed and index alone, which replay()
// re-derives to the same run: an id of 20,000 digits helps nobody.
constexpr std::size_t kLongestChoiceList = 500;

ExploreResult result_of(RunRecord record, ScheduleId id, std::uint32_t schedules_run) {
    id.choices.clear();
    id.has_choices = record.choices.size() <= kLongestChoiceList;
    if (id.has_choices) {
        for (const Choice& choice : record.choices) {
            id.choices.push_back(choice.value);
        }
    }
    ExploreResult result;
    result.failed = record.verdict.failed();
    result.schedules_run = schedules_run;
    result.verdict = record.verdict;
    result.schedule_id = id.to_string();
    result.choices = record.choices;
    result.trace = format_trace(record, result.schedule_id);
    result.record = std::move(record);
    return result;
}

// The file name of `where` without its directories; empty when unknown, or when it is a line
// of the standard library (a default argument evaluated inside, say, vector::emplace_back):
// no location is better than one that points away from the student's code.
std::string file_text(const std::source_location& where) {
    std::string_view file = where.file_name();
    if (where.line() == 0 || file.starts_with("/usr/include/") ||
        file.find("/c++/") != std::string_view::npos) {
        return "";
    }
    const std::size_t slash = file.find_last_of('/');
    if (slash != std::string_view::npos) {
        file.remove_prefix(slash + 1);
    }
    return std::string(file);
}

std::string location_text(const std::source_location& where) {
    const std::string file = file_text(where);
    return file.empty() ? file : file + ":" + std::to_string(where.line());
}

std::string thread_name(const RunRecord& record, std::size_t thread) {
    return thread < record.thread_names.size() ? record.thread_names[thread]
                                               : "thread " + std::to_string(thread);
}

}  // namespace

std::string_view to_string(StrategyKind kind) noexcept {
    return kind == StrategyKind::pct ? "pct" : "random";
}

std::uint64_t schedule_seed(std::uint64_t seed, std::uint32_t schedule) noexcept {
    return SplitMix64::mix(seed ^ SplitMix64::mix(schedule + 0x9e3779b97f4a7c15ULL));
}

std::string ScheduleId::to_string() const {
    std::ostringstream text;
    text << explore::to_string(strategy);
    if (strategy == StrategyKind::pct) {
        text << ":depth=" << pct_depth << ":steps=" << pct_steps;
    }
    text << ":seed=" << seed << ":schedule=" << schedule << ":spurious=" << spurious_wake_one_in
         << ":budget=" << scheduler.max_spurious_wakes_in_a_row
         << ":timeouts=" << (scheduler.offer_timeouts ? 1 : 0)
         << ":max-steps=" << scheduler.max_steps;
    if (has_choices) {
        text << ":choices=" << encode_choices(choices);
    }
    return text.str();
}

std::optional<ScheduleId> ScheduleId::parse(std::string_view text) {
    ScheduleId id;
    const std::size_t first = text.find(':');
    const std::string_view kind = text.substr(0, first);
    if (kind == "random") {
        id.strategy = StrategyKind::random;
    } else if (kind == "pct") {
        id.strategy = StrategyKind::pct;
    } else {
        return std::nullopt;
    }
    std::size_t position = first;
    while (position != std::string_view::npos) {
        const std::size_t next = text.find(':', position + 1);
        const std::string_view field = text.substr(position + 1, next - position - 1);
        position = next;
        const std::size_t equals = field.find('=');
        if (equals == std::string_view::npos) {
            return std::nullopt;
        }
        const std::string_view key = field.substr(0, equals);
        const std::string_view value = field.substr(equals + 1);
        std::uint32_t flag = 0;
        bool ok = true;
        if (key == "depth") {
            ok = parse_number(value, id.pct_depth);
        } else if (key == "steps") {
            ok = parse_number(value, id.pct_steps);
        } else if (key == "seed") {
            ok = parse_number(value, id.seed);
        } else if (key == "schedule") {
            ok = parse_number(value, id.schedule);
        } else if (key == "spurious") {
            ok = parse_number(value, id.spurious_wake_one_in);
        } else if (key == "budget") {
            ok = parse_number(value, id.scheduler.max_spurious_wakes_in_a_row);
        } else if (key == "timeouts") {
            ok = parse_number(value, flag) && flag <= 1;
            id.scheduler.offer_timeouts = flag == 1;
        } else if (key == "max-steps") {
            ok = parse_number(value, id.scheduler.max_steps);
        } else if (key == "choices") {
            auto choices = decode_choices(value);
            ok = choices.has_value();
            if (ok) {
                id.choices = std::move(*choices);
                id.has_choices = true;
            }
        } else {
            ok = false;
        }
        if (!ok) {
            return std::nullopt;
        }
    }
    return id;
}

RunRecord run_schedule(const ExploreBody& body, Strategy& strategy,
                       const SchedulerOptions& options) {
    Scheduler scheduler(strategy, options);
    return scheduler.run(body);
}

// The rows a long trace keeps: its first kTraceHead and its last kTraceTail steps.
constexpr std::size_t kLongestTrace = 100;
constexpr std::size_t kTraceHead = 20;
constexpr std::size_t kTraceTail = 40;

std::string format_trace(const RunRecord& record, std::string_view schedule_id) {
    const std::size_t columns = std::max<std::size_t>(record.thread_names.size(), 1);
    std::vector<std::string> headers;
    std::vector<std::size_t> widths;
    for (std::size_t column = 0; column < columns; ++column) {
        headers.push_back(thread_name(record, column));
        widths.push_back(headers.back().size());
    }
    // A column names a file once and then only lines while the file stays the same: the
    // trace stays narrow enough to read without losing where each step is.
    std::vector<std::string> last_file(columns);
    std::vector<std::string> cells;
    for (const Step& step : record.steps) {
        std::string cell = step.operation;
        const std::string file = file_text(step.where);
        if (!file.empty()) {
            const bool same_file = step.thread < columns && last_file[step.thread] == file;
            cell += " @ " + (same_file ? "line " : file + ":") + std::to_string(step.where.line());
            if (step.thread < columns) {
                last_file[step.thread] = file;
            }
        }
        if (step.thread < columns) {
            widths[step.thread] = std::max(widths[step.thread], cell.size());
        }
        cells.push_back(std::move(cell));
    }
    const std::string step_header = "step";
    const std::size_t number_width =
        std::max(step_header.size(), std::to_string(record.steps.size()).size());

    std::string text = "schedule " + std::string(schedule_id) + "\n";
    const auto append_row = [&](const std::string& first, std::size_t filled_column,
                                const std::string& cell) {
        std::string line = std::string(number_width - first.size(), ' ') + first;
        for (std::size_t column = 0; column < columns; ++column) {
            const std::string& content = column == filled_column ? cell : std::string();
            line += " | " + content + std::string(widths[column] - content.size(), ' ');
        }
        line.erase(line.find_last_not_of(' ') + 1);
        text += line + "\n";
    };
    std::string header_line = std::string(number_width - step_header.size(), ' ') + step_header;
    std::string rule(number_width, '-');
    for (std::size_t column = 0; column < columns; ++column) {
        header_line +=
            " | " + headers[column] + std::string(widths[column] - headers[column].size(), ' ');
        rule += "-+-" + std::string(widths[column], '-');
    }
    header_line.erase(header_line.find_last_not_of(' ') + 1);
    text += header_line + "\n" + rule + "\n";
    // A run of more than kLongestTrace steps (a livelock) shows its first and last steps; the
    // middle repeats itself, and the rows that matter are those just before the verdict.
    const std::size_t steps = record.steps.size();
    const bool elided = steps > kLongestTrace;
    for (std::size_t i = 0; i < steps; ++i) {
        if (elided && i == kTraceHead) {
            text += std::string(number_width, ' ') + " | ... " +
                    std::to_string(steps - kTraceHead - kTraceTail) + " steps not shown ...\n";
            i = steps - kTraceTail;
        }
        append_row(std::to_string(record.steps[i].number), record.steps[i].thread, cells[i]);
    }

    const Verdict& verdict = record.verdict;
    text += "verdict: " + std::string(to_string(verdict.kind));
    if (!verdict.message.empty()) {
        text += ": " + verdict.message;
    }
    if (verdict.thread.has_value()) {
        text += " [in " + thread_name(record, *verdict.thread);
        if (verdict.where.has_value() && verdict.where->line() != 0) {
            text += " @ " + location_text(*verdict.where);
        }
        text += "]";
    }
    text += "\n";
    for (const BlockedThread& blocked : verdict.blocked) {
        text += "  " + thread_name(record, blocked.thread) + " blocked in " + blocked.operation;
        const std::string where = location_text(blocked.where);
        if (!where.empty()) {
            text += " @ " + where;
        }
        text += ", waiting for " + blocked.waits_for + "\n";
    }
    return text;
}

ExploreResult explore(const ExploreBody& body, const ExploreOptions& options) {
    ScheduleId id;
    id.strategy = options.strategy;
    id.seed = options.seed;
    id.pct_depth = options.pct_depth;
    id.pct_steps = std::max<std::uint64_t>(options.pct_calibration_steps, 1);
    id.spurious_wake_one_in = options.spurious_wake_one_in;
    id.scheduler = options.scheduler;
    std::optional<ExploreResult> found;
    std::uint32_t failures = 0;
    for (std::uint32_t schedule = 0; schedule < options.schedules; ++schedule) {
        if (found.has_value() && schedule - (found->schedules_run - 1) > options.shorten_within) {
            break;
        }
        id.schedule = schedule;
        const std::unique_ptr<Strategy> strategy = make_strategy(id);
        RunRecord record = run_schedule(body, *strategy, id.scheduler);
        if (record.verdict.failed()) {
            ++failures;
            if (!found.has_value()) {
                found = result_of(std::move(record), id, schedule + 1);
                found->first_failure_steps = found->record.steps.size();
            } else if (record.verdict.kind == found->verdict.kind &&
                       record.steps.size() < found->record.steps.size()) {
                // A shorter schedule that fails the same way: the same story, fewer steps.
                const std::uint32_t first = found->schedules_run;
                const std::size_t first_steps = found->first_failure_steps;
                found = result_of(std::move(record), id, first);
                found->first_failure_steps = first_steps;
            }
        }
        if (options.strategy == StrategyKind::pct && schedule == 0) {
            id.pct_steps = std::max<std::uint64_t>(record.scheduling_points, 1);
        }
    }
    if (found.has_value()) {
        found->failing_schedules_seen = failures;
        return std::move(*found);
    }
    ExploreResult result;
    result.schedules_run = options.schedules;
    return result;
}

ExploreResult replay(const ExploreBody& body, std::string_view schedule_id) {
    const std::optional<ScheduleId> id = ScheduleId::parse(schedule_id);
    if (!id.has_value()) {
        throw std::invalid_argument("pclab::explore::replay: not a schedule id: " +
                                    std::string(schedule_id));
    }
    if (!id->has_choices) {
        const std::unique_ptr<Strategy> strategy = make_strategy(*id);
        return result_of(run_schedule(body, *strategy, id->scheduler), *id, 1);
    }
    std::vector<Choice> choices;
    for (const std::uint32_t value : id->choices) {
        choices.push_back(Choice{ChoiceKind::next_step, value, 0});
    }
    ReplayStrategy strategy(std::move(choices));
    RunRecord record = run_schedule(body, strategy, id->scheduler);
    if (strategy.choices_left() > 0) {  // a recorded run asked for every choice it made
        record.verdict = Verdict{VerdictKind::replay_diverged,
                                 "the run ended with " + std::to_string(strategy.choices_left()) +
                                     " recorded choices left over",
                                 std::nullopt,
                                 std::nullopt,
                                 {}};
    }
    return result_of(std::move(record), *id, 1);
}

}  // namespace pclab::explore
