#include "actors/recommend/rec_world.hpp"

#include <algorithm>

#include "actors/recommend/natural_order.hpp"
#include "actors/recommend/random_terms.hpp"

namespace lunch::rec {

namespace {

bool by_natural_order(const std::vector<person>& people, int32_t a, int32_t b) {
  return natural_less(people[a].profile.employee_id,
                      people[b].profile.employee_id);
}

} // namespace

void world::load(const std::vector<rec_shard_snapshot>& shards) {
  *this = world{};
  for (auto& shard : shards)
    for (auto& user : shard.users) {
      auto index = static_cast<int32_t>(people_.size());
      people_.emplace_back();
      people_.back().profile = user;
      intern(people_.back());
      index_[user.employee_id] = index;
      order_.push_back(index);
    }
  std::sort(order_.begin(), order_.end(), [this](int32_t a, int32_t b) {
    return by_natural_order(people_, a, b);
  });
  for (auto& shard : shards) {
    for (auto& count : shard.counts)
      if (auto i = find(count.employee_id); i >= 0)
        people_[i].attrs.parties += static_cast<int32_t>(count.parties);
    for (auto& busy : shard.busy) {
      auto i = find(busy.employee_id);
      auto day = parse_day(busy.date);
      if (i >= 0 && day)
        party_busy_[*day][i].insert(busy.party_id);
    }
    for (auto& dined : shard.dined) {
      auto a = find(dined.host);
      auto b = find(dined.member);
      auto day = parse_day(dined.date);
      if (a >= 0 && b >= 0 && day)
        note_dined(a, b, *day);
    }
    for (auto& entry : shard.calendar)
      if (auto i = find(entry.employee_id); i >= 0)
        if (auto rule = rule_of(entry))
          people_[i].calendar.push_back(*rule);
  }
}

change_scope world::apply(const rec_change& change) {
  change_scope scope;
  if (change.kind == "user_upsert") {
    add_or_update(change.user);
    scope.all_days = true;
  } else if (change.kind == "user_delete") {
    auto i = find(change.user.employee_id);
    if (i >= 0) {
      people_[i].present = false;
      index_.erase(change.user.employee_id);
      order_.erase(std::find(order_.begin(), order_.end(), i));
    }
    scope.all_days = true;
  } else if (change.kind == "member_add" || change.kind == "member_remove") {
    auto i = find(change.busy.employee_id);
    auto day = parse_day(change.busy.date);
    if (i < 0 || !day)
      return scope;
    auto& per_user = party_busy_[*day];
    if (change.kind == "member_add") {
      if (per_user[i].insert(change.busy.party_id).second)
        ++people_[i].attrs.parties;
    } else if (auto j = per_user.find(i);
               j != per_user.end() && j->second.erase(change.busy.party_id)) {
      people_[i].attrs.parties = std::max(0, people_[i].attrs.parties - 1);
      if (j->second.empty())
        per_user.erase(j);
    }
    scope.days.push_back(*day);
  } else if (change.kind == "calendar_add"
             || change.kind == "calendar_delete") {
    auto i = find(change.entry.employee_id);
    auto rule = rule_of(change.entry);
    if (i < 0 || !rule)
      return scope;
    auto& rules = people_[i].calendar;
    rules.erase(std::remove_if(rules.begin(), rules.end(),
                               [&](auto& r) { return r.id == rule->id; }),
                rules.end());
    if (change.kind == "calendar_add")
      rules.push_back(*rule);
    if (rule->unit == 0)
      scope.days.push_back(rule->first);
    else
      scope.all_days = true;
  }
  return scope;
}

int32_t world::find(const std::string& employee_id) const {
  auto i = index_.find(employee_id);
  return i == index_.end() ? -1 : i->second;
}

bool world::busy(int32_t index, day_t day) const {
  if (auto d = party_busy_.find(day); d != party_busy_.end())
    if (d->second.count(index) > 0)
      return true;
  for (auto& rule : people_[index].calendar)
    if (occurs_on(rule, day))
      return true;
  return false;
}

std::vector<int32_t> world::available(day_t day) const {
  std::vector<int32_t> result;
  result.reserve(order_.size());
  for (auto i : order_)
    if (!busy(i, day))
      result.push_back(i);
  return result;
}

std::optional<day_t> world::last_dined(int32_t a, int32_t b) const {
  auto i = dined_.find(pair_key(a, b));
  if (i == dined_.end())
    return std::nullopt;
  return i->second;
}

int32_t world::add_or_update(const rec_user& user) {
  if (auto i = find(user.employee_id); i >= 0) {
    people_[i].profile = user;
    intern(people_[i]);
    return i;
  }
  auto index = static_cast<int32_t>(people_.size());
  people_.emplace_back();
  people_.back().profile = user;
  intern(people_.back());
  index_[user.employee_id] = index;
  auto pos = std::lower_bound(order_.begin(), order_.end(), index,
                              [this](int32_t a, int32_t b) {
                                return by_natural_order(people_, a, b);
                              });
  order_.insert(pos, index);
  return index;
}

void world::intern(person& p) {
  p.key_hash = fnv(p.profile.employee_id);
  p.attrs.genre = intern_value(genres_, p.profile.main_dish_genre);
  p.attrs.age = intern_value(ages_, p.profile.age_group);
  p.attrs.gender = intern_value(genders_, p.profile.gender);
}

int32_t world::intern_value(std::unordered_map<std::string, int32_t>& table,
                            const std::string& value) {
  if (value.empty())
    return 0;
  auto [i, added] = table.emplace(value,
                                  static_cast<int32_t>(table.size()) + 1);
  return i->second;
}

void world::note_dined(int32_t a, int32_t b, day_t day) {
  auto [i, added] = dined_.emplace(pair_key(a, b), day);
  if (!added && i->second < day)
    i->second = day;
}

uint64_t world::pair_key(int32_t a, int32_t b) {
  auto lo = static_cast<uint64_t>(std::min(a, b));
  auto hi = static_cast<uint64_t>(std::max(a, b));
  return (hi << 32) | lo;
}

} // namespace lunch::rec
