#pragma once

// A schedule of the cluster's scheduler (the old Celery beat, spec §5) as
// the config (`scheduler.schedules.NAME`) and `schedule list` write it:
// which job kind runs with which arguments, at a time of day on some
// weekdays or every N seconds, in a named time zone; the text formats of
// its fields and the old beat's defaults. CAF-free. Which slot is due:
// actors/scheduler/schedule_rules.hpp.

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "messages/errc.hpp"

namespace date {
class time_zone;
}

namespace lunch::sched {

struct schedule_spec {
  std::string name;
  std::string kind;        // a job kind (messages/job_kinds.hpp)
  std::string args = "{}"; // the job's arguments, JSON object text
  int32_t hour = 0;
  int32_t minute = 0;
  int32_t second = 0;
  std::vector<int32_t> weekdays; // 0 Sunday … 6 Saturday; empty: every day
  int64_t every_s = 0;           // > 0: an interval schedule (no time of day)
};

/// The old beat schedule (spec §5), in the configured zone:
/// daily-recommendation-cache every day 00:00 → recommendations,
/// weekly-data-cleanup Sunday 02:00 → cleanup,
/// daily-user-analytics every day 18:00 → user-analytics for all users.
std::vector<schedule_spec> default_schedules();

inline constexpr const char* default_time_zone = "Asia/Seoul";

/// The zone of an IANA name (tz database), or nothing if unknown.
const date::time_zone* find_zone(const std::string& name);

/// Reads "HH:MM" or "HH:MM:SS" into `spec`.
outcome parse_time_of_day(std::string_view text, schedule_spec& spec);

/// Reads a weekday name ("sun", "monday", case-insensitive) as 0 … 6.
std::optional<int32_t> parse_weekday(std::string_view text);

/// Weekday names by number, 0 Sunday … 6 Saturday.
inline constexpr std::array<const char*, 7> weekday_names{
  "sun", "mon", "tue", "wed", "thu", "fri", "sat"};

} // namespace lunch::sched
