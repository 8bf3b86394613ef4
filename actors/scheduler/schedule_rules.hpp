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

#include "messages/schedule_model.hpp"

namespace lunch::sched {

using seconds_t
  = std::chrono::time_point<std::chrono::system_clock, std::chrono::seconds>;

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
