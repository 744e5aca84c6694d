#include "pclab/testkit/exactly_once_ledger.hpp"

#include <map>
#include <sstream>
#include <stdexcept>
#include <string>

#include "pclab/testkit/failure_category.hpp"

namespace pclab::testkit {
namespace {

std::string describe(const TaggedItem& item) {
    return "item " + std::to_string(item.sequence) + " of producer " +
           std::to_string(item.producer);
}

std::string times(std::size_t count) {
    switch (count) {
        case 1:
            return "once";
        case 2:
            return "twice";
        default:
            return std::to_string(count) + " times";
    }
}

// "consumer 1", "consumer 1 and consumer 3", "consumer 1, consumer 2 and consumer 3"
std::string consumer_list(const std::vector<int>& consumers) {
    std::string text;
    for (std::size_t i = 0; i < consumers.size(); ++i) {
        if (i > 0) {
            text += i + 1 == consumers.size() ? " and " : ", ";
        }
        text += "consumer " + std::to_string(consumers[i]);
    }
    return text;
}

// One kind of violation: the first is on the tagged line, a few more follow, then a count.
class ViolationList {
  public:
    ViolationList(std::string_view category, std::string summary_noun)
        : category_(category), summary_noun_(std::move(summary_noun)) {}

    void add(std::string line) {
        if (lines_.size() < max_listed_) {
            lines_.push_back(std::move(line));
        }
        ++count_;
    }
    void set_max_listed(std::size_t max_listed) { max_listed_ = max_listed == 0 ? 1 : max_listed; }
    bool empty() const { return count_ == 0; }

    void write_to(std::ostream& out) const {
        if (count_ == 0) {
            return;
        }
        out << tag(category_) << lines_.front();
        if (count_ > 1) {
            out << " (" << count_ << " " << summary_noun_ << " in all)";
        }
        out << "\n";
        for (std::size_t i = 1; i < lines_.size(); ++i) {
            out << "  " << lines_[i] << "\n";
        }
        if (count_ > lines_.size()) {
            out << "  ... and " << count_ - lines_.size() << " more not listed\n";
        }
    }

  private:
    std::string_view category_;
    std::string summary_noun_;
    std::vector<std::string> lines_;
    std::size_t count_ = 0;
    std::size_t max_listed_ = 5;
};

}  // namespace

ExactlyOnceLedger::ExactlyOnceLedger(int producers, int consumers) {
    if (producers < 0 || consumers < 0) {
        throw std::invalid_argument("ExactlyOnceLedger: counts must not be negative");
    }
    producers_.resize(static_cast<std::size_t>(producers));
    consumers_.resize(static_cast<std::size_t>(consumers));
}

void ExactlyOnceLedger::record_put(int producer, std::int64_t sequence) {
    producers_.at(static_cast<std::size_t>(producer)).sequences.push_back(sequence);
}

void ExactlyOnceLedger::record_got(int consumer, TaggedItem item) {
    consumers_.at(static_cast<std::size_t>(consumer)).items.push_back(item);
}

std::size_t ExactlyOnceLedger::puts() const {
    std::size_t total = 0;
    for (const ProducerLog& log : producers_) {
        total += log.sequences.size();
    }
    return total;
}

std::size_t ExactlyOnceLedger::gots() const {
    std::size_t total = 0;
    for (const ConsumerLog& log : consumers_) {
        total += log.items.size();
    }
    return total;
}

::testing::AssertionResult ExactlyOnceLedger::verify(Options options) const {
    // Here: every recording thread was joined, so reading all logs from this thread is safe.
    struct Tally {
        std::size_t put = 0;
        std::vector<int> got_by;  // consumer ids, in consumer-id order
    };
    std::map<TaggedItem, Tally> tally;
    for (std::size_t p = 0; p < producers_.size(); ++p) {
        for (const std::int64_t sequence : producers_[p].sequences) {
            ++tally[TaggedItem{static_cast<int>(p), sequence}].put;
        }
    }
    for (std::size_t c = 0; c < consumers_.size(); ++c) {
        for (const TaggedItem& item : consumers_[c].items) {
            tally[item].got_by.push_back(static_cast<int>(c));
        }
    }

    ViolationList lost(category::kLostItem, "items lost");
    ViolationList duplicated(category::kDuplicateItem, "items got too often");
    ViolationList invented(category::kWrongResult, "items got that were never put");
    ViolationList out_of_order(category::kOrderViolated, "out-of-order pairs");
    for (ViolationList* list : {&lost, &duplicated, &invented, &out_of_order}) {
        list->set_max_listed(options.max_listed);
    }

    for (const auto& [item, counts] : tally) {
        const std::size_t got = counts.got_by.size();
        if (counts.put == 0) {
            invented.add(describe(item) + " was got (by " + consumer_list(counts.got_by) +
                         ") but never put");
        } else if (got < counts.put) {
            lost.add(counts.put == 1 ? describe(item) + " was put but never got"
                                     : describe(item) + " was put " + times(counts.put) +
                                           " but got " + times(got));
        } else if (got > counts.put) {
            duplicated.add(describe(item) + " was got " + times(got) + " (by " +
                           consumer_list(counts.got_by) + ")" +
                           (counts.put == 1 ? "" : " but put " + times(counts.put)));
        }
    }

    if (options.per_producer_fifo) {
        for (std::size_t c = 0; c < consumers_.size(); ++c) {
            std::map<int, TaggedItem> last_from;  // producer -> latest item this consumer got
            for (const TaggedItem& item : consumers_[c].items) {
                const auto [previous, first_from_producer] =
                    last_from.try_emplace(item.producer, item);
                if (!first_from_producer) {
                    if (item.sequence < previous->second.sequence) {
                        out_of_order.add("consumer " + std::to_string(c) + " got " +
                                         describe(previous->second) + " before " + describe(item) +
                                         ", but it was put later");
                    }
                    previous->second = item;
                }
            }
        }
    }

    if (lost.empty() && duplicated.empty() && invented.empty() && out_of_order.empty()) {
        return ::testing::AssertionSuccess();
    }
    std::ostringstream message;
    for (const ViolationList* list : {&lost, &duplicated, &invented, &out_of_order}) {
        list->write_to(message);
    }
    message << "(" << puts() << " puts and " << gots() << " gets recorded)";
    return ::testing::AssertionFailure() << message.str();
}

}  // namespace pclab::testkit
