// The scheduler's rules (the old Celery beat, spec §5): the default
// schedules, their slots in Asia/Seoul, which slot is due after a restart,
// interval schedules, and a zone with daylight saving time.

#include <cstdio>

#include <catch2/catch.hpp>

#include "actors/scheduler/schedule_rules.hpp"

#include <date/date.h>
#include <date/tz.h>

using namespace lunch::sched;

namespace {

// An instant written as UTC, "YYYY-MM-DD HH:MM:SS".
seconds_t utc(const char* text) {
  int y = 0, mo = 0, d = 0, h = 0, mi = 0, sec = 0;
  REQUIRE(std::sscanf(text, "%d-%d-%d %d:%d:%d", &y, &mo, &d, &h, &mi, &sec)
          == 6);
  return date::sys_days{date::year{y} / mo / d} + std::chrono::hours{h}
         + std::chrono::minutes{mi} + std::chrono::seconds{sec};
}

const date::time_zone* seoul() {
  auto z = find_zone("Asia/Seoul");
  REQUIRE(z != nullptr);
  return z;
}

schedule_spec named(const std::string& name) {
  for (auto& s : default_schedules())
    if (s.name == name)
      return s;
  FAIL("no default schedule " << name);
  return {};
}

} // namespace

TEST_CASE("the default beat schedule has exactly three entries", "[schedule]") {
  auto all = default_schedules();
  REQUIRE(all.size() == 3);
  CHECK(all[0].name == "daily-recommendation-cache");
  CHECK(all[0].kind == "recommendations");
  CHECK(describe(all[0]) == "every day 00:00");
  CHECK(all[1].name == "weekly-data-cleanup");
  CHECK(all[1].kind == "cleanup");
  CHECK(describe(all[1]) == "sun 02:00");
  CHECK(all[2].name == "daily-user-analytics");
  CHECK(all[2].kind == "user-analytics");
  CHECK(describe(all[2]) == "every day 18:00");
  CHECK(std::string{default_time_zone} == "Asia/Seoul");
}

TEST_CASE("slots are wall times in Asia/Seoul", "[schedule]") {
  auto z = seoul();
  auto recs = named("daily-recommendation-cache");
  // Saturday 2026-11-21 23:59:59 KST = 14:59:59 UTC.
  auto t = utc("2026-11-21 14:59:59");
  CHECK(*next_slot(recs, z, t) == utc("2026-11-21 15:00:00"));
  CHECK(*latest_slot(recs, z, t) == utc("2026-11-20 15:00:00"));
  CHECK(format_local(*next_slot(recs, z, t), z) == "2026-11-22 00:00:00 KST");
  // At the slot itself it is the latest, and the next is a day later.
  auto at = utc("2026-11-21 15:00:00");
  CHECK(*latest_slot(recs, z, at) == at);
  CHECK(*next_slot(recs, z, at) == utc("2026-11-22 15:00:00"));
  // Sunday 02:00 KST is Saturday 17:00 UTC.
  auto cleanup = named("weekly-data-cleanup");
  CHECK(*next_slot(cleanup, z, t) == utc("2026-11-21 17:00:00"));
  CHECK(*latest_slot(cleanup, z, t) == utc("2026-11-14 17:00:00"));
  auto analytics = named("daily-user-analytics");
  CHECK(format_local(*next_slot(analytics, z, t), z)
        == "2026-11-22 18:00:00 KST");
}

TEST_CASE("a due slot fires once, missed slots collapse into the latest",
          "[schedule]") {
  auto z = seoul();
  auto recs = named("daily-recommendation-cache");
  auto now = utc("2026-11-21 16:00:00"); // 01:00 KST on the 22nd
  auto latest = *latest_slot(recs, z, now);
  CHECK(latest == utc("2026-11-21 15:00:00"));
  // Fired already: nothing due until the next slot.
  CHECK_FALSE(due_slot(recs, z, latest, now).has_value());
  CHECK_FALSE(
    due_slot(recs, z, latest, utc("2026-11-22 14:59:59")).has_value());
  CHECK(*due_slot(recs, z, latest, utc("2026-11-22 15:00:00"))
        == utc("2026-11-22 15:00:00"));
  // Down for three days: one firing, the latest slot.
  CHECK(*due_slot(recs, z, utc("2026-11-18 15:00:00"), now) == latest);
}

TEST_CASE("interval schedules", "[schedule]") {
  auto z = seoul();
  schedule_spec every;
  every.name = "tick";
  every.kind = "noop";
  every.every_s = 10;
  CHECK(describe(every) == "every 10 s");
  auto t = utc("2026-11-21 10:00:07");
  CHECK(*latest_slot(every, z, t) == utc("2026-11-21 10:00:00"));
  CHECK(*next_slot(every, z, t) == utc("2026-11-21 10:00:10"));
  CHECK(*next_slot(every, z, utc("2026-11-21 10:00:10"))
        == utc("2026-11-21 10:00:20"));
  CHECK(*due_slot(every, z, utc("2026-11-21 09:59:30"), t)
        == utc("2026-11-21 10:00:00"));
}

TEST_CASE("weekday lists and times of day", "[schedule]") {
  schedule_spec s;
  CHECK(parse_time_of_day("09:30", s).ok());
  CHECK(s.hour == 9);
  CHECK(s.minute == 30);
  CHECK(s.second == 0);
  CHECK(parse_time_of_day("23:59:58", s).ok());
  CHECK(s.second == 58);
  for (auto bad : {"24:00", "9:30", "12:60", "12:00:60", "12-00", ""})
    CHECK(parse_time_of_day(bad, s).code == lunch::errc::invalid_argument);
  CHECK(parse_weekday("sun") == 0);
  CHECK(parse_weekday("Wednesday") == 3);
  CHECK(parse_weekday("SAT") == 6);
  CHECK_FALSE(parse_weekday("funday").has_value());
  s.hour = 9;
  s.minute = 30;
  s.second = 15;
  s.weekdays = {3, 1};
  CHECK(describe(s) == "mon,wed 09:30:15");
  // Monday 2026-11-23 09:30:15 KST is the next after Saturday.
  CHECK(*next_slot(s, seoul(), utc("2026-11-21 00:00:00"))
        == utc("2026-11-23 00:30:15"));
}

TEST_CASE("a time skipped by daylight saving fires at the jump", "[schedule]") {
  auto ny = find_zone("America/New_York");
  REQUIRE(ny != nullptr);
  schedule_spec s;
  s.hour = 2;
  s.minute = 30;
  // 2026-03-08 02:30 does not exist in New York (02:00 EST → 03:00 EDT,
  // 07:00 UTC).
  CHECK(*next_slot(s, ny, utc("2026-03-08 05:00:00"))
        == utc("2026-03-08 07:00:00"));
  CHECK(*next_slot(s, ny, utc("2026-03-09 00:00:00"))
        == utc("2026-03-09 06:30:00"));
  CHECK(find_zone("Mars/Olympus") == nullptr);
}
