#include "sync_name_scan.hpp"

#include <algorithm>
#include <cstddef>
#include <fstream>
#include <iterator>
#include <map>
#include <optional>
#include <sstream>
#include <stdexcept>
#include <system_error>
#include <utility>

namespace pclab::grader {
namespace {

constexpr std::string_view kNotInLabs =
    "not available in the labs: build it from pclab::mutex and pclab::condition_variable";
constexpr std::string_view kQualifyNames =
    "qualify names; the labs' synchronisation names are pclab::...";
constexpr std::size_t kMaxExplained = 10;

/// Every forbidden `std::NAME` (one level below std) and what to write instead.
const std::map<std::string_view, std::string_view>& forbidden_std_names() {
    static const std::map<std::string_view, std::string_view> names = {
        {"mutex", "pclab::mutex"},
        {"timed_mutex", kNotInLabs},
        {"recursive_mutex", kNotInLabs},
        {"recursive_timed_mutex", kNotInLabs},
        {"shared_mutex", kNotInLabs},
        {"shared_timed_mutex", kNotInLabs},
        {"condition_variable", "pclab::condition_variable"},
        {"condition_variable_any", kNotInLabs},
        {"thread", "pclab::thread"},
        {"jthread", "pclab::thread"},
        {"counting_semaphore", "pclab::counting_semaphore"},
        {"binary_semaphore", "pclab::binary_semaphore"},
        {"latch", kNotInLabs},
        {"barrier", kNotInLabs},
        {"async", kNotInLabs},
    };
    return names;
}

/// The members of std::this_thread that block or give up the processor: the scheduler must see
/// them. (get_id, the only other member, changes nothing and stays allowed.)
bool is_forbidden_this_thread_member(std::string_view name) {
    return name == "yield" || name == "sleep_for" || name == "sleep_until";
}

// ---- Phase 1: splicing continued lines ------------------------------------------------------

/// The source with every backslash-newline removed (translation phase 2), so that a name or a
/// `//` comment continued onto the next line is seen whole. `origin[i]` is the offset in the
/// original text of `text[i]`, so findings still point at the lines the student sees.
struct SplicedSource {
    std::string text;
    std::vector<std::size_t> origin;
};

/// Length of the line break at `at` ("\n" or "\r\n"), or 0 when there is none.
std::size_t line_break_length(std::string_view source, std::size_t at) {
    if (at < source.size() && source[at] == '\n') {
        return 1;
    }
    if (at + 1 < source.size() && source[at] == '\r' && source[at + 1] == '\n') {
        return 2;
    }
    return 0;
}

SplicedSource splice_lines(std::string_view source) {
    SplicedSource spliced;
    spliced.text.reserve(source.size());
    spliced.origin.reserve(source.size());
    std::size_t at = 0;
    while (at < source.size()) {
        if (source[at] == '\\') {
            // Like g++ and clang, accept blanks between the backslash and the line break (both
            // compilers splice such lines, with a warning), so the scan sees what they compile.
            std::size_t after = at + 1;
            while (after < source.size() && (source[after] == ' ' || source[after] == '\t')) {
                ++after;
            }
            if (const std::size_t length = line_break_length(source, after); length > 0) {
                at = after + length;
                continue;
            }
        }
        spliced.text.push_back(source[at]);
        spliced.origin.push_back(at);
        ++at;
    }
    return spliced;
}

// ---- Phase 2: tokens ------------------------------------------------------------------------

/// The only distinctions the rule needs: names, the scope operator, and everything else.
enum class TokenKind { identifier, scope, other };

struct Token {
    TokenKind kind = TokenKind::other;
    std::string_view text;   ///< a view into SplicedSource::text
    std::size_t offset = 0;  ///< where it starts in SplicedSource::text
};

bool is_identifier_start(char c) {
    // Bytes >= 0x80 are parts of UTF-8 encoded identifier characters: treating them as letters
    // keeps `std::mutexé` one (allowed) identifier rather than `std::mutex` followed by junk.
    const auto byte = static_cast<unsigned char>(c);
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' || c == '$' || byte >= 0x80;
}

bool is_digit(char c) {
    return c >= '0' && c <= '9';
}

bool is_identifier_char(char c) {
    return is_identifier_start(c) || is_digit(c);
}

bool is_space(char c) {
    return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v';
}

bool is_encoding_prefix(std::string_view word) {
    return word == "u8" || word == "u" || word == "U" || word == "L";
}

bool is_raw_string_prefix(std::string_view word) {
    return word == "R" || word == "u8R" || word == "uR" || word == "UR" || word == "LR";
}

/// Splits spliced source into tokens, dropping whitespace, comments and literals: what is left
/// is exactly the code a compiler would look up names in.
class Tokenizer {
  public:
    explicit Tokenizer(std::string_view text) : text_(text) {}

    std::vector<Token> tokens() {
        std::vector<Token> result;
        while (at_ < text_.size()) {
            const char c = text_[at_];
            if (is_space(c)) {
                ++at_;
            } else if (starts_with("//")) {
                skip_line_comment();
            } else if (starts_with("/*")) {
                skip_block_comment();
            } else if (c == '"' || c == '\'') {
                skip_quoted(c);
            } else if (is_digit(c) || (c == '.' && is_digit(peek(1)))) {
                skip_number();
            } else if (is_identifier_start(c)) {
                if (auto word = identifier_or_skipped_literal()) {
                    result.push_back(*word);
                }
            } else if (starts_with("::")) {
                result.push_back({TokenKind::scope, text_.substr(at_, 2), at_});
                at_ += 2;
            } else {
                result.push_back({TokenKind::other, text_.substr(at_, 1), at_});
                ++at_;
            }
        }
        return result;
    }

  private:
    char peek(std::size_t ahead) const {
        return at_ + ahead < text_.size() ? text_[at_ + ahead] : '\0';
    }

    bool starts_with(std::string_view prefix) const {
        return text_.substr(at_, prefix.size()) == prefix;
    }

    // Continued lines are already joined, so a `//` comment ending in a backslash correctly
    // swallows the next line as well.
    void skip_line_comment() {
        const auto end = text_.find('\n', at_);
        at_ = end == std::string_view::npos ? text_.size() : end;
    }

    void skip_block_comment() {
        const auto end = text_.find("*/", at_ + 2);
        at_ = end == std::string_view::npos ? text_.size() : end + 2;
    }

    // A string or character literal, honouring backslash escapes (`"a\"b"`, `'\''`). A literal
    // still open at the end of its line is ill-formed C++, but an apostrophe in `#error don't`
    // looks like one: ending it at the line keeps such text from hiding the rest of the file.
    void skip_quoted(char quote) {
        ++at_;
        while (at_ < text_.size()) {
            const char c = text_[at_];
            if (c == '\\') {
                at_ += 2;
            } else if (c == quote) {
                ++at_;
                return;
            } else if (c == '\n') {
                return;
            } else {
                ++at_;
            }
        }
        at_ = std::min(at_, text_.size());
    }

    // `R"delim( ... )delim"`: no escapes inside, and it may span lines. `at_` is on the quote.
    // A delimiter that is not valid (too long, or with a character a delimiter may not hold)
    // means this is not a raw string the compiler would accept; reading it as an ordinary string
    // is the least surprising fallback.
    void skip_raw_string() {
        const std::size_t delimiter_start = at_ + 1;
        const auto open = text_.find('(', delimiter_start);
        constexpr std::size_t kMaxDelimiter = 16;
        if (open == std::string_view::npos || open - delimiter_start > kMaxDelimiter ||
            text_.substr(delimiter_start, open - delimiter_start)
                    .find_first_of(" ()\\\t\v\f\r\n\"") != std::string_view::npos) {
            skip_quoted('"');
            return;
        }
        std::string closing = ")";
        closing += text_.substr(delimiter_start, open - delimiter_start);
        closing += '"';
        const auto end = text_.find(closing, open + 1);
        at_ = end == std::string_view::npos ? text_.size() : end + closing.size();
    }

    // A pp-number (lex.ppnumber): digits, letters, `.`, exponent signs, and `'` digit
    // separators. Reading the whole pp-number is what keeps the `'` of `1'000` or `0x1'ff` from
    // being taken for the start of a character literal.
    void skip_number() {
        ++at_;
        while (at_ < text_.size()) {
            const char c = text_[at_];
            const bool exponent_sign = (c == 'e' || c == 'E' || c == 'p' || c == 'P') &&
                                       (peek(1) == '+' || peek(1) == '-');
            const bool digit_separator = c == '\'' && is_identifier_char(peek(1));
            if (exponent_sign || digit_separator) {
                at_ += 2;
            } else if (is_identifier_char(c) || c == '.') {
                ++at_;
            } else {
                return;
            }
        }
    }

    // An identifier, unless it is the encoding or raw prefix of a literal (`u8"..."`,
    // `L'x'`, `R"(...)"`), in which case the whole literal is skipped.
    std::optional<Token> identifier_or_skipped_literal() {
        const std::size_t start = at_;
        while (at_ < text_.size() && is_identifier_char(text_[at_])) {
            ++at_;
        }
        const std::string_view word = text_.substr(start, at_ - start);
        const char next = peek(0);
        if (next == '"' && is_raw_string_prefix(word)) {
            skip_raw_string();
            return std::nullopt;
        }
        if ((next == '"' || next == '\'') && is_encoding_prefix(word)) {
            skip_quoted(next);
            return std::nullopt;
        }
        return Token{TokenKind::identifier, word, start};
    }

    std::string_view text_;
    std::size_t at_ = 0;
};

// ---- Phase 3: matching ----------------------------------------------------------------------

/// Maps offsets in the original text to 1-based line and column.
class LineTable {
  public:
    explicit LineTable(std::string_view source) {
        line_starts_.push_back(0);
        for (std::size_t i = 0; i < source.size(); ++i) {
            if (source[i] == '\n') {
                line_starts_.push_back(i + 1);
            }
        }
    }

    /// {line, column} of `offset`, both 1-based.
    std::pair<int, int> position(std::size_t offset) const {
        const auto next_line = std::upper_bound(line_starts_.begin(), line_starts_.end(), offset);
        const auto line = static_cast<int>(std::distance(line_starts_.begin(), next_line));
        const auto column = static_cast<int>(offset - *std::prev(next_line)) + 1;
        return {line, column};
    }

  private:
    std::vector<std::size_t> line_starts_;
};

/// Walks the tokens looking for the forbidden patterns.
class Matcher {
  public:
    Matcher(const std::vector<Token>& tokens, const SplicedSource& spliced, const LineTable& lines,
            const std::string& file)
        : tokens_(tokens), spliced_(spliced), lines_(lines), file_(file) {}

    std::vector<ForbiddenSyncName> findings() {
        std::vector<ForbiddenSyncName> found;
        for (std::size_t i = 0; i < tokens_.size(); ++i) {
            if (is_word(i, "using")) {
                match_using_directive(i, found);
            } else if (is_word(i, "std") && is_scope(i + 1)) {
                match_std_name(i, found);
            }
        }
        return found;
    }

  private:
    bool is_word(std::size_t i, std::string_view word) const {
        return i < tokens_.size() && tokens_[i].kind == TokenKind::identifier &&
               tokens_[i].text == word;
    }

    bool is_identifier(std::size_t i) const {
        return i < tokens_.size() && tokens_[i].kind == TokenKind::identifier;
    }

    bool is_scope(std::size_t i) const {
        return i < tokens_.size() && tokens_[i].kind == TokenKind::scope;
    }

    void add(std::size_t token, std::string name, std::string_view use_instead,
             std::vector<ForbiddenSyncName>& found) const {
        const auto [line, column] = lines_.position(spliced_.origin[tokens_[token].offset]);
        found.push_back({file_, line, column, std::move(name), std::string(use_instead)});
    }

    // `using namespace [::]std;` and `using namespace [::]std::this_thread;` make std's names
    // usable unqualified, where a bare `mutex` or `yield()` can no longer be told apart from the
    // student's own names. Other directives into std (`std::chrono_literals`) are harmless.
    void match_using_directive(std::size_t i, std::vector<ForbiddenSyncName>& found) const {
        if (!is_word(i + 1, "namespace")) {
            return;
        }
        std::size_t at = i + 2;
        if (is_scope(at)) {
            ++at;
        }
        if (!is_word(at, "std")) {
            return;
        }
        if (!is_scope(at + 1)) {
            add(i, "using namespace std", kQualifyNames, found);
        } else if (is_word(at + 2, "this_thread") && !is_scope(at + 3)) {
            add(i, "using namespace std::this_thread", kQualifyNames, found);
        }
    }

    // `std :: NAME`, where `i` is `std` and `i + 1` is `::`. A leading `::` needs no handling:
    // it is its own token before `std`. Nothing is required before `std` either: the only other
    // way to reach a `std` is a nested namespace of that name, which lab code never declares.
    void match_std_name(std::size_t i, std::vector<ForbiddenSyncName>& found) const {
        if (!is_identifier(i + 2)) {
            return;
        }
        const std::string_view name = tokens_[i + 2].text;
        if (name == "this_thread") {
            if (is_scope(i + 3) && is_identifier(i + 4) &&
                is_forbidden_this_thread_member(tokens_[i + 4].text)) {
                const std::string member(tokens_[i + 4].text);
                add(i, "std::this_thread::" + member, "pclab::this_thread::" + member, found);
            }
            return;
        }
        const auto& forbidden = forbidden_std_names();
        const auto entry = forbidden.find(name);
        if (entry == forbidden.end()) {
            return;
        }
        // `std::thread::id` is what the allowed std::this_thread::get_id() returns, and naming
        // that type starts no thread; pclab::thread has no `id` of its own to use instead.
        if ((name == "thread" || name == "jthread") && is_scope(i + 3) && is_word(i + 4, "id")) {
            return;
        }
        add(i, "std::" + std::string(name), entry->second, found);
    }

    const std::vector<Token>& tokens_;
    const SplicedSource& spliced_;
    const LineTable& lines_;
    const std::string& file_;
};

}  // namespace

std::vector<ForbiddenSyncName> scan_sync_names(std::string_view source, const std::string& file) {
    const SplicedSource spliced = splice_lines(source);
    const std::vector<Token> tokens = Tokenizer(spliced.text).tokens();
    const LineTable lines(source);
    return Matcher(tokens, spliced, lines, file).findings();
}

std::vector<ForbiddenSyncName> scan_sync_names_in_file(const std::filesystem::path& path,
                                                       const std::string& display_name) {
    // A directory opens as a stream on Linux and then reads as empty: it must not pass as a
    // clean file.
    std::error_code error;
    std::ifstream in(path, std::ios::binary);
    if (!in || std::filesystem::is_directory(path, error)) {
        throw std::runtime_error("cannot read " + path.string() + " to check its names");
    }
    std::ostringstream content;
    content << in.rdbuf();
    return scan_sync_names(content.str(), display_name);
}

std::string explain_forbidden_sync_names(const std::vector<ForbiddenSyncName>& found) {
    if (found.empty()) {
        return {};
    }
    std::ostringstream out;
    out << "Your code uses std synchronisation names directly; the labs must use pclab's:\n";
    const std::size_t shown = std::min(found.size(), kMaxExplained);
    for (std::size_t i = 0; i < shown; ++i) {
        const ForbiddenSyncName& use = found[i];
        out << "  " << use.file << ':' << use.line << ':' << use.column << ": `" << use.name
            << "`: ";
        // A bare pclab name reads best as an instruction; a sentence is shown as it is.
        if (use.use_instead.find(' ') == std::string::npos) {
            out << "use `" << use.use_instead << "` instead\n";
        } else {
            out << use.use_instead << '\n';
        }
    }
    if (found.size() > shown) {
        const std::size_t more = found.size() - shown;
        out << "  ... and " << more << " more " << (more == 1 ? "use" : "uses")
            << " not listed here.\n";
    }
    out << "Why: in explore mode the pclab names are run by a controlled scheduler that tries many "
           "thread interleavings; std ones would run outside that scheduler, so the exploration "
           "checks could not see or control those threads.\n";
    return out.str();
}

}  // namespace pclab::grader
