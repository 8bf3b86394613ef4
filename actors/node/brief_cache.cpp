#include "actors/node/brief_cache.hpp"

namespace lunch {

brief_cache::brief_cache(size_t capacity, clock::duration max_age)
    : capacity_(capacity), max_age_(max_age) {
}

std::optional<member_view> brief_cache::find(const std::string& id,
                                             clock::time_point now) const {
  auto i = entries_.find(id);
  if (i == entries_.end() || now - i->second.fetched >= max_age_)
    return std::nullopt;
  return i->second.brief;
}

void brief_cache::put(member_view brief, clock::time_point now) {
  if (capacity_ == 0)
    return;
  brief.is_host = false;
  auto i = entries_.find(brief.employee_id);
  if (i == entries_.end() && entries_.size() >= capacity_)
    entries_.clear();
  auto id = brief.employee_id;
  entries_[id] = entry{std::move(brief), now};
}

void brief_cache::forget(const std::string& id) {
  entries_.erase(id);
}

} // namespace lunch
