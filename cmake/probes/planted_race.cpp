// A deliberate data race: the configure step of a `thread` tree runs this and requires
// ThreadSanitizer to report it, so a toolchain whose TSan silently reports nothing is caught
// before any student is told their racy code is clean.
#include <thread>

namespace {
int shared_counter = 0;  // written by two threads with nothing ordering the writes
}

int main() {
    std::thread other([] { ++shared_counter; });
    ++shared_counter;
    other.join();
    return 0;
}
