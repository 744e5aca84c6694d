// The lab 06 demo: your queue against the textbook queue, in one process, round after round:
// items per second for each, the ratio, and whether the machine had two free cores around each
// pair (the performance check only counts pairs that did). Predict the ratio, then measure it.
//
//   ./pclab run 06                              1 producer, 1 consumer, maxsize 1 (the check:
//                                               every item is a hand-over)
//   ./pclab run 06 -- -m 16                     a little room: does the textbook queue still sleep?
//   ./pclab run 06 -- -p 4 -c 4 -m 1024         more threads than cores, a roomy queue
//   ./pclab run 06 --impl unsafe:spins_without_sleeping -- -m 1
//
// Built with -O2 whatever the tree's build type (OPTIMISED in CMakeLists.txt): the numbers are
// the design's, not the debugger's. Exit status: 0, or 2 if a queue threw (say, not implemented
// yet) or lost or reordered an item.
#include <CLI/CLI.hpp>

#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <exception>
#include <string>
#include <vector>

#include "../baseline/textbook_queue.hpp"
#include "../tests/free_cores_probe.hpp"
#include "../tests/throughput_round.hpp"
#include "queue.hpp"

namespace {

struct Flags {
    int producers = 1;
    int consumers = 1;
    std::size_t maxsize = 1;
    double seconds = 0.2;  // the length of one round, roughly
    int rounds = 5;
};

// Runs one round of queue type Q with about `items` items in all; throws what a worker threw.
template <class Q>
lab06::RoundResult round_of(const Flags& flags, std::int64_t items) {
    Q queue(flags.maxsize);
    const std::int64_t shares = static_cast<std::int64_t>(flags.producers) * flags.consumers;
    const std::int64_t per_producer = std::max<std::int64_t>(1, items / shares) * flags.consumers;
    lab06::RoundResult result =
        lab06::run_round(queue, flags.producers, flags.consumers, per_producer);
    if (result.error) {
        std::rethrow_exception(result.error);
    }
    if (!result.delivered_in_order) {
        throw std::runtime_error("an item was lost, duplicated or reordered");
    }
    return result;
}

double median(std::vector<double> values) {
    std::sort(values.begin(), values.end());
    return values[values.size() / 2];
}

}  // namespace

int main(int argc, char** argv) {
    Flags flags;
    CLI::App app{
        "Lab 06 demo: producers and consumers move items through your Queue and through the "
        "textbook queue (one mutex, two condition variables), round after round; prints items/s "
        "of each and the ratio."};
    app.add_option("-p,--producers", flags.producers, "producer threads")->check(CLI::Range(1, 64));
    app.add_option("-c,--consumers", flags.consumers, "consumer threads")->check(CLI::Range(1, 64));
    app.add_option("-m,--maxsize", flags.maxsize, "the queues' bound (0: unbounded)");
    app.add_option("-s,--seconds", flags.seconds, "about how long one round lasts")
        ->check(CLI::Range(0.01, 10.0));
    app.add_option("-r,--rounds", flags.rounds, "pairs of rounds")->check(CLI::Range(1, 100));
    CLI11_PARSE(app, argc, argv);

    using Textbook = pclab::baseline::TextbookQueue<lab06::Item>;
    using Yours = pclab::Queue<lab06::Item>;
    std::printf("%d producer(s), %d consumer(s), maxsize %zu, %d pairs of rounds of ~%.2f s\n",
                flags.producers, flags.consumers, flags.maxsize, flags.rounds, flags.seconds);
    try {
        // A warm-up round of each sizes the rounds to about flags.seconds.
        const std::int64_t warm_up = 2000;
        const auto sized = [&](double items_per_second) {
            return std::max<std::int64_t>(
                warm_up, static_cast<std::int64_t>(items_per_second * flags.seconds));
        };
        const std::int64_t textbook_items =
            sized(round_of<Textbook>(flags, warm_up).items_per_second);
        const std::int64_t your_items = sized(round_of<Yours>(flags, warm_up).items_per_second);

        std::vector<double> ratios;
        for (int pair = 0; pair < flags.rounds; ++pair) {
            const double before = lab06::free_core_share();
            const double textbook = round_of<Textbook>(flags, textbook_items).items_per_second;
            const double yours = round_of<Yours>(flags, your_items).items_per_second;
            const double after = lab06::free_core_share();
            ratios.push_back(yours / textbook);
            std::printf(
                "pair %d: textbook %9.0f items/s   yours %9.0f items/s   ratio %6.2fx   "
                "free-core share %.2f%s\n",
                pair + 1, textbook, yours, yours / textbook, std::min(before, after),
                std::min(before, after) < 0.8 ? "  (busy machine: not a fair pair)" : "");
        }
        std::printf("median ratio %.2fx (the performance check needs 3x at 1/1, maxsize 1)\n",
                    median(ratios));
    } catch (const std::exception& caught) {
        std::fprintf(stderr, "the queue failed: %s\n", caught.what());
        return 2;
    }
    return 0;
}
