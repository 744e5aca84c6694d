// The "student file" of the recordings: append() races on the vector.
#pragma once
#include <vector>

namespace pclab {
class RecordedResults {
  public:
    void append(int value) {
        values_.push_back(value);  // racy: no lock
    }

  private:
    std::vector<int> values_;
};
}  // namespace pclab
