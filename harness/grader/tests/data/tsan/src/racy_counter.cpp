// Two threads increment a plain int.
#include <thread>

int counter = 0;

void count_items() {
    for (int i = 0; i < 1000; ++i) {
        ++counter;  // racy: read-modify-write without a lock
    }
}

int main() {
    std::thread first(count_items);
    std::thread second(count_items);
    first.join();
    second.join();
    return counter == 2000 ? 0 : 1;
}
