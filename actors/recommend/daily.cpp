#include "actors/recommend/daily.hpp"

#include <algorithm>

#include "actors/recommend/random_terms.hpp"
#include "actors/recommend/scoring.hpp"

namespace lunch::rec {

namespace {

struct scored {
  int32_t index;
  double total;
};

/// Stable descending sort: ties keep DB order.
void sort_descending(std::vector<scored>& xs) {
  std::stable_sort(xs.begin(), xs.end(), [](const scored& a, const scored& b) {
    return a.total > b.total;
  });
}

} // namespace

std::vector<daily_group> daily_groups(const world& w, day_t day, day_t today,
                                      uint64_t seed) {
  std::vector<daily_group> groups;
  auto available = w.available(day);
  auto date = format_day(day);
  for (auto ui : available) {
    if (groups.size() >= daily_group_limit)
      break;
    auto& u = w.at(ui).profile;
    std::vector<scored> candidates;
    for (auto vi : available) {
      if (vi == ui)
        continue;
      auto& v = w.at(vi);
      double total = 0.6 * compat01(u, v.profile);
      total += 0.3 * pattern01(u, v.profile);
      total += 0.1 * daily_term(seed, day, v.key_hash);
      candidates.push_back({vi, total});
    }
    sort_descending(candidates);
    for (size_t c = 0; c + 3 <= candidates.size(); c += 3) {
      if (groups.size() >= daily_group_limit)
        break;
      daily_group group{u.employee_id, date, {}};
      for (size_t k = c; k < c + 3; ++k) {
        auto& v = w.at(candidates[k].index).profile;
        group.recommended_group.push_back(daily_member{
          v.nickname, joined_lunch_styles(v), v.employee_id,
          round2(candidates[k].total),
          dining_label(today, w.last_dined(ui, candidates[k].index))});
      }
      groups.push_back(std::move(group));
    }
  }
  return groups;
}

std::vector<suggest_group> suggest_groups(const world& w, int32_t requester,
                                          day_t day) {
  auto& req = w.at(requester).profile;
  std::vector<scored> candidates;
  for (auto vi : w.available(day))
    if (vi != requester)
      candidates.push_back(
        {vi, static_cast<double>(suggest_score(req, w.at(vi).profile))});
  sort_descending(candidates);
  auto n = candidates.size();
  auto group_count = std::min<size_t>(5, n / 3 + 1);
  std::vector<suggest_group> groups;
  for (size_t g = 0; g < group_count; ++g) {
    suggest_group group;
    for (size_t k = 3 * g; k < std::min(n, 3 * g + 3); ++k) {
      auto& v = w.at(candidates[k].index).profile;
      group.users.push_back(
        suggest_member{v.employee_id, v.nickname, joined_lunch_styles(v),
                       v.main_dish_genre, v.gender, v.age_group});
    }
    if (group.users.empty())
      continue;
    // Groups are disjoint runs of the ranking, so none repeats another.
    group.group_id = static_cast<int32_t>(groups.size()) + 1;
    groups.push_back(std::move(group));
  }
  return groups;
}

int64_t group_score(const std::vector<rec_user>& members, day_t day) {
  auto size = members.size();
  if (size > 4)
    return 0;
  int64_t score = size == 3 ? 30 : size == 4 ? 25 : size == 2 ? 20 : 10;
  for (size_t i = 0; i < size; ++i)
    for (size_t j = i + 1; j < size; ++j) {
      auto& a = members[i];
      auto& b = members[j];
      if (!a.food_preferences.empty() && !b.food_preferences.empty())
        score += 15
                 * static_cast<int64_t>(
                   common_items(a.food_preferences, b.food_preferences));
      if (!a.lunch_styles.empty() && !b.lunch_styles.empty())
        score += 20
                 * static_cast<int64_t>(
                   common_items(a.lunch_styles, b.lunch_styles));
      if (a.preferred_time == b.preferred_time)
        score += 15;
      if (a.allergies == b.allergies)
        score += 10;
    }
  auto r = (day_as_integer(day) * 9301 + 49297) % 233280;
  score += static_cast<int64_t>(static_cast<double>(r) / 233280.0 * 16.0);
  return score;
}

} // namespace lunch::rec
