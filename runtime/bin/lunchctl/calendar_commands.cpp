// lunchctl calendar: add, list, delete personal schedule entries.

#include <limits>
#include <string>
#include <vector>

#include "actors/user/calendar_rules.hpp"
#include "runtime/bin/lunchctl/commands.hpp"

namespace lunch::ctl {

void setup_calendar(CLI::App& app, command& chosen) {
  auto calendar = app.add_subcommand("calendar", "personal schedules");
  calendar->require_subcommand(1);
  {
    auto cmd = calendar->add_subcommand("add", "add an entry");
    auto e = std::make_shared<calendar_entry>();
    cmd->add_option("--user", e->employee_id, "employee id")->required();
    cmd->add_option("--date", e->date, "the (first) day")
      ->required()
      ->check(iso_date);
    cmd->add_option("--title", e->title)
      ->required()
      ->check([](const std::string& s) {
        return s.empty() ? "must not be empty" : std::string{};
      });
    cmd->add_option("--description", e->description);
    cmd->add_option("--repeat", e->recurrence, "weekly | monthly | yearly")
      ->check(CLI::IsMember({"weekly", "monthly", "yearly"}));
    cmd
      ->add_option("--interval", e->interval,
                   "repeat every N weeks/months/years (default 1)")
      ->check(CLI::Range(1, std::numeric_limits<int32_t>::max()));
    cmd->add_option("--until", e->until, "last day of a repeating entry")
      ->check(iso_date);
    cmd->callback([&chosen, e] {
      // Rules across flags (until needs --repeat, not before --date) are
      // usage errors too.
      if (auto v = validate_calendar_entry(*e); !v.ok())
        throw CLI::ValidationError(v.message);
      chosen = [e](session& s) {
        return ask_and_print<calendar_entry>(
          s, print_calendar_entry, cal_add_atom::value, *e, s.request_id());
      };
    });
  }
  {
    auto cmd = calendar->add_subcommand("list", "a user's entries by date");
    auto user = std::make_shared<std::string>();
    cmd->add_option("--user", *user, "employee id")->required();
    on_run(cmd, chosen, [user](session& s) {
      return ask_and_print<std::vector<calendar_entry>>(
        s, print_calendar, cal_list_atom::value, user_key{*user});
    });
  }
  {
    auto cmd = calendar->add_subcommand("delete", "delete an entry");
    auto user = std::make_shared<std::string>();
    auto id = std::make_shared<int64_t>();
    cmd->add_option("--user", *user, "employee id")->required();
    cmd->add_option("ID", *id, "entry id")->required()->check(positive_id);
    on_run(cmd, chosen, [user, id](session& s) {
      return ask_and_print<calendar_entry>(s, print_calendar_entry,
                                           cal_delete_atom::value,
                                           user_key{*user}, *id,
                                           s.request_id());
    });
  }
}

} // namespace lunch::ctl
