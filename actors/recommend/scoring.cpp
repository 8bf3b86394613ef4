#include "actors/recommend/scoring.hpp"

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <set>
#include <string_view>
#include <vector>

#include "actors/user/user_rules.hpp"

namespace lunch::rec {

namespace {

std::set<std::string> as_set(const std::vector<std::string>& xs) {
  return {xs.begin(), xs.end()};
}

size_t common(const std::set<std::string>& a, const std::set<std::string>& b) {
  size_t n = 0;
  for (auto& x : a)
    n += b.count(x);
  return n;
}

/// The cuisines of a main_dish_genre string: split on "," without trimming;
/// empty pieces are no cuisine.
std::set<std::string> split_commas(const std::string& s) {
  std::set<std::string> out;
  size_t start = 0;
  while (start <= s.size()) {
    auto comma = std::min(s.find(',', start), s.size());
    if (comma > start)
      out.insert(s.substr(start, comma - start));
    start = comma + 1;
  }
  return out;
}

} // namespace

size_t common_items(const std::vector<std::string>& a,
                    const std::vector<std::string>& b) {
  return common(as_set(a), as_set(b));
}

double compat01(const rec_user& u, const rec_user& v) {
  double score = 0.0;
  if (common_items(u.food_preferences, v.food_preferences) > 0)
    score += 0.3;
  if (!u.preferred_time.empty() && u.preferred_time == v.preferred_time)
    score += 0.2;
  if (common_items(u.frequent_areas, v.frequent_areas) > 0)
    score += 0.2;
  if (!u.allergies.empty() && !v.allergies.empty()
      && common_items(u.allergies, v.allergies) == 0)
    score += 0.1;
  score += 0.2;
  return std::min(1.0, score);
}

double pattern01(const rec_user& u, const rec_user& v) {
  double score = 0.0;
  if (u.preferred_time == v.preferred_time)
    score += 0.5;
  if (u.main_dish_genre == v.main_dish_genre)
    score += 0.3;
  return std::min(1.0, score);
}

int suggest_score(const rec_user& requester, const rec_user& v) {
  return static_cast<int>(common_items(requester.lunch_styles, v.lunch_styles)
                          + common(split_commas(requester.main_dish_genre),
                                   split_commas(v.main_dish_genre)));
}

std::string dining_label(day_t today, std::optional<day_t> last) {
  if (!last)
    return "처음 만나는 동료";
  auto d = today - *last;
  if (d < 0)
    return "알 수 없음";
  if (d == 0)
    return "오늘";
  if (d == 1)
    return "어제";
  if (d < 7)
    return std::to_string(d) + "일 전";
  if (d < 30)
    return std::to_string(d / 7) + "주 전";
  if (d < 365)
    return std::to_string(d / 30) + "개월 전";
  return std::to_string(d / 365) + "년 전";
}

std::string display_nickname(const rec_user& u) {
  return u.nickname.empty() ? "익명" : u.nickname;
}

std::string first_lunch_style(const rec_user& u) {
  return u.lunch_styles.empty() ? std::string{} : u.lunch_styles.front();
}

std::string joined_lunch_styles(const rec_user& u) {
  return comma_join(u.lunch_styles);
}

double round2(double x) {
  // printf rounds the exact binary value correctly (ties to even), as
  // Python's round() does; reading it back gives the nearest double.
  char buf[64];
  std::snprintf(buf, sizeof(buf), "%.2f", x);
  return std::strtod(buf, nullptr);
}

} // namespace lunch::rec
