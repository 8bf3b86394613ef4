#pragma once

// Latency samples and number formatting shared by the benchmark clients
// (lunchbench, lunchbench-restart).

#include <algorithm>
#include <chrono>
#include <iomanip>
#include <sstream>
#include <string>
#include <vector>

namespace lunch::bench {

/// Durations kept as doubles in the unit `Period` (std::milli, std::micro).
template <class Period>
class duration_samples {
public:
  void add(std::chrono::steady_clock::duration d) {
    values_.push_back(std::chrono::duration<double, Period>(d).count());
  }

  /// Nearest rank on the sorted samples; 0 without samples.
  double percentile(double p) {
    if (values_.empty())
      return 0;
    std::sort(values_.begin(), values_.end());
    auto rank
      = static_cast<size_t>(p / 100.0 * static_cast<double>(values_.size()));
    return values_[std::min(rank, values_.size() - 1)];
  }

  double max() const {
    return values_.empty() ? 0
                           : *std::max_element(values_.begin(), values_.end());
  }

  double mean() const {
    if (values_.empty())
      return 0;
    double sum = 0;
    for (auto x : values_)
      sum += x;
    return sum / static_cast<double>(values_.size());
  }

  size_t size() const {
    return values_.size();
  }

private:
  std::vector<double> values_;
};

inline std::string fixed(double x, int digits) {
  std::ostringstream os;
  os << std::fixed << std::setprecision(digits) << x;
  return os.str();
}

} // namespace lunch::bench
