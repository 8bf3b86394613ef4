#pragma once

// The schedules of the cluster's scheduler (the old Celery beat, spec §5):
// what runs when, in a named time zone, and which slot is due. CAF-free.
//
// A schedule fires at a wall-clock time of day on some weekdays (every day
// by default), or every N seconds (slots at the multiples of N since the
// epoch, Celery beat's interval schedule). Its slots are those instants; the
// scheduler persists the last slot it fired and fires the latest slot after it
// once it is due, so a restart or a takeover neither misses a slot nor fires
// one twice, and slots missed while no scheduler ran collapse into one firing.

#include <chrono>
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

using seconds_t
  = std::chrono::time_point<std::chrono::system_clock, std::chrono::seconds>;

struct schedule_spec {
  std::string name;
  std::string kind;        // a job kind (actors/jobs/job_rules.hpp)
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

/// The latest slot at or before `t`, or nothing (no weekday allowed).
std::optional<seconds_t> latest_slot(const schedule_spec& spec,
                                     const date::time_zone* zone, seconds_t t);

/// The first slot after `t`, or nothing (no weekday allowed).
std::optional<seconds_t> next_slot(const schedule_spec& spec,
                                   const date::time_zone* zone, seconds_t t);

/// The slot to fire now: the latest slot at or before `now` if it is later
/// than `last` (the last slot fired), else nothing.
std::optional<seconds_t> due_slot(const schedule_spec& spec,
                                  const date::time_zone* zone, seconds_t last,
                                  seconds_t now);

/// "every day 00:00", "sun 02:00", "mon,wed 09:30:15", "every 10 s".
std::string describe(const schedule_spec& spec);

/// "2026-11-22 00:00:00 KST": `t` as wall time in `zone`, with its
/// abbreviation.
std::string format_local(seconds_t t, const date::time_zone* zone);

/// Seconds since the epoch and back (the catalog stores slots so).
int64_t to_epoch(seconds_t t);
seconds_t from_epoch(int64_t s);

} // namespace lunch::sched
