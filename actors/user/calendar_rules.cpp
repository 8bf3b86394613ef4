#include "actors/user/calendar_rules.hpp"

#include <string>

#include "actors/user/user_rules.hpp"
#include "messages/wire_formats.hpp"

namespace lunch {

namespace {

constexpr size_t max_title_length = 100;
constexpr size_t max_description_length = 1000;

} // namespace

bool is_calendar_recurrence(std::string_view s) {
  return s.empty() || s == "weekly" || s == "monthly" || s == "yearly";
}

outcome validate_calendar_entry(const calendar_entry& e) {
  if (e.employee_id.empty())
    return invalid_field("employee_id", "required");
  if (e.date.empty())
    return invalid_field("date", "required");
  if (!is_iso_date(e.date))
    return invalid_field("date", "must be a real date YYYY-MM-DD");
  if (e.title.empty())
    return invalid_field("title", "required");
  if (auto r = check_text("title", e.title, max_title_length); !r.ok())
    return r;
  if (auto r = check_text("description", e.description, max_description_length);
      !r.ok())
    return r;
  if (!is_calendar_recurrence(e.recurrence))
    return invalid_field("recurrence",
                         "must be weekly, monthly, yearly or empty");
  if (e.interval < 1)
    return invalid_field("interval", "must be at least 1");
  if (!e.until.empty()) {
    if (e.recurrence.empty())
      return invalid_field("until", "only a repeating entry has an end date");
    if (!is_iso_date(e.until))
      return invalid_field("until", "must be a real date YYYY-MM-DD");
    // ISO dates compare as text in calendar order.
    if (e.until < e.date)
      return invalid_field("until", "must not be before date");
  }
  return {};
}

} // namespace lunch
