#pragma once

// How a calendar_entries row is selected and read (shared by the calendar
// statements and the recommendation snapshot).

#include <vector>

#include <pqxx/result>
#include <pqxx/row>

#include "messages/recommend_model.hpp"

namespace lunch {

/// The columns read_calendar_entry expects, in order.
inline constexpr const char* calendar_columns = R"(
  id, employee_id, entry_date::text, title, description, recurrence,
  interval_n, coalesce(until::text, ''),
  to_char(created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"'))";

inline calendar_entry read_calendar_entry(const pqxx::row& r) {
  calendar_entry e;
  e.id = r[0].as<int64_t>();
  e.employee_id = r[1].as<std::string>();
  e.date = r[2].as<std::string>();
  e.title = r[3].as<std::string>();
  e.description = r[4].as<std::string>();
  e.recurrence = r[5].as<std::string>();
  e.interval = r[6].as<int32_t>();
  e.until = r[7].as<std::string>();
  e.created_at = r[8].as<std::string>();
  return e;
}

inline std::vector<calendar_entry>
read_calendar_entries(const pqxx::result& rows) {
  std::vector<calendar_entry> result;
  result.reserve(rows.size());
  for (const auto& r : rows)
    result.push_back(read_calendar_entry(r));
  return result;
}

} // namespace lunch
