#include "runtime/bin/lunchctl/print_notify.hpp"

#include <algorithm>
#include <iostream>

#include "actors/notify/notification_rules.hpp"
#include "runtime/bin/lunchctl/print_table.hpp"

namespace lunch::ctl {

using json = nlohmann::ordered_json;

namespace {

// The old app kept a user's employee id in the integer related_id.
bool names_user(const notification& x) {
  return x.related_type == "user" && x.related_id > 0;
}

} // namespace

std::vector<std::string> sender_ids(const std::vector<notification>& xs) {
  std::vector<std::string> ids;
  for (const auto& x : xs)
    if (names_user(x)) {
      auto id = std::to_string(x.related_id);
      if (std::find(ids.begin(), ids.end(), id) == ids.end())
        ids.push_back(std::move(id));
    }
  return ids;
}

json to_json(const notification& x, const sender_names& senders) {
  json sender = nullptr;
  if (names_user(x)) {
    auto id = std::to_string(x.related_id);
    if (auto i = senders.find(id); i != senders.end())
      sender = {{"employee_id", id}, {"nickname", i->second}};
  }
  return {{"id", x.id},
          {"type", x.type},
          {"title", x.title},
          {"message", x.message},
          {"icon", notification_icon(x.type)},
          {"is_read", x.is_read},
          {"created_at", x.created_at},
          {"related_id", x.related_id > 0 ? json(x.related_id) : json(nullptr)},
          {"related_type", x.related_type},
          {"sender_info", std::move(sender)}};
}

json to_json(const notification_inbox& x, const sender_names& senders) {
  auto items = json::array();
  for (const auto& n : x.notifications)
    items.push_back(to_json(n, senders));
  return {{"unread_count", x.unread_count},
          {"notifications", std::move(items)}};
}

void print_notification(const notification& x) {
  auto j = to_json(x, {});
  j.erase("sender_info");
  size_t width = 0;
  for (const auto& item : j.items())
    width = std::max(width, item.key().size());
  for (const auto& item : j.items()) {
    const auto& v = item.value();
    std::cout << item.key() << ':'
              << std::string(width - item.key().size() + 1, ' ')
              << (v.is_string() ? v.get<std::string>()
                  : v.is_null() ? ""
                                : v.dump())
              << '\n';
  }
}

void print_inbox(const notification_inbox& x) {
  std::cout << "unread: " << x.unread_count << '\n';
  std::vector<std::vector<std::string>> rows;
  // The icon goes into the last column: terminals draw emoji two columns
  // wide, which the alignment does not know.
  // Titles written by the events already begin with their icon (spec
  // §10.1, "🎉 파티 초대"): it is not drawn twice.
  for (const auto& n : x.notifications) {
    auto icon = notification_icon(n.type);
    auto title = n.title.compare(0, icon.size(), icon) == 0
                   ? n.title
                   : icon + " " + n.title;
    rows.push_back({std::to_string(n.id), n.created_at,
                    n.is_read ? "yes" : "no", n.type,
                    title + ": " + n.message});
  }
  print_table({"ID", "CREATED", "READ", "TYPE", "NOTIFICATION"}, rows);
}

} // namespace lunch::ctl
