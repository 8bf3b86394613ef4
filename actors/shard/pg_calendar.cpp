// The calendar statements of a shard database (personal schedules, spec §2.4).

#include <string>

#include <pqxx/except>

#include "actors/events/events.hpp"
#include "actors/shard/calendar_rows.hpp"
#include "actors/shard/pg_repositories.hpp"
#include "runtime/db/map_error.hpp"

namespace lunch {

void pg_calendar::prepare(pqxx::connection_base& conn) {
  std::string columns = calendar_columns;
  conn.prepare("calendar_insert",
               "INSERT INTO calendar_entries (id, employee_id, entry_date,"
               " title, description, recurrence, interval_n, until)"
               " VALUES (nextval('calendar_seq'), $1, $2::date, $3, $4, $5,"
               " $6, nullif($7, '')::date) RETURNING "
                 + columns);
  conn.prepare("calendar_user_exists",
               "SELECT 1 FROM users WHERE employee_id = $1");
  conn.prepare("calendar_of", "SELECT " + columns
                                + " FROM calendar_entries"
                                  " WHERE employee_id = $1"
                                  " ORDER BY entry_date, id");
  conn.prepare("calendar_delete",
               "DELETE FROM calendar_entries WHERE employee_id = $1"
               " AND id = $2 RETURNING "
                 + columns);
}

calendar_entry pg_calendar::insert_calendar_entry(const calendar_entry& e) {
  calendar_entry stored;
  try {
    stored = read_calendar_entry(ctx_.tx().exec_prepared1(
      "calendar_insert", e.employee_id, e.date, e.title, e.description,
      e.recurrence, e.interval, e.until));
  } catch (const pqxx::foreign_key_violation&) {
    throw db::domain_error(errc::not_found,
                           "user " + e.employee_id + " not found");
  }
  ctx_.emit(events::schedule_changed(stored, true));
  return stored;
}

std::vector<calendar_entry> pg_calendar::calendar_of(const std::string& user) {
  if (ctx_.tx().exec_prepared("calendar_user_exists", user).empty())
    throw db::domain_error(errc::not_found, "user " + user + " not found");
  return read_calendar_entries(ctx_.tx().exec_prepared("calendar_of", user));
}

calendar_entry pg_calendar::delete_calendar_entry(const std::string& user,
                                                  int64_t id) {
  auto rows = ctx_.tx().exec_prepared("calendar_delete", user, id);
  if (rows.empty())
    throw db::domain_error(errc::not_found, "calendar entry "
                                              + std::to_string(id) + " of user "
                                              + user + " not found");
  auto removed = read_calendar_entry(rows[0]);
  ctx_.emit(events::schedule_changed(removed, false));
  return removed;
}

} // namespace lunch
