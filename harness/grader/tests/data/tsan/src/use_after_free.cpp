// A consumer reads an item after the producer's thread has deleted it (joined, so no race:
// TSan reports the use after free itself).
#include <thread>

int main() {
    int* item = new int(42);
    std::thread producer([item] { delete item; });
    producer.join();
    int seen = 0;
    std::thread consumer([item, &seen] { seen = *item; });
    consumer.join();
    return seen == 42 ? 0 : 1;
}
