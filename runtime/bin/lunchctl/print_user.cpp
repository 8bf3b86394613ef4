#include "runtime/bin/lunchctl/print_user.hpp"

#include "actors/user/user_rules.hpp"
#include "runtime/bin/lunchctl/print_table.hpp"

namespace lunch::ctl {

using nlohmann::json;

namespace {

std::vector<std::string> list_field(const json& j, const char* key) {
  auto i = j.find(key);
  if (i == j.end() || i->is_null())
    return {};
  if (i->is_string())
    return comma_split(i->get<std::string>());
  return i->get<std::vector<std::string>>();
}

std::string string_field(const json& j, const char* key) {
  auto i = j.find(key);
  return i == j.end() || i->is_null() ? std::string{} : i->get<std::string>();
}

} // namespace

json to_json(const user_view& x) {
  const auto& p = x.profile;
  return {{"employee_id", p.employee_id},
          {"nickname", p.nickname},
          {"email", p.email},
          {"gender", p.gender},
          {"age_group", p.age_group},
          {"main_dish_genre", p.main_dish_genre},
          {"lunch_preference", comma_join(p.lunch_styles)},
          {"food_preferences", comma_join(p.food_preferences)},
          {"allergies", comma_join(p.allergies)},
          {"preferred_time", p.preferred_time},
          {"frequent_areas", comma_join(p.frequent_areas)},
          {"notification_settings", comma_join(p.notification_settings)},
          {"total_points", x.total_points},
          {"current_level", x.current_level},
          {"created_at", p.created_at},
          {"shard_id", x.shard}};
}

json prefs_json(const user_profile& x) {
  return {{"foodPreferences", x.food_preferences},
          {"lunchStyles", x.lunch_styles},
          {"allergies", x.allergies},
          {"preferredTime", x.preferred_time},
          {"frequentAreas", x.frequent_areas},
          {"notifications", x.notification_settings}};
}

json to_json(const std::vector<user_summary>& xs) {
  auto users = json::array();
  for (const auto& x : xs)
    users.push_back({{"employee_id", x.employee_id},
                     {"nickname", x.nickname},
                     {"main_dish_genre", x.main_dish_genre},
                     {"shard_id", x.shard}});
  return {{"users", users}, {"count", xs.size()}};
}

json to_json(const key_location& x) {
  return {{"key", x.key}, {"slot", x.slot}, {"shard", x.shard}};
}

user_profile profile_from_json(const json& j) {
  user_profile p;
  p.employee_id = string_field(j, "employee_id");
  p.nickname = string_field(j, "nickname");
  p.email = string_field(j, "email");
  p.gender = string_field(j, "gender");
  p.age_group = string_field(j, "age_group");
  p.main_dish_genre = string_field(j, "main_dish_genre");
  p.lunch_styles = j.contains("lunch_styles")
                     ? list_field(j, "lunch_styles")
                     : list_field(j, "lunch_preference");
  p.food_preferences = list_field(j, "food_preferences");
  p.allergies = list_field(j, "allergies");
  p.preferred_time = string_field(j, "preferred_time");
  p.frequent_areas = list_field(j, "frequent_areas");
  p.notification_settings = list_field(j, "notification_settings");
  return p;
}

void print_user(const user_view& x) {
  print_fields(to_json(x));
}

void print_prefs(const user_profile& x) {
  print_fields(prefs_json(x));
}

void print_users(const std::vector<user_summary>& xs) {
  std::vector<std::vector<std::string>> rows;
  for (const auto& u : xs)
    rows.push_back(
      {u.employee_id, u.nickname, u.main_dish_genre, std::to_string(u.shard)});
  print_table({"ID", "NICKNAME", "GENRE", "SHARD"}, rows);
}

void print_key_location(const key_location& x) {
  print_fields(to_json(x));
}

} // namespace lunch::ctl
