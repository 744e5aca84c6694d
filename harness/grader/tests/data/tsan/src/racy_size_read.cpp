// size() reads the count without the lock that append() holds.
#include <cstddef>
#include <mutex>
#include <thread>

class ResultList {
  public:
    void append(int value) {
        std::lock_guard<std::mutex> lock(mutex_);
        last_ = value;
        ++count_;
    }
    std::size_t size() const {
        return count_;  // racy: reads without the mutex
    }

  private:
    mutable std::mutex mutex_;
    int last_ = 0;
    std::size_t count_ = 0;
};

int main() {
    ResultList* list = new ResultList;
    std::thread writer([list] {
        for (int i = 0; i < 100; ++i)
            list->append(i);
    });
    std::size_t seen = 0;
    std::thread reader([list, &seen] {
        for (int i = 0; i < 100; ++i)
            seen += list->size();
    });
    writer.join();
    reader.join();
    delete list;
    return seen > 0 ? 0 : 0;
}
