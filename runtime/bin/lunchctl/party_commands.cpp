// lunchctl party: create, get, list, join, leave, update, delete, mine.

#include <map>
#include <string>
#include <vector>

#include "actors/user/user_rules.hpp"
#include "runtime/bin/lunchctl/commands.hpp"

namespace lunch::ctl {

namespace {

using nlohmann::json;

// A write's answer: the party, or word that the write deleted it (a
// random-lunch host leaving, or delete).
int print_party_result(session& s, const party_view& v) {
  if (v.deleted)
    return s.print(json{{"message", "party deleted"}, {"party_id", v.party.id}},
                   [&] {
                     std::cout << "deleted party " << v.party.id << '\n';
                   });
  return s.print(to_json(v), [&] { print_party(v); });
}

// Asks for one party and prints it as print_party_result does.
template <class... Ts>
int ask_party(session& s, const Ts&... xs) {
  return s.ask<party_view>(xs...).then(
    [&](const party_view& v) { return print_party_result(s, v); });
}

void add_create(CLI::App* party, command& chosen) {
  auto cmd = party->add_subcommand("create", "create a party");
  auto p = std::make_shared<party_record>();
  auto members = std::make_shared<std::string>();
  cmd->add_option("--host", p->host_employee_id)->required();
  cmd->add_option("--title", p->title)->required();
  cmd->add_option("--restaurant", p->restaurant_name)->required();
  cmd->add_option("--address", p->restaurant_address);
  cmd->add_option("--date", p->party_date)->required()->check(iso_date);
  cmd->add_option("--time", p->party_time)->required()->check(hhmm);
  cmd->add_option("--location", p->meeting_location)->required();
  cmd->add_option("--max", p->max_members, "max members, >= 1")->required();
  cmd->add_option("--members", *members, "initial members, comma separated");
  cmd->add_flag("--random", p->is_from_match, "a random-lunch party");
  on_run(cmd, chosen, [p, members](session& s) {
    auto record = *p;
    record.member_ids = comma_split(*members);
    return s.ask<party_view>(pty_create_atom::value, record, s.request_id())
      .then([&](const party_view& v) {
        return s.print(
          json{{"message", "party created"}, {"party_id", v.party.id}}, [&] {
            std::cout << "created party " << v.party.id << "\n\n";
            print_party(v);
          });
      });
  });
}

void add_update(CLI::App* party, command& chosen) {
  auto cmd = party->add_subcommand("update", "change a party (host only)");
  auto patch = std::make_shared<party_patch>();
  auto fields = std::make_shared<std::map<std::string, CLI::Option*>>();
  cmd->add_option("PID", patch->id)->required();
  cmd->add_option("--as", patch->actor_id, "the host's id")->required();
  auto& v = patch->values;
  (*fields)["title"] = cmd->add_option("--title", v.title);
  (*fields)["restaurant_name"] = cmd->add_option("--restaurant",
                                                 v.restaurant_name);
  (*fields)["restaurant_address"] = cmd->add_option("--address",
                                                    v.restaurant_address);
  (*fields)["party_date"]
    = cmd->add_option("--date", v.party_date)->check(iso_date);
  (*fields)["party_time"]
    = cmd->add_option("--time", v.party_time)->check(hhmm);
  (*fields)["meeting_location"] = cmd->add_option("--location",
                                                  v.meeting_location);
  (*fields)["max_members"] = cmd->add_option("--max", v.max_members);
  cmd->callback([&chosen, patch, fields] {
    // Only the flags given change the party.
    for (auto& [name, opt] : *fields)
      if (opt->count() > 0)
        patch->fields.push_back(name);
    chosen = [patch](session& s) {
      if (patch->fields.empty())
        return s.report(errc::invalid_argument,
                        "nothing to update: give at least one field flag");
      return ask_party(s, pty_update_atom::value, *patch, s.request_id());
    };
  });
}

} // namespace

void setup_party(CLI::App& app, command& chosen) {
  auto party = app.add_subcommand("party", "lunch parties");
  party->require_subcommand(1);
  add_create(party, chosen);
  {
    auto cmd = party->add_subcommand("get", "show a party");
    auto id = std::make_shared<int64_t>();
    cmd->add_option("PID", *id)->required();
    on_run(cmd, chosen, [id](session& s) {
      return ask_party(s, pty_get_atom::value, party_id{*id});
    });
  }
  {
    auto cmd = party->add_subcommand("list", "list parties");
    auto user = std::make_shared<std::string>();
    auto limit = std::make_shared<int32_t>(100);
    cmd->add_option("--user", *user,
                    "that user's random-lunch parties instead");
    cmd->add_option("--limit", *limit)->check(CLI::Range(1, 1000));
    on_run(cmd, chosen, [user, limit](session& s) {
      party_filter f{*user, !user->empty(), *limit};
      return s.ask<std::vector<party_record>>(pty_list_atom::value, f)
        .then([&](const std::vector<party_record>& xs) {
          auto doc = json::array();
          for (const auto& p : xs)
            doc.push_back(summary_json(p));
          return s.print(doc, [&] { print_party_list(xs); });
        });
    });
  }
  for (auto verb : {"join", "leave"}) {
    auto cmd = party->add_subcommand(verb, std::string{verb} + " a party");
    auto id = std::make_shared<int64_t>();
    auto user = std::make_shared<std::string>();
    cmd->add_option("PID", *id)->required();
    cmd->add_option("USER", *user)->required();
    bool join = std::string{verb} == "join";
    on_run(cmd, chosen, [id, user, join](session& s) {
      return join ? ask_party(s, pty_join_atom::value, party_id{*id},
                              user_key{*user}, s.request_id())
                  : ask_party(s, pty_leave_atom::value, party_id{*id},
                              user_key{*user}, s.request_id());
    });
  }
  add_update(party, chosen);
  {
    auto cmd = party->add_subcommand("delete", "delete a party (host only)");
    auto id = std::make_shared<int64_t>();
    auto actor = std::make_shared<std::string>();
    cmd->add_option("PID", *id)->required();
    cmd->add_option("--as", *actor, "the host's id")->required();
    on_run(cmd, chosen, [id, actor](session& s) {
      return ask_party(s, pty_delete_atom::value, party_id{*id},
                       user_key{*actor}, s.request_id());
    });
  }
  {
    auto cmd = party->add_subcommand("mine", "a user's parties, all shards");
    auto user = std::make_shared<std::string>();
    auto regular = std::make_shared<bool>(false);
    cmd->add_option("USER", *user)->required();
    cmd->add_flag("--regular", *regular, "only normal (not random) parties");
    on_run(cmd, chosen, [user, regular](session& s) {
      return s
        .ask<std::vector<party_view>>(pty_mine_atom::value, user_key{*user},
                                      *regular)
        .then([&](const std::vector<party_view>& xs) {
          auto doc = json::array();
          std::vector<party_record> records;
          for (const auto& p : xs) {
            doc.push_back(to_json(p));
            records.push_back(p.party);
          }
          return s.print(doc, [&] { print_party_list(records); });
        });
    });
  }
}

} // namespace lunch::ctl
