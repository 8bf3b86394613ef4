#include "actors/scheduler/schedule_rules.hpp"

#include <algorithm>
#include <array>
#include <cctype>

#include <date/date.h>
#include <date/tz.h>

namespace lunch::sched {

namespace {

bool allowed(const schedule_spec& spec, date::weekday wd) {
  if (spec.weekdays.empty())
    return true;
  auto n = static_cast<int32_t>(wd.c_encoding());
  return std::find(spec.weekdays.begin(), spec.weekdays.end(), n)
         != spec.weekdays.end();
}

// The slot on local day `day`: its wall time in the zone. A time skipped
// by a daylight-saving jump maps to the jump's instant; a repeated time
// takes its first occurrence (Asia/Seoul has neither).
seconds_t slot_on(const schedule_spec& spec, const date::time_zone* zone,
                  date::local_days day) {
  auto local = date::local_seconds{day} + std::chrono::hours{spec.hour}
               + std::chrono::minutes{spec.minute}
               + std::chrono::seconds{spec.second};
  auto info = zone->get_info(local);
  if (info.result == date::local_info::nonexistent)
    return date::floor<std::chrono::seconds>(info.first.end);
  return date::floor<std::chrono::seconds>(
    zone->to_sys(local, date::choose::earliest));
}

date::local_days local_day_of(const date::time_zone* zone, seconds_t t) {
  return date::floor<date::days>(zone->to_local(t));
}

} // namespace

std::optional<seconds_t> latest_slot(const schedule_spec& spec,
                                     const date::time_zone* zone, seconds_t t) {
  if (spec.every_s > 0) {
    auto s = to_epoch(t);
    return from_epoch(s - ((s % spec.every_s) + spec.every_s) % spec.every_s);
  }
  auto day = local_day_of(zone, t);
  // Today's slot may still be ahead: look back over eight days.
  for (int i = 0; i <= 7; ++i) {
    auto d = day - date::days{i};
    if (!allowed(spec, date::weekday{d}))
      continue;
    auto slot = slot_on(spec, zone, d);
    if (slot <= t)
      return slot;
  }
  return std::nullopt;
}

std::optional<seconds_t> next_slot(const schedule_spec& spec,
                                   const date::time_zone* zone, seconds_t t) {
  if (spec.every_s > 0)
    return *latest_slot(spec, zone, t) + std::chrono::seconds{spec.every_s};
  auto day = local_day_of(zone, t);
  for (int i = 0; i <= 8; ++i) {
    auto d = day + date::days{i};
    if (!allowed(spec, date::weekday{d}))
      continue;
    auto slot = slot_on(spec, zone, d);
    if (slot > t)
      return slot;
  }
  return std::nullopt;
}

std::optional<seconds_t> due_slot(const schedule_spec& spec,
                                  const date::time_zone* zone, seconds_t last,
                                  seconds_t now) {
  auto slot = latest_slot(spec, zone, now);
  if (slot && *slot > last)
    return slot;
  return std::nullopt;
}

std::string describe(const schedule_spec& spec) {
  if (spec.every_s > 0)
    return "every " + std::to_string(spec.every_s) + " s";
  std::string days;
  if (spec.weekdays.empty()) {
    days = "every day";
  } else {
    auto sorted = spec.weekdays;
    std::sort(sorted.begin(), sorted.end());
    for (auto d : sorted) {
      if (!days.empty())
        days += ',';
      days += weekday_names[static_cast<size_t>(d)];
    }
  }
  char time[16];
  if (spec.second != 0)
    snprintf(time, sizeof time, "%02d:%02d:%02d", spec.hour, spec.minute,
             spec.second);
  else
    snprintf(time, sizeof time, "%02d:%02d", spec.hour, spec.minute);
  return days + " " + time;
}

std::string format_local(seconds_t t, const date::time_zone* zone) {
  return date::format("%F %T %Z", date::make_zoned(zone, t));
}

int64_t to_epoch(seconds_t t) {
  return t.time_since_epoch().count();
}

seconds_t from_epoch(int64_t s) {
  return seconds_t{std::chrono::seconds{s}};
}

} // namespace lunch::sched
