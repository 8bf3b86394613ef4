// The recommendation snapshot of a shard database: everything recommendations
// read from one shard (users, party memberships, calendar), in a few
// set-based queries — it runs over every user of the shard.

#include <string>

#include <nlohmann/json.hpp>

#include "actors/shard/calendar_rows.hpp"
#include "actors/shard/pg_repositories.hpp"

namespace lunch {

void pg_snapshot::prepare(pqxx::connection_base& conn) {
  // Ordered bytewise (COLLATE "C"), whatever the database's collation.
  conn.prepare("rec_users",
               "SELECT employee_id, nickname, gender, age_group,"
               " main_dish_genre, lunch_styles::text, food_preferences::text,"
               " allergies::text, preferred_time, frequent_areas::text"
               " FROM users ORDER BY employee_id COLLATE \"C\"");
  conn.prepare("rec_counts",
               "SELECT employee_id, count(*) FROM party_members"
               " GROUP BY employee_id ORDER BY employee_id COLLATE \"C\"");
  // One row per membership (keyed by party, like the notices): two
  // parties on one day are two rows.
  conn.prepare("rec_busy",
               "SELECT pm.employee_id, p.party_date::text, p.id"
               " FROM party_members pm JOIN parties p ON p.id = pm.party_id"
               " WHERE p.party_date >= $1::date"
               " ORDER BY pm.employee_id COLLATE \"C\", p.party_date, p.id");
  conn.prepare("rec_dined",
               "SELECT p.host_employee_id, pm.employee_id,"
               " max(p.party_date)::text"
               " FROM parties p JOIN party_members pm ON pm.party_id = p.id"
               " WHERE p.party_date < $1::date"
               " AND pm.employee_id <> p.host_employee_id"
               " GROUP BY p.host_employee_id, pm.employee_id"
               " ORDER BY p.host_employee_id COLLATE \"C\","
               " pm.employee_id COLLATE \"C\"");
  conn.prepare("rec_calendar", std::string{"SELECT "} + calendar_columns
                                 + " FROM calendar_entries"
                                   " ORDER BY employee_id COLLATE \"C\","
                                   " entry_date, id");
}

rec_shard_snapshot pg_snapshot::rec_snapshot(const std::string& today) {
  rec_shard_snapshot s;
  s.shard = ctx_.shard;
  auto users = ctx_.tx().exec_prepared("rec_users");
  s.users.reserve(users.size());
  for (const auto& r : users)
    s.users.push_back(rec_user{r[0].as<std::string>(), r[1].as<std::string>(),
                               r[2].as<std::string>(), r[3].as<std::string>(),
                               r[4].as<std::string>(), from_json_array(r[5]),
                               from_json_array(r[6]), from_json_array(r[7]),
                               r[8].as<std::string>(), from_json_array(r[9])});
  for (const auto& r : ctx_.tx().exec_prepared("rec_counts"))
    s.counts.push_back(rec_count{r[0].as<std::string>(), r[1].as<int64_t>()});
  for (const auto& r : ctx_.tx().exec_prepared("rec_busy", today))
    s.busy.push_back(rec_busy{r[0].as<std::string>(), r[1].as<std::string>(),
                              r[2].as<int64_t>()});
  for (const auto& r : ctx_.tx().exec_prepared("rec_dined", today))
    s.dined.push_back(rec_dined{r[0].as<std::string>(), r[1].as<std::string>(),
                                r[2].as<std::string>()});
  s.calendar = read_calendar_entries(ctx_.tx().exec_prepared("rec_calendar"));
  return s;
}

} // namespace lunch
