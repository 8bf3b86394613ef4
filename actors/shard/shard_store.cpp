#include "actors/shard/shard_store.hpp"

#include <nlohmann/json.hpp>
#include <pqxx/result>
#include <pqxx/row>

#include "actors/events/events.hpp"
#include "actors/shard/slot_map.hpp"
#include "runtime/db/map_error.hpp"

namespace lunch {

namespace {

using db::domain_error;

constexpr const char* user_columns = R"(
  employee_id, nickname, email, gender, age_group, main_dish_genre,
  lunch_styles::text, food_preferences::text, allergies::text,
  preferred_time, frequent_areas::text, notification_settings::text,
  to_char(created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"'))";

// Members come back as one JSON array per party: host first, then in join
// order.
constexpr const char* party_columns = R"(
  p.id, p.host_employee_id, p.title, p.restaurant_name, p.restaurant_address,
  p.party_date::text, p.party_time, p.meeting_location, p.max_members,
  p.is_from_match,
  to_char(p.created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"'),
  (SELECT coalesce(json_agg(m.employee_id ORDER BY m.is_host DESC, m.seq),
                   '[]'::json)
     FROM party_members m WHERE m.party_id = p.id)::text)";

struct statement {
  const char* name;
  std::string sql;
};

std::vector<statement> statements() {
  std::string users = user_columns;
  std::string parties = party_columns;
  return {
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
    // One round trip per create: the id (seq * 16384 + host slot), the
    // party, its members in order and the host's ledger row.
    {"insert_party",
     R"(WITH s AS (SELECT nextval('party_seq') * 16384 + $1 AS id),
     p AS (
       INSERT INTO parties (id, host_employee_id, title, restaurant_name,
         restaurant_address, party_date, party_time, meeting_location,
         max_members, is_from_match)
       SELECT s.id, $2, $3, $4, $5, $6::date, $7, $8, $9, $10 FROM s
       RETURNING id, to_char(created_at AT TIME ZONE 'UTC',
                             'YYYY-MM-DD"T"HH24:MI:SS"Z"') AS created),
     m AS (
       INSERT INTO party_members (party_id, employee_id, is_host)
       SELECT p.id, x.member, x.member = $2
         FROM p, jsonb_array_elements_text($11::jsonb)
                   WITH ORDINALITY AS x(member, ord)
        ORDER BY x.ord),
     a AS (
       INSERT INTO user_activity (employee_id, activity_type, points_earned,
         description, party_id)
       SELECT $2, 'party_created', $12, 'created party ' || p.id, p.id
         FROM p RETURNING id)
     SELECT p.id, p.created, a.id FROM p, a)"},
    // One round trip per join. The capacity check is repeated here, under
    // the party's row lock, so the database itself never holds more
    // members than max_members. No row inserted: not found, full or
    // already a member, told apart by the first three columns.
    {"add_member",
     R"(WITH p AS (
       SELECT id, max_members, party_date, host_employee_id, title,
              (SELECT count(*) FROM party_members WHERE party_id = $1) AS n
         FROM parties WHERE id = $1 FOR UPDATE),
     m AS (
       INSERT INTO party_members (party_id, employee_id, is_host)
       SELECT p.id, $2, false FROM p WHERE p.n < p.max_members
       ON CONFLICT DO NOTHING RETURNING party_id),
     a AS (
       INSERT INTO user_activity (employee_id, activity_type, points_earned,
         description, party_id)
       SELECT $2, 'party_joined', $3, 'joined party ' || m.party_id,
              m.party_id
         FROM m RETURNING id)
     SELECT (SELECT count(*) FROM p), (SELECT n FROM p),
            (SELECT max_members FROM p), (SELECT id FROM a),
            (SELECT party_date::text FROM p),
            (SELECT host_employee_id FROM p), (SELECT title FROM p))"},
    {"remove_member",
     "DELETE FROM party_members WHERE party_id = $1 AND employee_id = $2"
     " AND NOT is_host"
     " RETURNING (SELECT party_date::text FROM parties WHERE id = $1)"},
    {"load_party", "SELECT " + parties + " FROM parties p WHERE p.id = $1"},
    // Returns the date before the update: a new date moves every member's
    // busy day.
    {"save_party",
     "UPDATE parties p SET title = $2, restaurant_name = $3,"
     " restaurant_address = $4, party_date = $5::date, party_time = $6,"
     " meeting_location = $7, max_members = $8"
     " FROM (SELECT party_date FROM parties WHERE id = $1) old"
     " WHERE p.id = $1 RETURNING old.party_date::text"},
    {"members_of", "SELECT employee_id FROM party_members WHERE party_id = $1"
                   " ORDER BY is_host DESC, seq"},
    // The members are read in the statement's snapshot, before the
    // cascade removes them.
    {"delete_party",
     R"(WITH d AS (DELETE FROM parties WHERE id = $1 RETURNING id, party_date)
     SELECT d.party_date::text,
            (SELECT coalesce(json_agg(m.employee_id ORDER BY m.is_host DESC,
                                                           m.seq),
                             '[]'::json)
               FROM party_members m WHERE m.party_id = d.id)::text
       FROM d)"},
    {"parties_of",
     "SELECT " + parties
       + " FROM parties p JOIN party_members pm ON pm.party_id = p.id"
         " WHERE pm.employee_id = $1"
         " ORDER BY p.party_date DESC, p.party_time DESC, p.id DESC"},
    {"list_regular", "SELECT " + parties
                       + " FROM parties p WHERE NOT p.is_from_match"
                         " ORDER BY p.id DESC LIMIT $1"},
    {"list_random_of",
     "SELECT " + parties
       + " FROM parties p JOIN party_members pm ON pm.party_id = p.id"
         " WHERE p.is_from_match AND pm.employee_id = $1"
         " ORDER BY p.id DESC LIMIT $2"},
    {"stats",
     "SELECT (SELECT count(*) FROM users), (SELECT count(*) FROM parties),"
     " (SELECT count(*) FROM party_members),"
     " pg_database_size(current_database())"},
    {"request_get", "SELECT reply FROM request_log WHERE request_id = $1"},
    {"request_put",
     "INSERT INTO request_log (request_id, reply) VALUES ($1, $2)"},
  };
}

std::string to_json_array(const std::vector<std::string>& xs) {
  return nlohmann::json(xs).dump();
}

std::vector<std::string> from_json_array(const pqxx::field& f) {
  return nlohmann::json::parse(f.c_str()).get<std::vector<std::string>>();
}

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

party_record read_party(const pqxx::row& r) {
  party_record p;
  p.id = r[0].as<int64_t>();
  p.host_employee_id = r[1].as<std::string>();
  p.title = r[2].as<std::string>();
  p.restaurant_name = r[3].as<std::string>();
  p.restaurant_address = r[4].as<std::string>();
  p.party_date = r[5].as<std::string>();
  p.party_time = r[6].as<std::string>();
  p.meeting_location = r[7].as<std::string>();
  p.max_members = r[8].as<int32_t>();
  p.is_from_match = r[9].as<bool>();
  p.created_at = r[10].as<std::string>();
  p.member_ids = from_json_array(r[11]);
  return p;
}

std::vector<party_record> read_parties(const pqxx::result& rows) {
  std::vector<party_record> result;
  result.reserve(rows.size());
  for (const auto& r : rows)
    result.push_back(read_party(r));
  return result;
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

void shard_store::prepare(pqxx::connection_base& conn) {
  for (const auto& s : statements())
    conn.prepare(s.name, s.sql);
  prepare_calendar(conn);
  prepare_notifications(conn);
  prepare_snapshot(conn);
  prepare_events(conn);
  prepare_maintenance(conn);
}

std::optional<std::string>
shard_store::logged_reply(pqxx::transaction_base& tx,
                          const std::string& request_id) {
  auto rows = tx.exec_prepared("request_get", request_id);
  if (rows.empty())
    return std::nullopt;
  return rows[0][0].as<std::string>();
}

void shard_store::log_reply(pqxx::transaction_base& tx,
                            const std::string& request_id,
                            const std::string& reply) {
  tx.exec_prepared("request_put", request_id, reply);
}

user_lookup shard_store::load_user(pqxx::transaction_base& tx,
                                   const std::string& id) {
  auto rows = tx.exec_prepared("load_user", id);
  if (rows.empty())
    return {};
  return {true, read_user(rows[0])};
}

user_profile shard_store::insert_user(pqxx::transaction_base& tx,
                                      const user_profile& p) {
  user_profile stored;
  try {
    stored = read_user(write_user(tx, "insert_user", p).at(0));
  } catch (const pqxx::unique_violation&) {
    throw domain_error(errc::already_exists,
                       "user " + p.employee_id + " already exists");
  }
  emit(tx, events::user_saved(stored, true));
  return stored;
}

user_profile shard_store::save_user(pqxx::transaction_base& tx,
                                    const user_profile& p) {
  auto rows = write_user(tx, "save_user", p);
  if (rows.empty())
    throw domain_error(errc::not_found, "user " + p.employee_id + " not found");
  auto stored = read_user(rows[0]);
  emit(tx, events::user_saved(stored, false));
  return stored;
}

void shard_store::delete_user(pqxx::transaction_base& tx,
                              const std::string& id) {
  if (tx.exec_prepared("delete_user", id).affected_rows() == 0)
    throw domain_error(errc::not_found, "user " + id + " not found");
  emit(tx, events::user_deleted(id));
}

std::vector<int64_t> shard_store::purge_user(pqxx::transaction_base& tx,
                                             const std::string& id) {
  std::vector<int64_t> touched;
  for (const auto& r : tx.exec_prepared("purged_memberships", id))
    emit(tx, events::party_left(r[2].as<int64_t>(), r[0].as<std::string>(),
                                r[1].as<std::string>()));
  for (const auto& r : tx.exec_prepared("hosted_parties", id))
    touched.push_back(r[0].as<int64_t>());
  for (const auto& r : tx.exec_prepared("drop_memberships", id))
    touched.push_back(r[0].as<int64_t>());
  tx.exec_prepared("drop_ledger", id);
  return touched;
}

points_mark shard_store::scan_points(pqxx::transaction_base& tx,
                                     const std::string& id) {
  auto r = tx.exec_prepared1("scan_points", id);
  return {shard_, r[0].as<int64_t>(), r[1].as<int64_t>()};
}

std::vector<user_summary> shard_store::search(pqxx::transaction_base& tx,
                                              const std::string& term,
                                              int32_t limit) {
  std::vector<user_summary> result;
  for (const auto& r : tx.exec_prepared("search", term, limit))
    result.push_back({r[0].as<std::string>(), r[1].as<std::string>(),
                      r[2].as<std::string>(), shard_});
  return result;
}

party_created shard_store::insert_party(pqxx::transaction_base& tx,
                                        const party_record& p,
                                        int64_t host_points) {
  pqxx::row r;
  try {
    r = tx.exec_prepared1("insert_party", slot_of(p.host_employee_id),
                          p.host_employee_id, p.title, p.restaurant_name,
                          p.restaurant_address, p.party_date, p.party_time,
                          p.meeting_location, p.max_members, p.is_from_match,
                          to_json_array(p.member_ids), host_points);
  } catch (const pqxx::foreign_key_violation&) {
    throw domain_error(errc::not_found, "host_employee_id: user "
                                          + p.host_employee_id + " not found");
  }
  party_record stored = p;
  stored.id = r[0].as<int64_t>();
  stored.created_at = r[1].as<std::string>();
  party_created created{
    stored, {p.host_employee_id, shard_, r[2].as<int64_t>(), host_points}};
  emit(tx, events::party_created(created.party, created.award));
  return created;
}

party_lookup shard_store::load_party(pqxx::transaction_base& tx, int64_t id) {
  auto rows = tx.exec_prepared("load_party", id);
  if (rows.empty())
    return {};
  return {true, read_party(rows[0])};
}

points_award shard_store::add_member(pqxx::transaction_base& tx, int64_t party,
                                     const std::string& user, int64_t points) {
  auto r = tx.exec_prepared1("add_member", party, user, points);
  if (r[0].as<int64_t>() == 0)
    throw domain_error(errc::not_found,
                       "party " + std::to_string(party) + " not found");
  if (r[3].is_null()) {
    if (r[1].as<int64_t>() >= r[2].as<int64_t>())
      throw domain_error(errc::party_full, "party is full");
    throw domain_error(errc::already_joined, "already joined");
  }
  points_award award{user, shard_, r[3].as<int64_t>(), points};
  emit(tx, events::party_joined(party, user, r[5].as<std::string>(),
                                r[6].as<std::string>(), r[4].as<std::string>(),
                                award));
  return award;
}

bool shard_store::remove_member(pqxx::transaction_base& tx, int64_t party,
                                const std::string& user) {
  auto rows = tx.exec_prepared("remove_member", party, user);
  if (rows.empty())
    throw domain_error(errc::not_member, "not a member of this party");
  emit(tx, events::party_left(party, user, rows[0][0].as<std::string>()));
  return true;
}

bool shard_store::save_party(pqxx::transaction_base& tx,
                             const party_record& p) {
  auto rows = tx.exec_prepared("save_party", p.id, p.title, p.restaurant_name,
                               p.restaurant_address, p.party_date, p.party_time,
                               p.meeting_location, p.max_members);
  if (rows.empty())
    throw domain_error(errc::not_found,
                       "party " + std::to_string(p.id) + " not found");
  std::vector<std::string> members;
  for (const auto& m : tx.exec_prepared("members_of", p.id))
    members.push_back(m[0].as<std::string>());
  emit(tx, events::party_updated(p.id, rows[0][0].as<std::string>(),
                                 p.party_date, members));
  return true;
}

bool shard_store::delete_party(pqxx::transaction_base& tx, int64_t id) {
  auto rows = tx.exec_prepared("delete_party", id);
  if (rows.empty())
    throw domain_error(errc::not_found,
                       "party " + std::to_string(id) + " not found");
  emit(tx, events::party_deleted(id, rows[0][0].as<std::string>(),
                                 from_json_array(rows[0][1])));
  return true;
}

std::vector<party_record> shard_store::parties_of(pqxx::transaction_base& tx,
                                                  const std::string& user) {
  return read_parties(tx.exec_prepared("parties_of", user));
}

std::vector<party_record> shard_store::list(pqxx::transaction_base& tx,
                                            const party_filter& filter) {
  if (filter.is_from_match && !filter.employee_id.empty())
    return read_parties(
      tx.exec_prepared("list_random_of", filter.employee_id, filter.limit));
  return read_parties(tx.exec_prepared("list_regular", filter.limit));
}

shard_stats shard_store::stats(pqxx::transaction_base& tx) {
  auto r = tx.exec_prepared1("stats");
  shard_stats s;
  s.shard = shard_;
  s.reachable = true;
  s.user_count = r[0].as<int64_t>();
  s.party_count = r[1].as<int64_t>();
  s.member_count = r[2].as<int64_t>();
  s.bytes = r[3].as<int64_t>();
  return s;
}

} // namespace lunch
