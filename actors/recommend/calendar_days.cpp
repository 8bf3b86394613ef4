#include "actors/recommend/calendar_days.hpp"

#include <chrono>

#include <date/date.h>

namespace lunch::rec {

namespace {

date::year_month_day ymd_of(day_t day) {
  return date::year_month_day{date::sys_days{date::days{day}}};
}

day_t day_of(const date::year_month_day& ymd) {
  return date::sys_days{ymd}.time_since_epoch().count();
}

/// `first` moved by `months` calendar months, clamped to the month's end.
day_t add_months(day_t first, int64_t months) {
  auto ymd = ymd_of(first);
  auto moved = ymd.year() / ymd.month() + date::months{months};
  auto last = date::year_month_day_last{moved.year(),
                                        date::month_day_last{moved.month()}};
  auto dom = ymd.day() <= last.day() ? ymd.day() : last.day();
  return day_of(moved.year() / moved.month() / dom);
}

int64_t months_between(day_t from, day_t to) {
  auto a = ymd_of(from);
  auto b = ymd_of(to);
  return (int{b.year()} - int{a.year()}) * 12
         + (static_cast<int64_t>(unsigned{b.month()})
            - static_cast<int64_t>(unsigned{a.month()}));
}

} // namespace

std::optional<day_t> parse_day(std::string_view text) {
  if (text.size() != 10 || text[4] != '-' || text[7] != '-')
    return std::nullopt;
  int parts[3] = {0, 0, 0};
  size_t starts[3] = {0, 5, 8};
  size_t lengths[3] = {4, 2, 2};
  for (int p = 0; p < 3; ++p)
    for (size_t i = 0; i < lengths[p]; ++i) {
      auto c = text[starts[p] + i];
      if (c < '0' || c > '9')
        return std::nullopt;
      parts[p] = parts[p] * 10 + (c - '0');
    }
  auto ymd = date::year{parts[0]} / date::month{unsigned(parts[1])}
             / date::day{unsigned(parts[2])};
  if (!ymd.ok())
    return std::nullopt;
  return day_of(ymd);
}

std::string format_day(day_t day) {
  return date::format("%F", date::sys_days{date::days{day}});
}

bool is_weekend(day_t day) {
  auto wd = date::weekday{date::sys_days{date::days{day}}};
  return wd == date::Saturday || wd == date::Sunday;
}

int64_t day_as_integer(day_t day) {
  auto ymd = ymd_of(day);
  return int{ymd.year()} * 10000LL + unsigned{ymd.month()} * 100LL
         + unsigned{ymd.day()};
}

day_t today_in_seoul() {
  auto now = std::chrono::system_clock::now() + std::chrono::hours{9};
  return date::floor<date::days>(now).time_since_epoch().count();
}

std::optional<occurrence_rule> rule_of(const calendar_entry& entry) {
  auto first = parse_day(entry.date);
  if (!first)
    return std::nullopt;
  occurrence_rule rule;
  rule.id = entry.id;
  rule.first = *first;
  rule.interval = entry.interval < 1 ? 1 : entry.interval;
  if (entry.recurrence == "weekly")
    rule.unit = 'w';
  else if (entry.recurrence == "monthly")
    rule.unit = 'm';
  else if (entry.recurrence == "yearly")
    rule.unit = 'y';
  if (!entry.until.empty())
    rule.until = parse_day(entry.until);
  return rule;
}

bool occurs_on(const occurrence_rule& rule, day_t day) {
  if (day == rule.first)
    return true;
  if (rule.unit == 0 || day < rule.first || (rule.until && day > *rule.until))
    return false;
  if (rule.unit == 'w')
    return (day - rule.first) % (7LL * rule.interval) == 0;
  // Monthly and yearly: the only candidate is k whole steps of months.
  auto step = rule.unit == 'm' ? rule.interval : 12LL * rule.interval;
  auto months = months_between(rule.first, day);
  if (months <= 0 || months % step != 0)
    return false;
  return add_months(rule.first, months) == day;
}

} // namespace lunch::rec
