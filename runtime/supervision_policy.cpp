#include "runtime/supervision_policy.hpp"

#include <algorithm>
#include <cmath>

namespace lunch::supervision {

std::string to_string(strategy x) {
  switch (x) {
    case strategy::one_for_one:
      return "one_for_one";
    case strategy::one_for_all:
      return "one_for_all";
    case strategy::rest_for_one:
      return "rest_for_one";
  }
  return "?";
}

std::string to_string(restart x) {
  switch (x) {
    case restart::permanent:
      return "permanent";
    case restart::transient:
      return "transient";
    case restart::temporary:
      return "temporary";
  }
  return "?";
}

bool should_restart(restart type, bool abnormal) {
  switch (type) {
    case restart::permanent:
      return true;
    case restart::transient:
      return abnormal;
    case restart::temporary:
      return false;
  }
  return false;
}

std::vector<size_t> restart_group(strategy s, size_t failed, size_t count) {
  std::vector<size_t> group;
  size_t first = 0;
  switch (s) {
    case strategy::one_for_one:
      return {failed};
    case strategy::one_for_all:
      first = 0;
      break;
    case strategy::rest_for_one:
      first = failed;
      break;
  }
  for (size_t i = first; i < count; ++i)
    group.push_back(i);
  return group;
}

void restart_window::expire(clock::time_point now) {
  while (!stamps_.empty() && now - stamps_.front() >= limit_.period)
    stamps_.pop_front();
}

bool restart_window::record(clock::time_point now) {
  expire(now);
  stamps_.push_back(now);
  return stamps_.size()
         <= static_cast<size_t>(std::max(0, limit_.max_restarts));
}

size_t restart_window::count(clock::time_point now) {
  expire(now);
  return stamps_.size();
}

millis backoff::next(clock::time_point now) {
  if (streak_ > 0 && now - last_failure_ >= policy_.reset_after)
    streak_ = 0;
  last_failure_ = now;
  ++streak_;
  if (streak_ == 1)
    return millis{0};
  auto base = static_cast<double>(policy_.min.count())
              * std::pow(policy_.factor, streak_ - 2);
  auto cap = static_cast<double>(policy_.max.count());
  base = std::min(base, cap);
  double scale = 1.0;
  if (policy_.jitter > 0) {
    std::uniform_real_distribution<double> dist(-policy_.jitter,
                                                policy_.jitter);
    scale += dist(rng_);
  }
  auto delay = std::clamp(base * scale, 0.0, cap);
  return millis{static_cast<int64_t>(std::llround(delay))};
}

} // namespace lunch::supervision
