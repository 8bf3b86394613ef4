#include "actors/maintenance/maintenance_rules.hpp"

#include <map>

#include "actors/recommend/calendar_days.hpp"

namespace lunch {

std::optional<std::string> party_cutoff(std::string_view today) {
  // A day-number difference, not a string compare: the old task compared
  // "YYYY-MM-DD" text with a datetime's text.
  auto day = rec::parse_day(today);
  if (!day)
    return std::nullopt;
  return rec::format_day(*day - party_retention_days);
}

std::string shard_request_id(const std::string& request_id, int32_t shard) {
  if (request_id.empty())
    return {};
  return request_id + ":" + std::to_string(shard);
}

cleanup_counts sum_cleanup(const std::vector<cleanup_counts>& per_shard) {
  cleanup_counts total;
  total.shard = -1;
  for (const auto& x : per_shard) {
    total.parties += x.parties;
    total.members += x.members;
    total.notifications += x.notifications;
  }
  return total;
}

std::vector<analytics_counts>
merge_counts(const std::vector<std::vector<analytics_counts>>& per_shard) {
  std::map<std::string, analytics_counts> by_user;
  for (const auto& shard : per_shard)
    for (const auto& x : shard) {
      auto& sum = by_user[x.employee_id];
      sum.employee_id = x.employee_id;
      sum.parties_joined += x.parties_joined;
      sum.parties_hosted += x.parties_hosted;
      sum.points_earned += x.points_earned;
      sum.points_today += x.points_today;
    }
  std::vector<analytics_counts> out;
  out.reserve(by_user.size());
  for (auto& entry : by_user)
    out.push_back(std::move(entry.second));
  return out;
}

std::vector<std::vector<analytics_counts>>
split_by_shard(const std::vector<analytics_counts>& counts,
               const slot_map& slots) {
  std::vector<std::vector<analytics_counts>> out(
    static_cast<size_t>(slots.shards()));
  for (const auto& x : counts)
    out[static_cast<size_t>(slots.shard_of_key(x.employee_id))].push_back(x);
  return out;
}

const std::vector<std::string>& preference_types() {
  static const std::vector<std::string> types{"lunch_preference",
                                              "food_preference", "allergies",
                                              "preferred_time",
                                              "frequent_areas"};
  return types;
}

} // namespace lunch
