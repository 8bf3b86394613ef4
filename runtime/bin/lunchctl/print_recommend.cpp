#include "runtime/bin/lunchctl/print_recommend.hpp"

namespace lunch::ctl {

using json = nlohmann::ordered_json;

json to_json(const rec_item& x) {
  auto group = json::array();
  for (auto& m : x.recommended_group)
    group.push_back({{"employee_id", m.employee_id},
                     {"nickname", m.nickname},
                     {"lunch_preference", m.lunch_preference},
                     {"main_dish_genre", m.main_dish_genre},
                     {"last_dining_together", m.last_dining_together}});
  return {{"proposed_date", x.proposed_date},
          {"recommended_group", std::move(group)}};
}

json to_json(const std::vector<rec_item>& xs) {
  auto out = json::array();
  for (auto& x : xs)
    out.push_back(to_json(x));
  return out;
}

json to_json(const std::vector<rec_day>& xs) {
  auto out = json::object();
  for (auto& x : xs)
    out[x.date] = to_json(x.items);
  return out;
}

json to_json(const std::vector<daily_group>& xs) {
  auto out = json::array();
  for (auto& x : xs) {
    auto group = json::array();
    for (auto& m : x.recommended_group)
      group.push_back({{"nickname", m.nickname},
                       {"lunch_preference", m.lunch_preference},
                       {"employee_id", m.employee_id},
                       {"compatibility_score", m.compatibility_score},
                       {"last_dining_together", m.last_dining_together}});
    out.push_back({{"for_user", x.for_user},
                   {"proposed_date", x.proposed_date},
                   {"recommended_group", group}});
  }
  return out;
}

json to_json(const std::vector<suggest_group>& xs) {
  auto out = json::array();
  for (auto& x : xs) {
    auto users = json::array();
    for (auto& u : x.users)
      users.push_back({{"employee_id", u.employee_id},
                       {"nickname", u.nickname},
                       {"lunch_preference", u.lunch_preference},
                       {"main_dish_genre", u.main_dish_genre},
                       {"gender", u.gender},
                       {"age_group", u.age_group}});
    out.push_back({{"group_id", x.group_id}, {"users", users}});
  }
  return out;
}

json to_json(const rec_progress& x) {
  json doc{{"build_id", x.build_id},
           {"state", x.state},
           {"today", x.today},
           {"from", x.from},
           {"days", x.days},
           {"users_total", x.users_total},
           {"users_done", x.users_done},
           {"entries", x.entries},
           {"shards_total", x.shards_total},
           {"shards_done", x.shards_done},
           {"elapsed_ms", x.elapsed_ms}};
  if (!x.error.empty())
    doc["error"] = x.error;
  return doc;
}

} // namespace lunch::ctl
