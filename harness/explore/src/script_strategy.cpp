#include "pclab/explore/script_strategy.hpp"

#include <algorithm>
#include <utility>

namespace pclab::explore {

namespace {

constexpr std::size_t kMain = 0;  // the test body's thread index

bool is_blank(char c) {
    return c == ' ' || c == '\t' || c == '\r' || c == '\v' || c == '\f';
}

// `piece` with spaces around it dropped and each run of blanks inside it made one space.
std::string normalised(std::string_view piece) {
    std::string name;
    bool pending_space = false;
    for (const char c : piece) {
        if (is_blank(c)) {
            pending_space = !name.empty();
            continue;
        }
        if (pending_space) {
            name += ' ';
            pending_space = false;
        }
        name += c;
    }
    return name;
}

// Why `name` cannot be a thread name as a script writes it, or nullopt if it can.
std::optional<std::string> name_problem(const std::string& name) {
    for (const char c : name) {
        const auto byte = static_cast<unsigned char>(c);
        if (c == '"' || c == '\'' || c == '`') {
            return name + ": write thread names without quotes";
        }
        if (byte < 0x20 || byte > 0x7e) {
            return name +
                   ": a thread name is plain ASCII (is there a typographic quote or dash in it?)";
        }
    }
    return std::nullopt;
}

// Where `thread` is among the candidates that let it run (not the ones that time it out).
std::optional<std::size_t> runnable_at(std::span<const Candidate> candidates, std::size_t thread) {
    for (std::size_t i = 0; i < candidates.size(); ++i) {
        if (candidates[i].thread == thread && !candidates[i].times_out) {
            return i;
        }
    }
    return std::nullopt;
}

}  // namespace

ParsedScript parse_script(std::string_view text) {
    ParsedScript parsed;
    std::size_t line_number = 0;
    while (!text.empty() || line_number == 0) {
        ++line_number;
        const std::size_t line_end = text.find('\n');
        std::string_view line = text.substr(0, line_end);
        text.remove_prefix(line_end == std::string_view::npos ? text.size() : line_end + 1);
        line = line.substr(0, line.find('#'));
        while (!line.empty()) {
            const std::size_t separator = line.find_first_of(";,");
            const std::string name = normalised(line.substr(0, separator));
            line.remove_prefix(separator == std::string_view::npos ? line.size() : separator + 1);
            if (name.empty()) {
                continue;
            }
            if (std::optional<std::string> problem = name_problem(name)) {
                return ParsedScript{{}, "line " + std::to_string(line_number) + ": " + *problem};
            }
            parsed.entries.push_back(name);
        }
    }
    return parsed;
}

ScriptStrategy::ScriptStrategy(std::vector<std::string> entries,
                               std::vector<std::string> thread_names)
    : entries_(std::move(entries)), thread_names_(std::move(thread_names)) {
    for (std::string& name : thread_names_) {
        name = normalised(name);
    }
    for (std::size_t entry = 0; entry < entries_.size() && !error_; ++entry) {
        const std::string& name = entries_[entry];
        const std::string which = "entry " + std::to_string(entry + 1) + " (" + name + "): ";
        const auto named = std::find(thread_names_.begin(), thread_names_.end(), name);
        if (named == thread_names_.begin()) {
            error_ = which + name + " is not scripted: it runs whenever it can";
        } else if (named == thread_names_.end()) {
            std::string known;
            for (std::size_t thread = kMain + 1; thread < thread_names_.size(); ++thread) {
                known += (known.empty() ? "" : ", ") + thread_names_[thread];
            }
            error_ = which + "no thread is named " + name +
                     " (the threads are: " + (known.empty() ? "none" : known) + ")";
        } else {
            entry_threads_.push_back(
                static_cast<std::size_t>(std::distance(thread_names_.begin(), named)));
        }
    }
}

void ScriptStrategy::on_thread_started(std::size_t thread) {
    if (started_.size() <= thread) {
        started_.resize(thread + 1, false);
    }
    started_[thread] = true;
}

std::size_t ScriptStrategy::pick_candidate(std::span<const Candidate> candidates,
                                           std::uint64_t step, std::size_t current) {
    static_cast<void>(step);
    if (error_) {
        return candidates.size();  // no answer: the script was found wrong
    }
    // Every step is seen (sees_every_step), so the turn's thread not being among the runnable
    // candidates means it has just blocked or ended: its turn is over, for good.
    if (turn_ && !turn_over_ && !runnable_at(candidates, *turn_)) {
        turn_over_ = true;
    }
    if (const std::optional<std::size_t> main = runnable_at(candidates, kMain)) {
        return *main;
    }
    if (turn_ && !turn_over_) {
        return *runnable_at(candidates, *turn_);
    }
    if (next_entry_ < entries_.size()) {
        const std::size_t entry = next_entry_++;
        const std::optional<std::size_t> at = runnable_at(candidates, entry_threads_[entry]);
        if (!at) {
            error_ = cannot_run_error(entry, candidates);
            return candidates.size();
        }
        turn_ = entry_threads_[entry];
        turn_over_ = false;
        return *at;
    }
    // The script is exhausted: the thread that took the last step goes on while it can, then
    // the lowest index (candidates list runnable threads first, in index order).
    if (const std::optional<std::size_t> same = runnable_at(candidates, current)) {
        return *same;
    }
    return 0;
}

std::size_t ScriptStrategy::pick_option(ChoiceKind kind, std::size_t option_count) {
    static_cast<void>(kind);
    static_cast<void>(option_count);
    // notify_one: waiters are listed oldest first; spurious wake-up: option 0 is "block".
    return 0;
}

std::string ScriptStrategy::name_of(std::size_t thread) const {
    return thread < thread_names_.size() ? thread_names_[thread]
                                         : "thread " + std::to_string(thread);
}

std::string ScriptStrategy::cannot_run_error(std::size_t entry,
                                             std::span<const Candidate> candidates) const {
    const std::string& name = entries_[entry];
    const std::size_t thread = entry_threads_[entry];
    const bool started = thread < started_.size() && started_[thread];
    std::string can_run;
    for (const Candidate& candidate : candidates) {
        if (!candidate.times_out) {
            can_run += (can_run.empty() ? "" : ", ") + name_of(candidate.thread);
        }
    }
    return "entry " + std::to_string(entry + 1) + " (" + name + "): " + name +
           " cannot run now: " + (started ? "it is blocked or has ended" : "it has not started") +
           " (threads that can run now: " + can_run + ")";
}

}  // namespace pclab::explore
