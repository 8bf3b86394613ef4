#include "runtime/bin/lunchctl_output.hpp"

#include <algorithm>
#include <cmath>
#include <iostream>

#include "actors/user/user_rules.hpp"

namespace lunch::ctl {

using nlohmann::json;

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

json to_json(const party_view& x) {
  const auto& p = x.party;
  auto members = json::array();
  for (const auto& m : x.members)
    members.push_back({{"employee_id", m.employee_id},
                       {"nickname", m.nickname},
                       {"lunch_preference", m.lunch_preference},
                       {"main_dish_genre", m.main_dish_genre},
                       {"is_host", m.is_host}});
  return {{"id", p.id},
          {"host_employee_id", p.host_employee_id},
          {"title", p.title},
          {"restaurant_name", p.restaurant_name},
          {"restaurant_address", p.restaurant_address},
          {"party_date", p.party_date},
          {"party_time", p.party_time},
          {"meeting_location", p.meeting_location},
          {"max_members", p.max_members},
          {"current_members", p.member_ids.size()},
          {"members", members},
          {"is_from_match", p.is_from_match},
          {"created_at", p.created_at}};
}

json summary_json(const party_record& p) {
  return {{"id", p.id},
          {"title", p.title},
          {"restaurant_name", p.restaurant_name},
          {"current_members", p.member_ids.size()},
          {"max_members", p.max_members},
          {"party_date", p.party_date},
          {"party_time", p.party_time},
          {"is_from_match", p.is_from_match}};
}

json to_json(const key_location& x) {
  return {{"key", x.key}, {"slot", x.slot}, {"shard", x.shard}};
}

json to_json(const std::vector<slot_range>& xs, int32_t shards) {
  auto ranges = json::array();
  std::vector<int64_t> per_shard(shards, 0);
  for (const auto& r : xs) {
    ranges.push_back(
      {{"first", r.first}, {"last", r.last}, {"shard", r.shard}});
    if (r.shard >= 0 && r.shard < shards)
      per_shard[r.shard] += r.last - r.first + 1;
  }
  return {{"slots", 16384},
          {"shards", shards},
          {"ranges", ranges},
          {"slots_per_shard", per_shard}};
}

json to_json(const std::vector<shard_stats>& xs) {
  json details = json::object();
  for (const auto& s : xs) {
    auto key = std::to_string(s.shard);
    if (s.reachable)
      details[key] = {{"user_count", s.user_count},
                      {"party_count", s.party_count},
                      {"member_count", s.member_count},
                      {"size_mb", std::round(s.bytes / 1048576.0 * 100) / 100}};
    else
      details[key] = {{"error", s.error}};
  }
  return {{"total_shards", xs.size()}, {"shard_details", details}};
}

json to_json(const rebalance_plan& x) {
  json plan = json::object();
  for (const auto& s : x.steps)
    plan[std::to_string(s.shard)] = {{"action", s.action}, {"count", s.count}};
  return {{"current_distribution", x.current_distribution},
          {"average_users_per_shard", x.average_users_per_shard},
          {"rebalance_plan", plan},
          {"status", "plan_created"}};
}

json to_json(const node_status& x) {
  return {{"node", x.node},
          {"address", x.host + ":" + std::to_string(x.port)},
          {"shards", x.shard_count},
          {"uptime_ms", x.uptime_ms},
          {"active_users", x.active_users},
          {"active_parties", x.active_parties},
          {"unreachable_shards", x.unreachable_shards}};
}

json to_json(const std::string& answered_by,
             const std::vector<node_info>& nodes,
             const std::vector<shard_lease>& leases,
             const std::vector<std::string>& connected) {
  json doc{{"answered_by", answered_by},
           {"nodes", json::array()},
           {"leases", json::array()}};
  for (auto& n : nodes) {
    std::vector<int32_t> owned;
    for (auto& l : leases)
      if (l.owner == n.name && l.incarnation == n.incarnation)
        owned.push_back(l.shard);
    bool reachable = n.name == answered_by
                     || std::find(connected.begin(), connected.end(), n.name)
                          != connected.end();
    doc["nodes"].push_back({{"name", n.name},
                            {"state", n.state},
                            {"address", n.host + ":" + std::to_string(n.port)},
                            {"pid", n.pid},
                            {"incarnation", n.incarnation},
                            {"started_at", n.started_at},
                            {"heartbeat_age_ms", n.heartbeat_age_ms},
                            {"shards", owned},
                            {"allowed_shards", n.allowed_shards},
                            {"reachable", reachable}});
  }
  for (auto& l : leases)
    doc["leases"].push_back({{"shard", l.shard},
                             {"owner", l.owner},
                             {"epoch", l.epoch},
                             {"changed_at", l.changed_at}});
  return doc;
}

json to_json(const std::vector<cluster_event>& xs) {
  json doc = json::array();
  for (auto& e : xs)
    doc.push_back({{"id", e.id},
                   {"at", e.at},
                   {"node", e.node},
                   {"kind", e.kind},
                   {"shard", e.shard < 0 ? json(nullptr) : json(e.shard)},
                   {"epoch", e.epoch == 0 ? json(nullptr) : json(e.epoch)},
                   {"detail", e.detail}});
  return doc;
}

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

// Display width of a UTF-8 string: Hangul and CJK take two columns.
size_t display_width(const std::string& s) {
  size_t width = 0;
  for (size_t i = 0; i < s.size();) {
    auto c = static_cast<unsigned char>(s[i]);
    uint32_t cp = c;
    size_t len = 1;
    if (c >= 0xF0) {
      len = 4;
      cp = c & 0x07;
    } else if (c >= 0xE0) {
      len = 3;
      cp = c & 0x0F;
    } else if (c >= 0xC0) {
      len = 2;
      cp = c & 0x1F;
    }
    for (size_t k = 1; k < len && i + k < s.size(); ++k)
      cp = (cp << 6) | (static_cast<unsigned char>(s[i + k]) & 0x3F);
    bool wide = (cp >= 0x1100 && cp <= 0x115F) || (cp >= 0x2E80 && cp <= 0xA4CF)
                || (cp >= 0xAC00 && cp <= 0xD7A3)
                || (cp >= 0xF900 && cp <= 0xFAFF)
                || (cp >= 0xFF00 && cp <= 0xFF60);
    width += wide ? 2 : 1;
    i += len;
  }
  return width;
}

std::string cell(const json& v) {
  if (v.is_string())
    return v.get<std::string>();
  if (v.is_array()) {
    std::string out;
    for (const auto& x : v)
      out += (out.empty() ? "" : ",") + cell(x);
    return out;
  }
  return v.dump();
}

} // namespace

json to_json(const calendar_entry& x) {
  return {{"id", x.id},
          {"employee_id", x.employee_id},
          {"date", x.date},
          {"title", x.title},
          {"description", x.description},
          {"recurrence", x.recurrence},
          {"interval", x.interval},
          {"until", x.until.empty() ? json(nullptr) : json(x.until)},
          {"created_at", x.created_at}};
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

void print_table(const std::vector<std::string>& header,
                 const std::vector<std::vector<std::string>>& rows) {
  std::vector<size_t> widths;
  for (const auto& h : header)
    widths.push_back(display_width(h));
  for (const auto& r : rows)
    for (size_t i = 0; i < r.size() && i < widths.size(); ++i)
      widths[i] = std::max(widths[i], display_width(r[i]));
  auto line = [&](const std::vector<std::string>& cells) {
    std::string out;
    for (size_t i = 0; i < cells.size(); ++i) {
      out += cells[i];
      if (i + 1 < cells.size())
        out += std::string(widths[i] - display_width(cells[i]) + 2, ' ');
    }
    std::cout << out << '\n';
  };
  line(header);
  for (const auto& r : rows)
    line(r);
}

void print_fields(const json& object) {
  size_t width = 0;
  for (auto it = object.begin(); it != object.end(); ++it)
    width = std::max(width, it.key().size());
  for (auto it = object.begin(); it != object.end(); ++it)
    std::cout << it.key() << ':'
              << std::string(width - it.key().size() + 1, ' ')
              << cell(it.value()) << '\n';
}

void print_party(const party_view& x) {
  auto j = to_json(x);
  j.erase("members");
  print_fields(j);
  std::vector<std::vector<std::string>> rows;
  for (const auto& m : x.members)
    rows.push_back({m.employee_id, m.nickname, m.is_host ? "host" : "",
                    m.main_dish_genre, m.lunch_preference});
  std::cout << '\n';
  print_table({"MEMBER", "NICKNAME", "ROLE", "GENRE", "LUNCH STYLES"}, rows);
}

} // namespace lunch::ctl
