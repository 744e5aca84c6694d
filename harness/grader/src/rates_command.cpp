#include "rates_command.hpp"

#include <stdlib.h>

#include <algorithm>
#include <array>
#include <chrono>
#include <fstream>
#include <iomanip>
#include <iostream>
#include <map>
#include <optional>
#include <set>
#include <sstream>

#include "grade_command.hpp"
#include "grading_run.hpp"
#include "lab_catalog.hpp"
#include "measurement_record.hpp"

namespace pclab::grader {
namespace {

// The promise the labs make: a variant is caught in at least 19 of 20 grading runs.
constexpr double kRequiredCatchRate = 19.0 / 20.0;

// The techniques a check build stands for, in table order.
constexpr std::array<std::pair<std::string_view, std::string_view>, 3> kTechniques = {{
    {"tsan", "TSan stress"},
    {"plain", "plain stress"},
    {"explore", "exploration"},
}};

struct Tally {
    int runs = 0;
    int hits = 0;  // solution: runs that lost a point; variant: runs caught as declared
    std::map<std::string, int> technique_hits;  // build flavour → runs it caught as declared
    std::set<std::string> techniques_run;       // build flavours some check ran in
    std::map<std::string, int> categories;      // failed checks' categories, over all runs
    std::vector<double> seconds;
    std::vector<double> schedules_to_failure;  // per run that explored into a failure
    std::vector<double> exploration_seconds;   // the failing exploration's wall time
};

double median(std::vector<double> values) {
    if (values.empty()) {
        return 0;
    }
    std::sort(values.begin(), values.end());
    return values[values.size() / 2];
}

std::string category_summary(const std::map<std::string, int>& categories) {
    std::string text;
    for (const auto& [category, count] : categories) {
        text += (text.empty() ? "" : ", ") + category + " ×" + std::to_string(count);
    }
    return text.empty() ? "—" : text;
}

}  // namespace

int measure_rates(const RatesOptions& options) {
    LabCatalog catalog;
    std::vector<const Lab*> labs;
    try {
        catalog = LabCatalog::load(options.root);
        if (options.labs.empty()) {
            for (const Lab& lab : catalog.labs()) {
                labs.push_back(&lab);
            }
        } else {
            for (const std::string& name : options.labs) {
                labs.push_back(&catalog.resolve(name));
            }
        }
    } catch (const CatalogError& error) {
        std::cerr << "pclab rates: " << error.what() << '\n';
        return kUsageError;
    }
    if (options.runs < 1) {
        std::cerr << "pclab rates: --runs must be at least 1\n";
        return kUsageError;
    }

    if (!options.explore_strategy.empty()) {
        // Every check process inherits it (pclab/explore/lab_exploration.hpp).
        setenv("PCLAB_EXPLORE_STRATEGY", options.explore_strategy.c_str(), 1);  // NOLINT
    }
    bool promises_kept = true;
    std::ostringstream table;
    table << "| Lab | Implementation | Declared categories | Caught over " << options.runs
          << " grading runs | TSan stress | plain stress | exploration | schedules to the "
             "first failure, median (max) | exploration time, median (max) | Categories of "
             "failed "
             "checks (all runs) | Median grading time |\n"
          << "|---|---|---|---|---|---|---|---|---|---|---|\n";
    for (const Lab* lab : labs) {
        std::vector<std::pair<std::string, const UnsafeVariant*>> impls = {{"solution", nullptr}};
        for (const UnsafeVariant& variant : lab->unsafe_variants) {
            impls.emplace_back("unsafe:" + variant.name, &variant);
        }
        for (const auto& [impl, variant] : impls) {
            Tally tally;
            const auto declared_category = [variant = variant](const std::string& category) {
                return variant != nullptr &&
                       std::find(variant->expected_categories.begin(),
                                 variant->expected_categories.end(),
                                 category) != variant->expected_categories.end();
            };
            for (int i = 0; i < options.runs; ++i) {
                GradeOptions grade;
                grade.root = options.root;
                grade.labs = {lab->id};
                grade.impl = impl;
                grade.seed = options.first_seed + static_cast<std::uint64_t>(i);
                grade.builds = options.builds;
                grade.every_build = true;  // each technique's rate, not just the verdict
                grade.build = true;        // a no-op once the implementation is built
                GradingRun run;
                if (const int status = run_grading(grade, run); status != kGraded) {
                    return status;
                }
                ++tally.runs;
                tally.seconds.push_back(static_cast<double>(run.duration.count()) / 1000.0);
                bool lost_points = false;
                bool caught_as_declared = false;
                std::set<std::string> caught_by;
                std::optional<ExploreStatistic> first_failure;
                for (const LabResult& result : run.labs) {
                    for (const CheckResult& check : result.checks) {
                        tally.techniques_run.insert(check.builds.begin(), check.builds.end());
                        for (const ExploreStatistic& statistic : check.explore_statistics) {
                            if (statistic.failed && !first_failure) {
                                first_failure = statistic;
                            }
                        }
                        for (const auto& [flavour, category] : check.failed_builds) {
                            if (declared_category(category)) {
                                caught_by.insert(flavour);
                            }
                        }
                        if (result.awarded(check) == check.max_score) {
                            continue;
                        }
                        lost_points = true;
                        const std::string category = result.category_of(check);
                        ++tally.categories[category];
                        caught_as_declared = caught_as_declared || declared_category(category);
                    }
                }
                for (const std::string& flavour : caught_by) {
                    ++tally.technique_hits[flavour];
                }
                if (first_failure) {
                    tally.schedules_to_failure.push_back(first_failure->schedules);
                    tally.exploration_seconds.push_back(first_failure->seconds);
                }
                tally.hits +=
                    variant == nullptr ? (lost_points ? 1 : 0) : (caught_as_declared ? 1 : 0);
            }

            std::string declared = "— (must score full marks)";
            std::string result;
            if (variant == nullptr) {
                result = std::to_string(tally.hits) + " false failures";
                promises_kept = promises_kept && tally.hits == 0;
            } else {
                declared.clear();
                for (const std::string& category : variant->expected_categories) {
                    declared += (declared.empty() ? "" : ", ") + ("`" + category + "`");
                }
                result = "caught " + std::to_string(tally.hits) + "/" + std::to_string(tally.runs);
                promises_kept = promises_kept &&
                                static_cast<double>(tally.hits) >= kRequiredCatchRate * tally.runs;
            }
            std::ostringstream row;
            row << "| " << lab->id << " " << lab->slug << " | `" << impl << "` | " << declared
                << " | " << result;
            for (const auto& [flavour, label] : kTechniques) {
                if (!tally.techniques_run.contains(std::string(flavour))) {
                    row << " | not run";
                } else if (variant == nullptr) {
                    row << " | —";
                } else {
                    row << " | " << tally.technique_hits[std::string(flavour)] << "/" << tally.runs;
                }
            }
            if (tally.schedules_to_failure.empty()) {
                row << " | — | —";
            } else {
                const auto longest = [](const std::vector<double>& values) {
                    return *std::max_element(values.begin(), values.end());
                };
                row << std::fixed << std::setprecision(0) << " | "
                    << median(tally.schedules_to_failure) << " (max "
                    << longest(tally.schedules_to_failure) << ") | " << std::setprecision(2)
                    << median(tally.exploration_seconds) << " s (max "
                    << longest(tally.exploration_seconds) << " s)";
            }
            row << std::fixed << std::setprecision(1) << " | " << category_summary(tally.categories)
                << " | " << median(tally.seconds) << " s |\n";
            table << row.str();
            std::cerr << "pclab rates: " << lab->id << " " << impl << ": " << result << '\n';
        }
    }

    std::ostringstream page;
    page << measured_on_today() << " with\n\n    ./pclab rates";
    for (const std::string& lab : options.labs) {
        page << ' ' << lab;
    }
    page << " --runs " << options.runs << " --first-seed " << options.first_seed;
    if (!options.builds.empty()) {
        page << " --builds ";
        for (std::size_t i = 0; i < options.builds.size(); ++i) {
            page << (i == 0 ? "" : ",") << options.builds[i];
        }
    }
    page << " --explore-strategy " << options.explore_strategy
         << "\n\nEach row grades one implementation " << options.runs << " times with seeds "
         << options.first_seed << ".."
         << options.first_seed + static_cast<std::uint64_t>(options.runs) - 1
         << " (every check in the builds the lab declares"
         << (options.builds.empty() ? std::string() : ", only the builds named above")
         << "). A variant is *caught* in a run when at least one check fails in one of its "
            "declared categories; a technique caught it when one of its builds failed in a "
            "declared category. Schedules to the first failure count the schedules of the "
            "strategy that found it (`random,pct` runs random first).\n\n"
         << table.str();
    if (options.output) {
        std::ofstream out(*options.output);
        out << page.str();
        std::cerr << "pclab rates: written to " << options.output->string() << '\n';
    } else {
        std::cout << page.str();
    }
    return promises_kept ? 0 : 1;
}

}  // namespace pclab::grader
