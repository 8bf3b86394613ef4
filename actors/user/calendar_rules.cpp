#include "actors/user/calendar_rules.hpp"

#include <string>

#include "actors/party/party_rules.hpp"
#include "actors/user/user_rules.hpp"

namespace lunch {

namespace {

constexpr size_t max_title_length = 100;
constexpr size_t max_description_length = 1000;

outcome invalid(std::string_view field, std::string_view why) {
  std::string msg{field};
  msg += ": ";
  msg += why;
  return fail(errc::invalid_argument, std::move(msg));
}

outcome check_text(std::string_view field, const std::string& s,
                   size_t max_length) {
  if (!is_valid_utf8(s))
    return invalid(field, "must be valid UTF-8");
  if (utf8_length(s) > max_length)
    return invalid(field, "must be at most " + std::to_string(max_length)
                            + " characters");
  return {};
}

} // namespace

bool is_calendar_recurrence(std::string_view s) {
  return s.empty() || s == "weekly" || s == "monthly" || s == "yearly";
}

outcome validate_calendar_entry(const calendar_entry& e) {
  if (e.employee_id.empty())
    return invalid("employee_id", "required");
  if (e.date.empty())
    return invalid("date", "required");
  if (!is_iso_date(e.date))
    return invalid("date", "must be a real date YYYY-MM-DD");
  if (e.title.empty())
    return invalid("title", "required");
  if (auto r = check_text("title", e.title, max_title_length); !r.ok())
    return r;
  if (auto r = check_text("description", e.description, max_description_length);
      !r.ok())
    return r;
  if (!is_calendar_recurrence(e.recurrence))
    return invalid("recurrence", "must be weekly, monthly, yearly or empty");
  if (e.interval < 1)
    return invalid("interval", "must be at least 1");
  if (!e.until.empty()) {
    if (e.recurrence.empty())
      return invalid("until", "only a repeating entry has an end date");
    if (!is_iso_date(e.until))
      return invalid("until", "must be a real date YYYY-MM-DD");
    // ISO dates compare as text in calendar order.
    if (e.until < e.date)
      return invalid("until", "must not be before date");
  }
  return {};
}

} // namespace lunch
