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
  if (entries_.size() >= capacity_ && entries_.count(brief.employee_id) == 0)
    entries_.clear();
  auto& slot = entries_[brief.employee_id];
  slot = entry{std::move(brief), now};
}

void brief_cache::forget(const std::string& id) {
  entries_.erase(id);
}

} // namespace lunch
