#include "messages/schedule_model.hpp"

#include <cctype>

#include <date/tz.h>

namespace lunch::sched {

namespace {

int32_t two_digits(std::string_view s, size_t at) {
  if (at + 2 > s.size() || !isdigit(static_cast<unsigned char>(s[at]))
      || !isdigit(static_cast<unsigned char>(s[at + 1])))
    return -1;
  return (s[at] - '0') * 10 + (s[at + 1] - '0');
}

} // namespace

std::vector<schedule_spec> default_schedules() {
  schedule_spec recs;
  recs.name = "daily-recommendation-cache";
  recs.kind = "recommendations";
  schedule_spec cleanup;
  cleanup.name = "weekly-data-cleanup";
  cleanup.kind = "cleanup";
  cleanup.hour = 2;
  cleanup.weekdays = {0};
  // The old task was called with the literal 'all' (spec §5); the intent
  // is every user, which is the job's default.
  schedule_spec analytics;
  analytics.name = "daily-user-analytics";
  analytics.kind = "user-analytics";
  analytics.hour = 18;
  return {recs, cleanup, analytics};
}

const date::time_zone* find_zone(const std::string& name) {
  try {
    return date::locate_zone(name);
  } catch (const std::exception&) {
    return nullptr;
  }
}

outcome parse_time_of_day(std::string_view text, schedule_spec& spec) {
  auto bad = [&] {
    return invalid_field("at", "must be HH:MM or HH:MM:SS (00:00 to 23:59:59)");
  };
  if (text.size() != 5 && text.size() != 8)
    return bad();
  auto h = two_digits(text, 0);
  auto m = two_digits(text, 3);
  auto s = text.size() == 8 ? two_digits(text, 6) : 0;
  if (text[2] != ':' || (text.size() == 8 && text[5] != ':') || h < 0 || h > 23
      || m < 0 || m > 59 || s < 0 || s > 59)
    return bad();
  spec.hour = h;
  spec.minute = m;
  spec.second = s;
  return {};
}

std::optional<int32_t> parse_weekday(std::string_view text) {
  static const std::array<const char*, 7> long_names{"sunday",   "monday",
                                                     "tuesday",  "wednesday",
                                                     "thursday", "friday",
                                                     "saturday"};
  std::string lower;
  for (char c : text)
    lower += static_cast<char>(tolower(static_cast<unsigned char>(c)));
  for (int32_t i = 0; i < 7; ++i)
    if (lower == weekday_names[static_cast<size_t>(i)]
        || lower == long_names[static_cast<size_t>(i)])
      return i;
  return std::nullopt;
}

} // namespace lunch::sched
