// Two threads push_back into one std::vector without a lock.
#include <thread>
#include <vector>

std::vector<int> results;

void append(int value) {
    results.push_back(value);  // racy: no lock
}

int main() {
    std::thread first([] {
        for (int i = 0; i < 100; ++i)
            append(i);
    });
    std::thread second([] {
        for (int i = 0; i < 100; ++i)
            append(i);
    });
    first.join();
    second.join();
    return 0;
}
