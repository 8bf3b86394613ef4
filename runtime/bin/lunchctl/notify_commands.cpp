// lunchctl notify: the notification inbox (list, read, read-all, delete,
// clear-read, add). Output keeps the old app's field order.

#include <string>
#include <vector>

#include "actors/notify/notification_rules.hpp"
#include "runtime/bin/lunchctl/commands.hpp"
#include "runtime/bin/lunchctl/print_notify.hpp"

namespace lunch::ctl {

namespace {

using ordered_json = nlohmann::ordered_json;

// Nicknames of the users the notifications point at; one not found (or
// not reachable) gets sender_info null.
sender_names senders_of(session& s, const std::vector<notification>& xs) {
  sender_names names;
  for (const auto& id : sender_ids(xs))
    if (auto v = s.ask<user_view>(usr_get_atom::value, user_key{id}))
      names[id] = v->profile.nickname;
  return names;
}

/// read-all and clear-read: a user in, a count and its sentence out.
template <class Atom>
void add_user_count_command(CLI::App* notify, command& chosen, const char* name,
                            const char* what,
                            std::string (*sentence)(int64_t)) {
  auto cmd = notify->add_subcommand(name, what);
  auto user = std::make_shared<std::string>();
  cmd->add_option("USER", *user, "employee id")->required();
  on_run(cmd, chosen, [user, sentence](session& s) {
    return s.ask<int64_t>(Atom::value, user_key{*user}, s.request_id())
      .then([&](int64_t n) {
        auto text = sentence(n);
        return s.print(ordered_json{{"message", text}, {"count", n}},
                       [&] { std::cout << text << '\n'; });
      });
  });
}

// POST /notifications of the old app.
void add_send_command(CLI::App* notify, command& chosen) {
  auto cmd = notify->add_subcommand("add", "send a user a notification");
  auto n = std::make_shared<notification>();
  cmd->add_option("USER", n->employee_id, "the recipient")->required();
  cmd->add_option("--type", n->type, "party_invite, system, general, ...")
    ->required();
  cmd->add_option("--title", n->title, "default 알림");
  cmd->add_option("--message", n->message, "default 새로운 알림이 있습니다.");
  cmd->add_option("--related-id", n->related_id, "0 = none")
    ->check(CLI::NonNegativeNumber);
  cmd->add_option("--related-type", n->related_type,
                  "party, user (related-id is then the sender), ...");
  cmd->callback([&chosen, n] {
    apply_notification_defaults(*n);
    if (auto v = validate_notification(*n); !v.ok())
      throw CLI::ValidationError(v.message);
    chosen = [n](session& s) {
      return s.ask<bool>(ntf_add_atom::value, *n, std::string{}, s.request_id())
        .then([&](bool created) {
          return s.print(ordered_json{{"message", "알림이 생성되었습니다."},
                                      {"created", created}},
                         [&] {
                           std::cout << "sent a " << n->type
                                     << " notification to " << n->employee_id
                                     << '\n';
                         });
        });
    };
  });
}

} // namespace

void setup_notify(CLI::App& app, command& chosen) {
  auto notify = app.add_subcommand("notify", "the notification inbox");
  notify->require_subcommand(1);
  {
    auto cmd = notify->add_subcommand("list", "newest 50, the unread count");
    auto user = std::make_shared<std::string>();
    cmd->add_option("USER", *user, "employee id")->required();
    auto unread = std::make_shared<bool>(false);
    cmd->add_flag("--unread", *unread, "only the unread ones");
    on_run(cmd, chosen, [user, unread](session& s) {
      return s
        .ask<notification_inbox>(ntf_list_atom::value, user_key{*user}, *unread)
        .then([&](const notification_inbox& v) {
          // Only the JSON names senders: skip the lookups for a table.
          auto senders = s.json_output() ? senders_of(s, v.notifications)
                                         : sender_names{};
          return s.print(to_json(v, senders), [&] { print_inbox(v); });
        });
    });
  }
  {
    auto cmd = notify->add_subcommand("read", "mark a notification read");
    auto id = std::make_shared<int64_t>();
    cmd->add_option("ID", *id, "notification id")
      ->required()
      ->check(positive_id);
    on_run(cmd, chosen, [id](session& s) {
      return s.ask<notification>(ntf_read_atom::value, *id, s.request_id())
        .then([&](const notification& v) {
          auto item = to_json(v, senders_of(s, {v}));
          return s.print(
            ordered_json{{"message", "알림을 읽음으로 처리했습니다."},
                         {"notification", item}},
            [&] { print_notification(v); });
        });
    });
  }
  add_user_count_command<ntf_readall_atom>(
    notify, chosen, "read-all", "mark all of a user's read", read_all_message);
  {
    auto cmd = notify->add_subcommand("delete", "delete a notification");
    auto id = std::make_shared<int64_t>();
    cmd->add_option("ID", *id, "notification id")
      ->required()
      ->check(positive_id);
    on_run(cmd, chosen, [id](session& s) {
      return s.ask<bool>(ntf_delete_atom::value, *id, s.request_id())
        .then([&](bool) {
          return s.print(ordered_json{{"message", "알림이 삭제되었습니다."},
                                      {"notification_id", *id}},
                         [&] {
                           std::cout << "deleted notification " << *id << '\n';
                         });
        });
    });
  }
  add_user_count_command<ntf_clear_atom>(notify, chosen, "clear-read",
                                         "delete a user's read notifications",
                                         clear_read_message);
  add_send_command(notify, chosen);
}

} // namespace lunch::ctl
