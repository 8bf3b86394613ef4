#include "runtime/bin/lunchctl/print_party.hpp"

#include <iostream>

#include "runtime/bin/lunchctl/print_table.hpp"

namespace lunch::ctl {

using nlohmann::json;

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

void print_party_list(const std::vector<party_record>& xs) {
  std::vector<std::vector<std::string>> rows;
  for (const auto& p : xs)
    rows.push_back({std::to_string(p.id), p.party_date, p.party_time, p.title,
                    p.restaurant_name,
                    std::to_string(p.member_ids.size()) + "/"
                      + std::to_string(p.max_members),
                    p.is_from_match ? "random" : ""});
  print_table({"ID", "DATE", "TIME", "TITLE", "RESTAURANT", "MEMBERS", "TYPE"},
              rows);
}

} // namespace lunch::ctl
