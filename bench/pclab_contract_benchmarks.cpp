// One queue written to the kit's pclab::Queue<T> contract (the kit's reference, lab 06's, a
// student's), registered under the id, title and rank bench/CMakeLists.txt gives it.
//
// This file is compiled once per such queue, each time with PCLAB_BENCH_QUEUE_HEADER naming
// that queue's header and with the name `pclab` renamed (-Dpclab=pclab_contract_<id>): every
// one of these queues is `pclab::Queue<T>`, and two different definitions of one class template
// in one program would let the linker keep one of them for both (an ODR violation that silently
// benchmarks the same queue twice). Renamed, each translation unit has its own class, and its
// own copy of <pclab/sync.hpp>'s names, with nothing shared but the std types underneath.
#include <cstdint>

#include PCLAB_BENCH_QUEUE_HEADER
#include "adapters/pclab_queue.hpp"
#include "queue_benchmark.hpp"

namespace {

using ContractQueue = pclab_bench::PclabContractQueue<pclab::Queue<std::uint64_t>>;

[[maybe_unused]] const bool registered =
    pclab_bench::register_queue_benchmarks<ContractQueue, ContractQueue>(
        PCLAB_BENCH_QUEUE_ID, PCLAB_BENCH_QUEUE_TITLE, PCLAB_BENCH_QUEUE_RANK);

}  // namespace
