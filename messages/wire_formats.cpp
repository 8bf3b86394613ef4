#include "messages/wire_formats.hpp"

namespace lunch {

namespace {

bool is_leap(int year) {
  return (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
}

bool is_blank(char c) {
  return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v'
         || c == '\f';
}

} // namespace

bool is_iso_date(std::string_view s) {
  if (s.size() != 10 || s[4] != '-' || s[7] != '-')
    return false;
  auto number = [&](size_t pos, size_t len, int& out) {
    out = 0;
    for (size_t i = pos; i < pos + len; ++i) {
      if (s[i] < '0' || s[i] > '9')
        return false;
      out = out * 10 + (s[i] - '0');
    }
    return true;
  };
  int year = 0;
  int month = 0;
  int day = 0;
  if (!number(0, 4, year) || !number(5, 2, month) || !number(8, 2, day))
    return false;
  if (year < 1900 || month < 1 || month > 12 || day < 1)
    return false;
  static constexpr int days_in_month[] = {31, 28, 31, 30, 31, 30,
                                          31, 31, 30, 31, 30, 31};
  auto last = days_in_month[month - 1] + (month == 2 && is_leap(year) ? 1 : 0);
  return day <= last;
}

bool is_hhmm(std::string_view s) {
  auto digit = [&](size_t i) { return s[i] >= '0' && s[i] <= '9'; };
  if (s.size() != 5 || s[2] != ':' || !digit(0) || !digit(1) || !digit(3)
      || !digit(4))
    return false;
  auto hh = (s[0] - '0') * 10 + (s[1] - '0');
  auto mm = (s[3] - '0') * 10 + (s[4] - '0');
  return hh <= 23 && mm <= 59;
}

std::string comma_join(const std::vector<std::string>& items) {
  std::string result;
  for (size_t i = 0; i < items.size(); ++i) {
    if (i > 0)
      result += ',';
    result += items[i];
  }
  return result;
}

std::vector<std::string> comma_split(std::string_view s) {
  std::vector<std::string> result;
  while (true) {
    auto comma = s.find(',');
    auto item = s.substr(0, comma);
    while (!item.empty() && is_blank(item.front()))
      item.remove_prefix(1);
    while (!item.empty() && is_blank(item.back()))
      item.remove_suffix(1);
    if (!item.empty())
      result.emplace_back(item);
    if (comma == std::string_view::npos)
      return result;
    s.remove_prefix(comma + 1);
  }
}

} // namespace lunch
