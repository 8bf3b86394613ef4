// The users of a shard database: profiles, the points ledger they earn
// into (user_activity) and the purge of a deleted user.

#include <pqxx/except>
#include <pqxx/result>
#include <pqxx/row>

#include "actors/events/events.hpp"
#include "actors/shard/pg_repositories.hpp"
#include "runtime/db/map_error.hpp"

namespace lunch {

namespace {

using db::domain_error;

constexpr const char* user_columns = R"(
  employee_id, nickname, email, gender, age_group, main_dish_genre,
  lunch_styles::text, food_preferences::text, allergies::text,
  preferred_time, frequent_areas::text, notification_settings::text,
  to_char(created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"'))";

user_profile read_user(const pqxx::row& r) {
  user_profile p;
  p.employee_id = r[0].as<std::string>();
  p.nickname = r[1].as<std::string>();
  p.email = r[2].as<std::string>();
  p.gender = r[3].as<std::string>();
  p.age_group = r[4].as<std::string>();
  p.main_dish_genre = r[5].as<std::string>();
  p.lunch_styles = from_json_array(r[6]);
  p.food_preferences = from_json_array(r[7]);
  p.allergies = from_json_array(r[8]);
  p.preferred_time = r[9].as<std::string>();
  p.frequent_areas = from_json_array(r[10]);
  p.notification_settings = from_json_array(r[11]);
  p.created_at = r[12].as<std::string>();
  return p;
}

template <class Tx>
pqxx::result write_user(Tx& tx, const char* stmt, const user_profile& p) {
  return tx.exec_prepared(stmt, p.employee_id, p.nickname, p.email, p.gender,
                          p.age_group, p.main_dish_genre,
                          to_json_array(p.lunch_styles),
                          to_json_array(p.food_preferences),
                          to_json_array(p.allergies), p.preferred_time,
                          to_json_array(p.frequent_areas),
                          to_json_array(p.notification_settings));
}

} // namespace

void pg_users::prepare(pqxx::connection_base& conn) {
  std::string users = user_columns;
  prepare_all(
    conn,
    {
      {"load_user", "SELECT " + users + " FROM users WHERE employee_id = $1"},
      {"insert_user",
       "INSERT INTO users (employee_id, nickname, email, gender, age_group,"
       " main_dish_genre, lunch_styles, food_preferences, allergies,"
       " preferred_time, frequent_areas, notification_settings)"
       " VALUES ($1, $2, $3, $4, $5, $6, $7::jsonb, $8::jsonb, $9::jsonb,"
       " $10, $11::jsonb, $12::jsonb) RETURNING "
         + users},
      {"save_user",
       "UPDATE users SET nickname = $2, email = $3, gender = $4,"
       " age_group = $5, main_dish_genre = $6, lunch_styles = $7::jsonb,"
       " food_preferences = $8::jsonb, allergies = $9::jsonb,"
       " preferred_time = $10, frequent_areas = $11::jsonb,"
       " notification_settings = $12::jsonb, updated_at = now()"
       " WHERE employee_id = $1 RETURNING "
         + users},
      {"delete_user", "DELETE FROM users WHERE employee_id = $1"},
      // The member rows a purge removes: of the parties the user hosts
      // (cascaded) and the user's own memberships elsewhere. Two branches,
      // so each can use its index.
      {"purged_memberships",
       "SELECT pm.employee_id, p.party_date::text, p.id FROM parties p"
       " JOIN party_members pm ON pm.party_id = p.id"
       " WHERE p.host_employee_id = $1"
       " UNION ALL"
       " SELECT pm.employee_id, p.party_date::text, p.id FROM party_members pm"
       " JOIN parties p ON p.id = pm.party_id"
       " WHERE pm.employee_id = $1 AND p.host_employee_id <> $1"},
      {"hosted_parties",
       "DELETE FROM parties WHERE host_employee_id = $1 RETURNING id"},
      {"drop_memberships",
       "DELETE FROM party_members WHERE employee_id = $1 RETURNING party_id"},
      {"drop_ledger", "DELETE FROM user_activity WHERE employee_id = $1"},
      {"scan_points",
       "SELECT coalesce(sum(points_earned), 0), coalesce(max(id), 0)"
       " FROM user_activity WHERE employee_id = $1"},
      {"search", "SELECT employee_id, nickname, main_dish_genre FROM users"
                 " WHERE strpos(lower(nickname), lower($1)) > 0"
                 "    OR strpos(lower(main_dish_genre), lower($1)) > 0"
                 " ORDER BY nickname, employee_id LIMIT $2"},
    });
}

user_lookup pg_users::load_user(const std::string& id) {
  auto rows = ctx_.tx().exec_prepared("load_user", id);
  if (rows.empty())
    return {};
  return {true, read_user(rows[0])};
}

user_profile pg_users::insert_user(const user_profile& p) {
  user_profile stored;
  try {
    stored = read_user(write_user(ctx_.tx(), "insert_user", p).at(0));
  } catch (const pqxx::unique_violation&) {
    throw domain_error(errc::already_exists,
                       "user " + p.employee_id + " already exists");
  }
  ctx_.emit(events::user_saved(stored, true));
  return stored;
}

user_profile pg_users::save_user(const user_profile& p) {
  auto rows = write_user(ctx_.tx(), "save_user", p);
  if (rows.empty())
    throw domain_error(errc::not_found, "user " + p.employee_id + " not found");
  auto stored = read_user(rows[0]);
  ctx_.emit(events::user_saved(stored, false));
  return stored;
}

void pg_users::delete_user(const std::string& id) {
  if (ctx_.tx().exec_prepared("delete_user", id).affected_rows() == 0)
    throw domain_error(errc::not_found, "user " + id + " not found");
  ctx_.emit(events::user_deleted(id));
}

std::vector<int64_t> pg_users::purge_user(const std::string& id) {
  std::vector<int64_t> touched;
  for (const auto& r : ctx_.tx().exec_prepared("purged_memberships", id))
    ctx_.emit(events::party_left(r[2].as<int64_t>(), r[0].as<std::string>(),
                                 r[1].as<std::string>()));
  for (const auto& r : ctx_.tx().exec_prepared("hosted_parties", id))
    touched.push_back(r[0].as<int64_t>());
  for (const auto& r : ctx_.tx().exec_prepared("drop_memberships", id))
    touched.push_back(r[0].as<int64_t>());
  ctx_.tx().exec_prepared("drop_ledger", id);
  return touched;
}

points_mark pg_users::scan_points(const std::string& id) {
  auto r = ctx_.tx().exec_prepared1("scan_points", id);
  return {ctx_.shard, r[0].as<int64_t>(), r[1].as<int64_t>()};
}

std::vector<user_summary> pg_users::search(const std::string& term,
                                           int32_t limit) {
  std::vector<user_summary> result;
  for (const auto& r : ctx_.tx().exec_prepared("search", term, limit))
    result.push_back({r[0].as<std::string>(), r[1].as<std::string>(),
                      r[2].as<std::string>(), ctx_.shard});
  return result;
}

} // namespace lunch
