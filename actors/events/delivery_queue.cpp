#include "actors/events/delivery_queue.hpp"

#include <set>

namespace lunch::events {

void delivery_queue::push(int64_t id, const std::string& entity) {
  if (id <= cursor_)
    return;
  items_.emplace(id, item{entity, state::waiting, {}});
}

std::vector<int64_t> delivery_queue::take_ready(clock::time_point now) {
  std::vector<int64_t> ready;
  // An entity with an earlier event not yet delivered (in flight, waiting
  // or failed) blocks its later events.
  std::set<std::string> blocked;
  for (auto& [id, x] : items_) {
    if (in_flight_ >= window_)
      break;
    if (x.st == state::done)
      continue;
    if (x.st == state::waiting && x.retry_at <= now
        && blocked.count(x.entity) == 0) {
      x.st = state::in_flight;
      ++in_flight_;
      ready.push_back(id);
    }
    blocked.insert(x.entity);
  }
  return ready;
}

void delivery_queue::ack(int64_t id) {
  auto i = items_.find(id);
  if (i == items_.end() || i->second.st != state::in_flight)
    return;
  i->second.st = state::done;
  --in_flight_;
  while (!items_.empty() && items_.begin()->second.st == state::done) {
    cursor_ = items_.begin()->first;
    items_.erase(items_.begin());
  }
}

void delivery_queue::fail(int64_t id, clock::time_point retry_at) {
  auto i = items_.find(id);
  if (i == items_.end() || i->second.st != state::in_flight)
    return;
  i->second.st = state::waiting;
  i->second.retry_at = retry_at;
  --in_flight_;
  ++failures_;
}

std::optional<delivery_queue::clock::time_point>
delivery_queue::next_retry() const {
  std::optional<clock::time_point> earliest;
  for (auto& [id, x] : items_)
    if (x.st == state::waiting && x.retry_at != clock::time_point{}
        && (!earliest || x.retry_at < *earliest))
      earliest = x.retry_at;
  return earliest;
}

} // namespace lunch::events
