#include "runtime/bin/lunchctl/print_calendar.hpp"

#include "runtime/bin/lunchctl/print_table.hpp"

namespace lunch::ctl {

using nlohmann::json;

json to_json(const calendar_entry& x) {
  return {{"id", x.id},
          {"employee_id", x.employee_id},
          {"date", x.date},
          {"title", x.title},
          {"description", x.description},
          {"recurrence", x.recurrence},
          {"interval", x.interval},
          {"until", x.until.empty() ? json(nullptr) : json(x.until)},
          {"created_at", x.created_at}};
}

json to_json(const std::vector<calendar_entry>& xs) {
  auto doc = json::array();
  for (const auto& e : xs)
    doc.push_back(to_json(e));
  return doc;
}

void print_calendar_entry(const calendar_entry& x) {
  auto j = to_json(x);
  if (j["until"].is_null())
    j["until"] = "";
  print_fields(j);
}

void print_calendar(const std::vector<calendar_entry>& xs) {
  std::vector<std::vector<std::string>> rows;
  for (const auto& e : xs)
    rows.push_back(
      {std::to_string(e.id), e.date, e.title,
       e.recurrence.empty()
         ? ""
         : e.recurrence
             + (e.interval == 1 ? "" : " x" + std::to_string(e.interval)),
       e.until});
  print_table({"ID", "DATE", "TITLE", "REPEAT", "UNTIL"}, rows);
}

} // namespace lunch::ctl
