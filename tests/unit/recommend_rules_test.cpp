// The building blocks of recommendations (docs/recommend.md): user order,
// random terms, calendar occurrences, pairwise scores, group shapes, labels
// and the §4.7 group score (S17).

#include <map>

#include <catch2/catch.hpp>

#include "actors/recommend/calendar_days.hpp"
#include "actors/recommend/daily.hpp"
#include "actors/recommend/natural_order.hpp"
#include "actors/recommend/random_terms.hpp"
#include "actors/recommend/scoring.hpp"
#include "actors/recommend/smart.hpp"

using namespace lunch;
using namespace lunch::rec;

namespace {

day_t day(const char* text) {
  auto d = parse_day(text);
  REQUIRE(d);
  return *d;
}

rec_user profile(std::vector<std::string> food, std::vector<std::string> styles,
                 std::string time) {
  rec_user u;
  u.food_preferences = std::move(food);
  u.lunch_styles = std::move(styles);
  u.allergies = {"없음"};
  u.preferred_time = std::move(time);
  return u;
}

} // namespace

TEST_CASE("users are ordered naturally by employee id", "[recommend]") {
  CHECK(natural_less("1", "2"));
  CHECK(natural_less("2", "10"));
  CHECK_FALSE(natural_less("10", "2"));
  CHECK(natural_less("KOICA9", "KOICA10"));
  CHECK(natural_less("9", "a"));    // a digit run before any other run
  CHECK(natural_less("ab", "abc")); // a prefix first
  CHECK(natural_less("01", "1"));   // equal by value: bytewise
  CHECK_FALSE(natural_less("1", "01"));
  CHECK_FALSE(natural_less("u7", "u7"));
}

TEST_CASE("random terms are counter based and match the reference",
          "[recommend]") {
  // Values computed with the formulas of docs/recommend.md in Python.
  CHECK(fnv("1") == 0xaf63ac4c86019afcULL);
  CHECK(mix(1) == 0x5692161d100b05e5ULL);
  auto d = day("2026-11-23");
  CHECK(d == 20780);
  CHECK(smart_term(42, d, fnv("1"), fnv("5")) == 26.52837849542512);
  CHECK(daily_term(7, d, fnv("3")) == 0.37307940014683927);
  CHECK(smart_term(0, d, fnv("1"), fnv("5")) == 0.0); // seed zero: off
  CHECK(daily_term(0, d, fnv("3")) == 0.0);
}

TEST_CASE("dates parse strictly and know weekends", "[recommend]") {
  CHECK_FALSE(parse_day("2026-02-29"));
  CHECK_FALSE(parse_day("2026-1-05"));
  CHECK_FALSE(parse_day("yesterday"));
  CHECK(format_day(day("2024-02-29")) == "2024-02-29");
  CHECK(is_weekend(day("2026-11-21"))); // Saturday
  CHECK(is_weekend(day("2026-11-22")));
  CHECK_FALSE(is_weekend(day("2026-11-23")));
  CHECK(day_as_integer(day("2025-03-10")) == 20250310);
}

TEST_CASE("calendar entries recur by interval, month ends and until",
          "[recommend]") {
  calendar_entry e;
  e.id = 1;
  e.date = "2026-01-31";
  auto once = rule_of(e);
  REQUIRE(once);
  CHECK(occurs_on(*once, day("2026-01-31")));
  CHECK_FALSE(occurs_on(*once, day("2026-02-07")));

  e.recurrence = "weekly";
  e.interval = 2;
  auto fortnightly = rule_of(e);
  CHECK(occurs_on(*fortnightly, day("2026-02-14")));
  CHECK_FALSE(occurs_on(*fortnightly, day("2026-02-07")));
  CHECK_FALSE(occurs_on(*fortnightly, day("2026-01-17"))); // before the start

  e.recurrence = "monthly";
  e.interval = 1;
  e.until = "2026-04-30";
  auto monthly = rule_of(e);
  CHECK(occurs_on(*monthly, day("2026-02-28"))); // no Feb 31: its last day
  CHECK(occurs_on(*monthly, day("2026-03-31")));
  CHECK(occurs_on(*monthly, day("2026-04-30")));
  CHECK_FALSE(occurs_on(*monthly, day("2026-03-28")));
  CHECK_FALSE(occurs_on(*monthly, day("2026-05-31"))); // after until

  calendar_entry leap;
  leap.id = 2;
  leap.date = "2024-02-29";
  leap.recurrence = "yearly";
  auto yearly = rule_of(leap);
  CHECK(occurs_on(*yearly, day("2025-02-28")));
  CHECK(occurs_on(*yearly, day("2028-02-29")));
  CHECK_FALSE(occurs_on(*yearly, day("2028-02-28")));
}

TEST_CASE("group shapes follow §4.2 step 5 for every n", "[recommend]") {
  using shapes = std::vector<std::vector<int32_t>>;
  CHECK(group_shapes(0).empty());
  CHECK(group_shapes(1) == shapes{{0}});
  CHECK(group_shapes(2) == shapes{{0, 1}, {0}});
  CHECK(group_shapes(3) == shapes{{0, 1, 2}, {0, 1}, {1, 2}, {0}});
  CHECK(
    group_shapes(4)
    == shapes{
      {0, 1, 2}, {0, 1, 3}, {0, 2, 3}, {1, 2, 3}, {0, 1}, {1, 2}, {2, 3}, {0}});
  auto ten = shapes{{0, 1, 2}, {0, 1, 3}, {0, 2, 3}, {0, 2, 4}, {1, 2, 3},
                    {1, 2, 4}, {0, 1},    {1, 2},    {2, 3},    {0}};
  CHECK(group_shapes(5) == ten);
  CHECK(group_shapes(19) == ten);
}

TEST_CASE("S17: compatibility and pattern scores", "[recommend]") {
  // Seed users 1, 2, 3 and 5 (spec §2.9).
  auto u1 = profile({"한식", "중식"}, {}, "12:00");
  u1.main_dish_genre = "한식,중식";
  u1.frequent_areas = {"강남구", "서초구"};
  auto u2 = profile({"양식", "일식"}, {}, "12:00");
  u2.main_dish_genre = "양식,일식";
  u2.frequent_areas = u1.frequent_areas;
  auto u3 = profile({"한식", "분식"}, {}, "12:00");
  u3.main_dish_genre = "한식,분식";
  u3.frequent_areas = u1.frequent_areas;
  auto u5 = u1;
  CHECK(compat01(u1, u2) == Approx(0.6));
  CHECK(compat01(u1, u3) == Approx(0.9));
  CHECK(compat01(rec_user{}, rec_user{}) == Approx(0.2));
  CHECK(pattern01(u1, u5) == Approx(0.8));
  CHECK(pattern01(u1, u2) == Approx(0.5));

  rank_attrs p1;
  rank_attrs p5;
  p1.genre = p5.genre = 1; // the same genre string
  CHECK(compat(p1, p5) == 30);
  p1.gender = 1; // 남
  p5.gender = 2; // 여
  CHECK(compat(p1, p5) == 45);
  p1.age = p5.age = 1; // both 20대
  CHECK(compat(p1, p5) == 65);
  p1.parties = 7;
  CHECK(pattern(p1, p5) == 0);
  p5.parties = 3;
  CHECK(pattern(p1, p5) == 10);
  p5.parties = 5;
  CHECK(pattern(p1, p5) == 20);
}

TEST_CASE("S17: group score of the virtual users", "[recommend]") {
  // group_matching.get_virtual_users_data of the old app (spec §4.7).
  std::map<int, rec_user> v{
    {1, profile({"한식", "중식"}, {"맛집 탐방", "새로운 메뉴 도전"}, "12:00")},
    {2, profile({"양식", "일식"}, {"건강한 음식", "다이어트"}, "12:30")},
    {3, profile({"한식", "분식"}, {"빠른 식사", "가성비"}, "12:00")},
    {4,
     profile({"양식", "한식"}, {"다양한 음식", "새로운 메뉴 도전"}, "12:00")},
    {5, profile({"중식", "한식"}, {"맛집 탐방", "분위기 좋은 곳"}, "12:00")},
    {6, profile({"일식", "양식"}, {"건강한 음식", "다이어트"}, "12:30")},
    {7, profile({"한식", "분식"}, {"빠른 식사", "가성비"}, "12:00")},
  };
  auto d = day("2025-03-10");
  CHECK(group_score({v[1], v[3], v[4]}, d) == 170);
  CHECK(group_score({v[1], v[5]}, d) == 95);
  CHECK(group_score({v[2], v[6]}, d) == 115);
  CHECK(group_score({v[7]}, d) == 10);
  CHECK(group_score({v[1], v[2], v[3], v[4], v[5]}, d) == 0);
  CHECK(group_score({v[7]}, day("2025-01-01")) == 10 + 11);
  CHECK(group_score({v[7]}, day("2024-12-31")) == 10);
}

TEST_CASE("last dining labels", "[recommend]") {
  auto today = day("2026-11-23");
  CHECK(dining_label(today, std::nullopt) == "처음 만나는 동료");
  CHECK(dining_label(today, today) == "오늘");
  CHECK(dining_label(today, today - 1) == "어제");
  CHECK(dining_label(today, today - 3) == "3일 전");
  CHECK(dining_label(today, today - 10) == "1주 전");
  CHECK(dining_label(today, today - 29) == "4주 전");
  CHECK(dining_label(today, today - 30) == "1개월 전");
  CHECK(dining_label(today, today - 364) == "12개월 전");
  CHECK(dining_label(today, today - 800) == "2년 전");
}

TEST_CASE("scores round like Python's round(x, 2)", "[recommend]") {
  CHECK(round2(0.125) == 0.12); // an exact tie goes to even
  CHECK(round2(0.375) == 0.38);
  CHECK(round2(0.6 + 0.3 * 0.8) == 0.84);
  CHECK(round2(0.98999999) == 0.99);
}
