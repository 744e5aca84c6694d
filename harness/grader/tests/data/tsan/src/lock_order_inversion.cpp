// Two threads take two mutexes in opposite orders (never at the same time, so no real hang).
#include <mutex>
#include <thread>

std::mutex producers_lock;
std::mutex consumers_lock;

void lock_producers_then_consumers() {
    std::lock_guard<std::mutex> first(producers_lock);
    std::lock_guard<std::mutex> second(consumers_lock);
}

void lock_consumers_then_producers() {
    std::lock_guard<std::mutex> first(consumers_lock);
    std::lock_guard<std::mutex> second(producers_lock);
}

int main() {
    std::thread one(lock_producers_then_consumers);
    one.join();
    std::thread two(lock_consumers_then_producers);
    two.join();
    return 0;
}
