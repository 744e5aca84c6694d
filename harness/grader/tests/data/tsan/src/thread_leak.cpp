// A thread that is never joined.
#include <pthread.h>

void* produce(void*) {
    return nullptr;
}

int main() {
    pthread_t producer;
    pthread_create(&producer, nullptr, produce, nullptr);
    // missing: pthread_join(producer, nullptr);
    return 0;
}
