#pragma once

// Dates as day numbers (days since 1970-01-01) and the occurrences of
// calendar entries (docs/recommend.md "Availability", spec §10.4).

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "messages/recommend_model.hpp"

namespace lunch::rec {

/// The day number of a real "YYYY-MM-DD" date, or nothing.
std::optional<day_t> parse_day(std::string_view text);

/// "YYYY-MM-DD" of a day number.
std::string format_day(day_t day);

/// Saturday or Sunday.
bool is_weekend(day_t day);

/// YYYYMMDD as an integer (the date term of §4.7).
int64_t day_as_integer(day_t day);

/// Today in Asia/Seoul (UTC + 9 h; Korea has no daylight saving time).
day_t today_in_seoul();

/// A calendar entry with its dates parsed once.
struct occurrence_rule {
  int64_t id = 0;
  day_t first = 0;
  char unit = 0; // 0 one day, 'w' weekly, 'm' monthly, 'y' yearly
  int32_t interval = 1;
  std::optional<day_t> until;
};

/// Parses an entry's dates; nothing if its date is not a real date.
std::optional<occurrence_rule> rule_of(const calendar_entry& entry);

/// Whether the entry occurs on `day`: its first date, or first + k·interval
/// weeks/months/years (k ≥ 1, up to `until`); a month without that day
/// gives its last day.
bool occurs_on(const occurrence_rule& rule, day_t day);

} // namespace lunch::rec
