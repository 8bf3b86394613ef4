// The notification statements of a shard database (the inbox, spec §10.1).

#include <string>

#include <nlohmann/json.hpp>
#include <pqxx/except>
#include <pqxx/result>
#include <pqxx/row>

#include "actors/notify/notification_rules.hpp"
#include "actors/shard/pg_repositories.hpp"
#include "actors/shard/slot_map.hpp"
#include "runtime/db/map_error.hpp"

namespace lunch {

namespace {

using db::domain_error;

// created_at as the old app showed it: KST, to the second.
constexpr const char* notification_columns = R"(
  id, employee_id, type, title, message, coalesce(related_id, 0),
  related_type, is_read,
  to_char(created_at AT TIME ZONE 'Asia/Seoul', 'YYYY-MM-DD HH24:MI:SS'))";

notification read_notification(const pqxx::row& r) {
  notification n;
  n.id = r[0].as<int64_t>();
  n.employee_id = r[1].as<std::string>();
  n.type = r[2].as<std::string>();
  n.title = r[3].as<std::string>();
  n.message = r[4].as<std::string>();
  n.related_id = r[5].as<int64_t>();
  n.related_type = r[6].as<std::string>();
  n.is_read = r[7].as<bool>();
  n.created_at = r[8].as<std::string>();
  return n;
}

domain_error no_user(const std::string& user) {
  return domain_error(errc::not_found, "user " + user + " not found");
}

domain_error no_notification(int64_t id) {
  return domain_error(errc::not_found,
                      "notification " + std::to_string(id) + " not found");
}

// The batch as one JSON array of rows (libpqxx 6.4 has no array
// parameters); ord keeps the ids in input order.
std::string batch_rows(const std::vector<notification>& ns,
                       const std::vector<std::string>& keys) {
  auto rows = nlohmann::json::array();
  for (size_t i = 0; i < ns.size(); ++i) {
    const auto& n = ns[i];
    rows.push_back({{"ord", i},
                    {"slot", slot_of(n.employee_id)},
                    {"employee_id", n.employee_id},
                    {"type", n.type},
                    {"title", n.title},
                    {"message", n.message},
                    {"related_id", n.related_id},
                    {"related_type", n.related_type},
                    {"dedupe_key", keys.empty() ? std::string{} : keys[i]}});
  }
  return rows.dump();
}

} // namespace

void pg_inbox::prepare(pqxx::connection_base& conn) {
  std::string columns = notification_columns;
  // The id carries the recipient's slot, like a party id. A used dedupe
  // key inserts nothing (a repeated delivery).
  conn.prepare("notification_insert",
               "INSERT INTO notifications (id, employee_id, type, title,"
               " message, related_id, related_type, dedupe_key)"
               " VALUES (nextval('notification_seq') * 16384 + $1, $2, $3,"
               " $4, $5, nullif($6::bigint, 0), $7, nullif($8, ''))"
               " ON CONFLICT (dedupe_key) DO NOTHING RETURNING id");
  // A batch in one round trip; rows of unknown users are left out and
  // their ids returned. Each row's user is looked up through the index (a
  // subquery per row): the planner cannot count the rows of a JSON
  // parameter and would otherwise hash every user of the shard.
  conn.prepare("notification_insert_batch", R"(
    WITH x AS (
      SELECT x.*, (SELECT true FROM users u
                    WHERE u.employee_id = x.employee_id) AS known
        FROM jsonb_to_recordset($1::jsonb) AS x(ord int, slot int,
          employee_id text, type text, title text, message text,
          related_id bigint, related_type text, dedupe_key text)),
    ins AS (
      INSERT INTO notifications (id, employee_id, type, title, message,
        related_id, related_type, dedupe_key)
      SELECT nextval('notification_seq') * 16384 + slot, employee_id, type,
             title, message, nullif(related_id, 0), related_type,
             nullif(dedupe_key, '')
        FROM x WHERE known ORDER BY ord
      ON CONFLICT (dedupe_key) DO NOTHING RETURNING 1)
    SELECT (SELECT count(*) FROM ins), (SELECT count(*) FROM x WHERE known),
           (SELECT coalesce(json_agg(DISTINCT employee_id
                                     ORDER BY employee_id), '[]'::json)
              FROM x WHERE known IS NULL)::text)");
  conn.prepare("notification_unread",
               "SELECT EXISTS (SELECT 1 FROM users WHERE employee_id = $1),"
               " (SELECT count(*) FROM notifications"
               "   WHERE employee_id = $1 AND NOT is_read)");
  conn.prepare("notification_inbox",
               "SELECT " + columns
                 + " FROM notifications WHERE employee_id = $1"
                   " AND (NOT $2::boolean OR NOT is_read)"
                   " ORDER BY created_at DESC, id DESC LIMIT $3");
  conn.prepare("notification_read", "UPDATE notifications SET is_read = true"
                                    " WHERE id = $1 RETURNING "
                                      + columns);
  conn.prepare("notification_read_all",
               "WITH u AS (SELECT 1 FROM users WHERE employee_id = $1),"
               " r AS (UPDATE notifications SET is_read = true"
               "  WHERE employee_id = $1 AND NOT is_read RETURNING 1)"
               " SELECT (SELECT count(*) FROM u), (SELECT count(*) FROM r)");
  conn.prepare("notification_delete",
               "DELETE FROM notifications WHERE id = $1");
  conn.prepare("notification_clear_read",
               "WITH u AS (SELECT 1 FROM users WHERE employee_id = $1),"
               " d AS (DELETE FROM notifications"
               "  WHERE employee_id = $1 AND is_read RETURNING 1)"
               " SELECT (SELECT count(*) FROM u), (SELECT count(*) FROM d)");
  conn.prepare("notification_expire",
               "DELETE FROM notifications"
               " WHERE created_at < now() - make_interval(days => $1)");
}

bool pg_inbox::insert_notification(const notification& n,
                                   const std::string& dedupe_key) {
  try {
    return !ctx_.tx()
              .exec_prepared("notification_insert", slot_of(n.employee_id),
                             n.employee_id, n.type, n.title, n.message,
                             n.related_id, n.related_type, dedupe_key)
              .empty();
  } catch (const pqxx::foreign_key_violation&) {
    throw no_user(n.employee_id);
  }
}

notification_batch
pg_inbox::insert_notifications(const std::vector<notification>& ns,
                               const std::vector<std::string>& dedupe_keys) {
  notification_batch result;
  if (ns.empty())
    return result;
  auto r = ctx_.tx().exec_prepared1("notification_insert_batch",
                                    batch_rows(ns, dedupe_keys));
  result.inserted = r[0].as<int64_t>();
  result.duplicates = r[1].as<int64_t>() - result.inserted;
  for (const auto& id : nlohmann::json::parse(r[2].as<std::string>()))
    result.missing_users.push_back(id.get<std::string>());
  return result;
}

notification_inbox pg_inbox::inbox(const std::string& user, bool unread_only) {
  auto head = ctx_.tx().exec_prepared1("notification_unread", user);
  if (!head[0].as<bool>())
    throw no_user(user);
  notification_inbox result;
  result.unread_count = head[1].as<int64_t>();
  for (const auto& r : ctx_.tx().exec_prepared("notification_inbox", user,
                                               unread_only, inbox_size))
    result.notifications.push_back(read_notification(r));
  return result;
}

notification pg_inbox::mark_notification_read(int64_t id) {
  auto rows = ctx_.tx().exec_prepared("notification_read", id);
  if (rows.empty())
    throw no_notification(id);
  return read_notification(rows[0]);
}

int64_t pg_inbox::mark_all_notifications_read(const std::string& user) {
  auto r = ctx_.tx().exec_prepared1("notification_read_all", user);
  if (r[0].as<int64_t>() == 0)
    throw no_user(user);
  return r[1].as<int64_t>();
}

void pg_inbox::delete_notification(int64_t id) {
  if (ctx_.tx().exec_prepared("notification_delete", id).affected_rows() == 0)
    throw no_notification(id);
}

int64_t pg_inbox::clear_read_notifications(const std::string& user) {
  auto r = ctx_.tx().exec_prepared1("notification_clear_read", user);
  if (r[0].as<int64_t>() == 0)
    throw no_user(user);
  return r[1].as<int64_t>();
}

int64_t pg_inbox::delete_notifications_older_than(int32_t days) {
  return ctx_.tx().exec_prepared("notification_expire", days).affected_rows();
}

} // namespace lunch
