// The peers the kit's queues are measured against, each behind its adapter; the ones without
// task_done/join get it from the one shared JoinBookkeeping wrapper.
#include <oneapi/tbb/version.h>
#include <boost/version.hpp>

#include <cstdint>
#include <string>

#include "adapters/boost_fibers_channel.hpp"
#include "adapters/boost_sync_bounded_queue.hpp"
#include "adapters/join_bookkeeping.hpp"
#include "adapters/moodycamel_semaphore_queue.hpp"
#include "adapters/tbb_bounded_queue.hpp"
#include "adapters/textbook_semaphore_buffer.hpp"
#include "queue_benchmark.hpp"

namespace {

using Item = std::uint64_t;
using pclab_bench::JoinBookkeeping;
using pclab_bench::register_queue_benchmarks;

// Peers come after the kit's own queues in the report (ranks below 10).
constexpr int kFirstPeerRank = 10;

const std::string kBoost = "Boost " + std::to_string(BOOST_VERSION / 100000) + "." +
                           std::to_string(BOOST_VERSION / 100 % 1000);

template <template <class> class Queue>
bool register_peer(const std::string& id, const std::string& title, int rank) {
    return register_queue_benchmarks<Queue<Item>, JoinBookkeeping<Queue<Item>>>(id, title, rank);
}

[[maybe_unused]] const bool registered =
    register_peer<pclab_bench::TextbookSemaphoreBuffer>(
        "textbook-sem", "textbook semaphore buffer: ring, 2 POSIX sem_t, 1 mutex",
        kFirstPeerRank) &&
    register_peer<pclab_bench::TbbBoundedQueue>(
        "tbb", std::string("tbb::concurrent_bounded_queue (oneTBB ") + TBB_VERSION_STRING + ")",
        kFirstPeerRank + 1) &&
    register_peer<pclab_bench::MoodycamelSemaphoreQueue>(
        "moodycamel", "moodycamel::BlockingConcurrentQueue + free-slot semaphore",
        kFirstPeerRank + 2) &&
    register_peer<pclab_bench::BoostSyncBoundedQueue>(
        "boost-sync", "boost::concurrent::sync_bounded_queue (" + kBoost + ")",
        kFirstPeerRank + 3) &&
    register_peer<pclab_bench::BoostFibersChannel>(
        "boost-fiber",
        "boost::fibers::buffered_channel (" + kBoost + "; holds 1, 15, 1023 at 1, 16, 1024)",
        kFirstPeerRank + 4);

}  // namespace
