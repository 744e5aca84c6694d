// Test helper for isolated_process_test: allocates memory step by step, touching every page so
// it becomes resident, until it has allocated <max MiB> or allocation fails.
//
//   memory_hog <step MiB> <max MiB>
//
// Prints "allocated N MiB" after each step. Exits 0 after reaching the maximum, 3 with
// "bad_alloc after N MiB" when operator new fails (an address-space limit), 2 on bad usage.
#include <cstddef>
#include <cstdio>
#include <cstdlib>
#include <new>
#include <vector>

int main(int argc, char** argv) {
    if (argc != 3) {
        std::fprintf(stderr, "usage: memory_hog <step MiB> <max MiB>\n");
        return 2;
    }
    const std::size_t step_mib = std::strtoul(argv[1], nullptr, 10);
    const std::size_t max_mib = std::strtoul(argv[2], nullptr, 10);
    constexpr std::size_t mib = std::size_t{1024} * 1024;
    constexpr std::size_t page = 4096;
    std::vector<char*> blocks;
    std::size_t allocated_mib = 0;
    while (allocated_mib < max_mib) {
        char* block = nullptr;
        try {
            block = new char[step_mib * mib];
        } catch (const std::bad_alloc&) {
            std::printf("bad_alloc after %zu MiB\n", allocated_mib);
            return 3;
        }
        // Writing one byte per page makes the kernel back the whole block with real memory.
        for (std::size_t offset = 0; offset < step_mib * mib; offset += page) {
            block[offset] = 1;
        }
        blocks.push_back(block);
        allocated_mib += step_mib;
        std::printf("allocated %zu MiB\n", allocated_mib);
        std::fflush(stdout);
    }
    return 0;
}
