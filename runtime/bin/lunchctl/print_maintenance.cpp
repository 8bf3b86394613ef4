#include "runtime/bin/lunchctl/print_maintenance.hpp"

#include <algorithm>
#include <iostream>
#include <string>
#include <utility>

#include "actors/maintenance/maintenance_rules.hpp"
#include "actors/user/user_rules.hpp"
#include "runtime/bin/lunchctl/print_table.hpp"

namespace lunch::ctl {

using json = nlohmann::ordered_json;

namespace {

// The stored preferences in preference_types() order (jsonb keeps its own
// key order); a type missing from the row shows as [].
json ordered_preferences(const std::string& text) {
  auto stored = nlohmann::json::parse(text.empty() ? "{}" : text);
  json out = json::object();
  for (const auto& type : preference_types())
    out[type] = stored.contains(type) ? json(stored[type]) : json::array();
  return out;
}

void print_lines(const std::vector<std::pair<std::string, std::string>>& xs) {
  size_t width = 0;
  for (const auto& x : xs)
    width = std::max(width, x.first.size());
  for (const auto& x : xs)
    std::cout << x.first << ':' << std::string(width - x.first.size() + 1, ' ')
              << x.second << '\n';
}

} // namespace

json to_json(const user_analytics& x) {
  return {{"employee_id", x.employee_id},
          {"date", x.day},
          {"party_count", x.parties_joined + x.parties_hosted},
          {"hosted_count", x.parties_hosted},
          {"points_earned", x.points_earned},
          {"points_today", x.points_today},
          {"preferences", ordered_preferences(x.preferences)},
          {"last_updated", x.updated_at}};
}

void print_analytics(const user_analytics& x) {
  std::vector<std::pair<std::string, std::string>> lines{
    {"employee_id", x.employee_id},
    {"date", x.day},
    {"parties_joined", std::to_string(x.parties_joined)},
    {"parties_hosted", std::to_string(x.parties_hosted)},
    {"points_earned", std::to_string(x.points_earned)},
    {"points_today", std::to_string(x.points_today)}};
  auto preferences = ordered_preferences(x.preferences);
  for (const auto& item : preferences.items())
    lines.emplace_back(
      item.key(), comma_join(item.value().get<std::vector<std::string>>()));
  lines.emplace_back("updated_at", x.updated_at);
  print_lines(lines);
}

json to_json(const std::vector<cleanup_counts>& xs) {
  auto total = sum_cleanup(xs);
  return {{"expired_parties", total.parties},
          {"expired_notifications", total.notifications},
          {"total_cleared", total.parties + total.notifications}};
}

void print_cleanup(const std::vector<cleanup_counts>& xs) {
  std::vector<std::vector<std::string>> rows;
  auto row = [](std::string name, const cleanup_counts& x) {
    return std::vector<std::string>{std::move(name), std::to_string(x.parties),
                                    std::to_string(x.members),
                                    std::to_string(x.notifications)};
  };
  for (const auto& x : xs)
    rows.push_back(row(std::to_string(x.shard), x));
  rows.push_back(row("total", sum_cleanup(xs)));
  print_table({"SHARD", "PARTIES", "MEMBERS", "NOTIFICATIONS"}, rows);
  auto j = to_json(xs);
  std::cout << "expired_parties: " << j["expired_parties"]
            << ", expired_notifications: " << j["expired_notifications"]
            << ", total_cleared: " << j["total_cleared"] << '\n';
}

} // namespace lunch::ctl
