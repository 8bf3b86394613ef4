#include <catch2/catch.hpp>

#include "actors/user/calendar_rules.hpp"

using namespace lunch;

namespace {

calendar_entry dentist() {
  calendar_entry e;
  e.employee_id = "7";
  e.date = "2026-11-24";
  e.title = "치과";
  return e;
}

// The field an invalid entry is refused for ("" when it is valid).
std::string refused_field(const calendar_entry& e) {
  auto r = validate_calendar_entry(e);
  if (r.ok())
    return "";
  CHECK(r.code == errc::invalid_argument);
  return r.message.substr(0, r.message.find(':'));
}

} // namespace

TEST_CASE("a one-day calendar entry needs a user, a real date and a title",
          "[calendar]") {
  CHECK(refused_field(dentist()).empty());
  auto e = dentist();
  e.employee_id.clear();
  CHECK(refused_field(e) == "employee_id");
  for (auto bad : {"", "2026-02-29", "2026-13-01", "2026-11-31", "26-11-24",
                   "2026/11/24", "2026-11-2x", "1899-12-31"}) {
    e = dentist();
    e.date = bad;
    CHECK(refused_field(e) == "date");
  }
  e = dentist();
  e.date = "2028-02-29"; // leap year
  CHECK(refused_field(e).empty());
  e = dentist();
  e.title.clear();
  CHECK(refused_field(e) == "title");
  e.title = std::string(101, 'x');
  CHECK(refused_field(e) == "title");
  e.title = "\xff";
  CHECK(refused_field(e) == "title");
  e = dentist();
  e.description = std::string(1001, 'x');
  CHECK(refused_field(e) == "description");
  e.description = "정기 검진";
  CHECK(refused_field(e).empty());
}

TEST_CASE("recurrence, interval and until", "[calendar]") {
  auto e = dentist();
  for (auto ok : {"", "weekly", "monthly", "yearly"}) {
    e.recurrence = ok;
    CHECK(refused_field(e).empty());
    CHECK(is_calendar_recurrence(ok));
  }
  for (auto bad : {"daily", "Weekly", " weekly", "week"}) {
    e.recurrence = bad;
    CHECK(refused_field(e) == "recurrence");
    CHECK_FALSE(is_calendar_recurrence(bad));
  }
  e = dentist();
  e.recurrence = "weekly";
  e.interval = 0;
  CHECK(refused_field(e) == "interval");
  e.interval = -3;
  CHECK(refused_field(e) == "interval");
  e.interval = 2;
  CHECK(refused_field(e).empty());
  // until: a real date, not before the first day, only when repeating.
  e.until = "2026-11-24";
  CHECK(refused_field(e).empty());
  e.until = "2027-06-30";
  CHECK(refused_field(e).empty());
  e.until = "2026-11-23";
  CHECK(refused_field(e) == "until");
  e.until = "2027-02-30";
  CHECK(refused_field(e) == "until");
  e.recurrence.clear();
  e.until = "2027-06-30";
  CHECK(refused_field(e) == "until");
}
