// The parties of a shard database: parties, their members in join order,
// and the ledger rows (user_activity) that creating and joining earn.

#include <pqxx/except>
#include <pqxx/result>
#include <pqxx/row>

#include "actors/events/events.hpp"
#include "actors/shard/pg_repositories.hpp"
#include "actors/shard/slot_map.hpp"
#include "runtime/db/map_error.hpp"

namespace lunch {

namespace {

using db::domain_error;

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

} // namespace

void pg_parties::prepare(pqxx::connection_base& conn) {
  std::string parties = party_columns;
  prepare_all(
    conn,
    {
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
    });
}

party_created pg_parties::insert_party(const party_record& p,
                                       int64_t host_points) {
  pqxx::row r;
  try {
    r = ctx_.tx().exec_prepared1("insert_party", slot_of(p.host_employee_id),
                                 p.host_employee_id, p.title, p.restaurant_name,
                                 p.restaurant_address, p.party_date,
                                 p.party_time, p.meeting_location,
                                 p.max_members, p.is_from_match,
                                 to_json_array(p.member_ids), host_points);
  } catch (const pqxx::foreign_key_violation&) {
    throw domain_error(errc::not_found, "host_employee_id: user "
                                          + p.host_employee_id + " not found");
  }
  party_record stored = p;
  stored.id = r[0].as<int64_t>();
  stored.created_at = r[1].as<std::string>();
  party_created created{
    stored, {p.host_employee_id, ctx_.shard, r[2].as<int64_t>(), host_points}};
  ctx_.emit(events::party_created(created.party, created.award));
  return created;
}

party_lookup pg_parties::load_party(int64_t id) {
  auto rows = ctx_.tx().exec_prepared("load_party", id);
  if (rows.empty())
    return {};
  return {true, read_party(rows[0])};
}

points_award pg_parties::add_member(int64_t party, const std::string& user,
                                    int64_t points) {
  auto r = ctx_.tx().exec_prepared1("add_member", party, user, points);
  if (r[0].as<int64_t>() == 0)
    throw domain_error(errc::not_found,
                       "party " + std::to_string(party) + " not found");
  if (r[3].is_null()) {
    if (r[1].as<int64_t>() >= r[2].as<int64_t>())
      throw domain_error(errc::party_full, "party is full");
    throw domain_error(errc::already_joined, "already joined");
  }
  points_award award{user, ctx_.shard, r[3].as<int64_t>(), points};
  ctx_.emit(events::party_joined(party, user, r[5].as<std::string>(),
                                 r[6].as<std::string>(), r[4].as<std::string>(),
                                 award));
  return award;
}

bool pg_parties::remove_member(int64_t party, const std::string& user) {
  auto rows = ctx_.tx().exec_prepared("remove_member", party, user);
  if (rows.empty())
    throw domain_error(errc::not_member, "not a member of this party");
  ctx_.emit(events::party_left(party, user, rows[0][0].as<std::string>()));
  return true;
}

bool pg_parties::save_party(const party_record& p) {
  auto rows = ctx_.tx().exec_prepared("save_party", p.id, p.title,
                                      p.restaurant_name, p.restaurant_address,
                                      p.party_date, p.party_time,
                                      p.meeting_location, p.max_members);
  if (rows.empty())
    throw domain_error(errc::not_found,
                       "party " + std::to_string(p.id) + " not found");
  std::vector<std::string> members;
  for (const auto& m : ctx_.tx().exec_prepared("members_of", p.id))
    members.push_back(m[0].as<std::string>());
  ctx_.emit(events::party_updated(p.id, rows[0][0].as<std::string>(),
                                  p.party_date, members));
  return true;
}

bool pg_parties::delete_party(int64_t id) {
  auto rows = ctx_.tx().exec_prepared("delete_party", id);
  if (rows.empty())
    throw domain_error(errc::not_found,
                       "party " + std::to_string(id) + " not found");
  ctx_.emit(events::party_deleted(id, rows[0][0].as<std::string>(),
                                  from_json_array(rows[0][1])));
  return true;
}

std::vector<party_record> pg_parties::parties_of(const std::string& user) {
  return read_parties(ctx_.tx().exec_prepared("parties_of", user));
}

std::vector<party_record> pg_parties::list(const party_filter& filter) {
  if (filter.is_from_match && !filter.employee_id.empty())
    return read_parties(ctx_.tx().exec_prepared(
      "list_random_of", filter.employee_id, filter.limit));
  return read_parties(ctx_.tx().exec_prepared("list_regular", filter.limit));
}

shard_stats pg_parties::stats() {
  auto r = ctx_.tx().exec_prepared1("stats");
  shard_stats s;
  s.shard = ctx_.shard;
  s.reachable = true;
  s.user_count = r[0].as<int64_t>();
  s.party_count = r[1].as<int64_t>();
  s.member_count = r[2].as<int64_t>();
  s.bytes = r[3].as<int64_t>();
  return s;
}

} // namespace lunch
