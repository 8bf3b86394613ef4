#include "actors/jobs/job_rules.hpp"

#include <algorithm>

namespace lunch::jobs {

policies policies_with(const policies& configured) {
  policies out;
  for (auto& k : kinds()) {
    auto i = configured.find(k);
    out[k] = i == configured.end() ? kind_policy{} : i->second;
  }
  return out;
}

int64_t retry_delay_ms(const kind_policy& p, int32_t attempt) {
  int64_t delay = p.retry_backoff_ms;
  for (int32_t i = 1; i < attempt && delay < 60000; ++i)
    delay *= 2;
  return std::min<int64_t>(delay, 60000);
}

double success_rate(int64_t success, int64_t total) {
  return total == 0
           ? 0.0
           : static_cast<double>(success) * 100.0 / static_cast<double>(total);
}

} // namespace lunch::jobs
