#include "actors/recommend/natural_order.hpp"

namespace lunch::rec {

namespace {

bool is_digit(char c) {
  return c >= '0' && c <= '9';
}

/// The maximal run of digits or of non-digits starting at `pos`.
std::string_view run_at(std::string_view s, size_t pos) {
  auto digits = is_digit(s[pos]);
  auto end = pos;
  while (end < s.size() && is_digit(s[end]) == digits)
    ++end;
  return s.substr(pos, end - pos);
}

/// Compares two digit runs by value without overflowing: strip leading
/// zeros, then the longer number is larger, else compare the digits.
int compare_numbers(std::string_view a, std::string_view b) {
  auto strip = [](std::string_view x) {
    auto i = x.find_first_not_of('0');
    return i == std::string_view::npos ? std::string_view{} : x.substr(i);
  };
  a = strip(a);
  b = strip(b);
  if (a.size() != b.size())
    return a.size() < b.size() ? -1 : 1;
  return a.compare(b);
}

/// Run-by-run comparison; 0 when the ids are equal under the natural rules.
int compare_runs(std::string_view a, std::string_view b) {
  size_t i = 0;
  size_t j = 0;
  while (i < a.size() && j < b.size()) {
    auto ra = run_at(a, i);
    auto rb = run_at(b, j);
    auto da = is_digit(ra[0]);
    auto db = is_digit(rb[0]);
    int c = 0;
    if (da && db)
      c = compare_numbers(ra, rb);
    else if (da != db)
      c = da ? -1 : 1;
    else
      c = ra.compare(rb); // std::string_view compares as unsigned bytes
    if (c != 0)
      return c;
    i += ra.size();
    j += rb.size();
  }
  if (i < a.size())
    return 1;
  if (j < b.size())
    return -1;
  return 0;
}

} // namespace

bool natural_less(std::string_view a, std::string_view b) {
  auto c = compare_runs(a, b);
  return c != 0 ? c < 0 : a < b;
}

} // namespace lunch::rec
