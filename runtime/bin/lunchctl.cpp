// lunchctl: the command-line client. Connects to one node's gateway, sends
// one command, prints the answer (table or --json) and exits with
// 0 ok, 1 domain error, 2 usage error, 3 node/shard unreachable or timeout.

#include <algorithm>
#include <fstream>
#include <functional>
#include <iostream>
#include <limits>
#include <optional>
#include <random>
#include <sstream>
#include <thread>
#include <vector>

#include <CLI/CLI.hpp>
#include <caf/all.hpp>
#include <caf/io/all.hpp>

#include "actors/notify/notification_rules.hpp"
#include "actors/party/party_rules.hpp"
#include "actors/recommend/calendar_days.hpp"
#include "actors/recommend/refresh_queue.hpp"
#include "actors/user/calendar_rules.hpp"
#include "actors/user/user_rules.hpp"
#include "messages/errors.hpp"
#include "messages/gateway_protocol.hpp"
#include "runtime/bin/cache_json.hpp"
#include "runtime/bin/job_json.hpp"
#include "runtime/bin/lunchctl_output.hpp"
#include "runtime/bin/maintenance_json.hpp"
#include "runtime/bin/node_connection.hpp"
#include "runtime/bin/notify_json.hpp"
#include "runtime/bin/recommend_json.hpp"
#include "runtime/bin/schedule_json.hpp"
#include "runtime/system_config.hpp"

namespace {

using namespace lunch;
using ctl::print_fields;
using ctl::print_party;
using ctl::print_table;
using nlohmann::json;

constexpr int exit_ok = 0;
constexpr int exit_domain = 1;
constexpr int exit_usage = 2;
constexpr int exit_unreachable = 3;

struct global_options {
  std::string node;
  bool json = false;
  double timeout_s = 10;
  std::string request_id; // --request-id; generated when empty
};

// Request ids make writes safe to repeat: the shard applies an id once and
// answers a repeat with the original result, so the gateway may resend a
// write whose node died, and a caller may repeat a command whose answer it
// never got. Generated ids are random per run; `--request-id X` names the
// first write X (more writes in one run, like an import, get X/2, X/3...).
class request_ids {
public:
  explicit request_ids(std::string given) : base_(std::move(given)) {
    if (base_.empty()) {
      std::random_device rd;
      std::ostringstream out;
      out << "ctl-" << std::hex << rd() << rd() << rd();
      base_ = out.str();
    }
  }

  std::string next() {
    return ++count_ == 1 ? base_ : base_ + "/" + std::to_string(count_);
  }

private:
  std::string base_;
  int count_ = 0;
};

// A connected session with one node.
class session {
public:
  session(caf::actor_system& sys, gateway_actor gw, caf::timespan timeout,
          bool json, std::string request_id = {})
      : self_(sys),
        gw_(std::move(gw)),
        timeout_(timeout),
        json_(json),
        ids_(std::move(request_id)) {
    // nop
  }

  /// The request id of the next write.
  std::string request_id() {
    return ids_.next();
  }

  /// Sends one request; returns the answer, or records the error.
  template <class T, class... Ts>
  std::optional<T> ask(Ts... xs) {
    std::optional<T> result;
    self_->request(gw_, timeout_, xs...)
      .receive([&](T& x) { result = std::move(x); },
               [&](caf::error& e) { error_ = std::move(e); });
    return result;
  }

  /// Prints the recorded error and returns the exit code for it.
  int fail() const {
    return report(errc_of(error_), message_of(error_).empty()
                                     ? to_string(errc_of(error_))
                                     : message_of(error_));
  }

  int report(errc code, const std::string& message) const {
    if (json_)
      std::cout << json{{"error", to_string(code)}, {"message", message}}.dump()
                << '\n';
    else
      std::cerr << "error: " << to_string(code) << ": " << message << '\n';
    return exit_code(code);
  }

  bool json_output() const {
    return json_;
  }

  /// Prints `doc` with --json, else runs `human`.
  int print(const json& doc, const std::function<void()>& human) const {
    if (json_)
      std::cout << doc.dump() << '\n';
    else
      human();
    return exit_ok;
  }

  const caf::error& error() const {
    return error_;
  }

private:
  caf::scoped_actor self_;
  gateway_actor gw_;
  caf::timespan timeout_;
  bool json_;
  request_ids ids_;
  caf::error error_;
};

using command = std::function<int(session&)>;

// -- option helpers -----------------------------------------------------------

const auto hhmm = CLI::Validator(
  [](std::string& s) {
    return is_hhmm(s) ? std::string{} : "must be HH:MM (00:00-23:59)";
  },
  "HH:MM");

const auto iso_date = CLI::Validator(
  [](std::string& s) {
    return is_iso_date(s) ? std::string{} : "must be a date YYYY-MM-DD";
  },
  "YYYY-MM-DD");

// The profile flags shared by user create/update/prefs. Each remembers
// whether it was given, so updates change only what was named.
struct profile_flags {
  std::optional<std::string> nickname, email, gender, age_group, genre, styles,
    food, allergies, time, areas, notifications;

  void add(CLI::App* cmd, bool with_profile) {
    if (with_profile) {
      cmd->add_option("--nickname", nickname, "nickname, 1-50 characters");
      cmd->add_option("--email", email);
      cmd->add_option("--gender", gender, "남 | 여 | 기타");
      cmd->add_option("--age-group", age_group, "10대 … 60대");
      cmd->add_option("--genre", genre, "main dish genre, e.g. 한식,중식");
    }
    cmd->add_option("--styles", styles, "lunch styles, comma separated");
    cmd->add_option("--food", food, "food preferences, comma separated");
    cmd->add_option("--allergies", allergies, "comma separated");
    cmd->add_option("--time", time, "preferred time HH:MM")->check(hhmm);
    cmd->add_option("--areas", areas, "frequent areas, comma separated");
    cmd->add_option("--notifications", notifications, "comma separated");
  }

  user_patch patch(const std::string& id) const {
    user_patch p;
    p.values.employee_id = id;
    auto text = [&](const std::optional<std::string>& x, std::string& dst,
                    const char* field) {
      if (x) {
        dst = *x;
        p.fields.emplace_back(field);
      }
    };
    auto list = [&](const std::optional<std::string>& x,
                    std::vector<std::string>& dst, const char* field) {
      if (x) {
        dst = comma_split(*x);
        p.fields.emplace_back(field);
      }
    };
    text(nickname, p.values.nickname, "nickname");
    text(email, p.values.email, "email");
    text(gender, p.values.gender, "gender");
    text(age_group, p.values.age_group, "age_group");
    text(genre, p.values.main_dish_genre, "main_dish_genre");
    list(styles, p.values.lunch_styles, "lunch_styles");
    list(food, p.values.food_preferences, "food_preferences");
    list(allergies, p.values.allergies, "allergies");
    text(time, p.values.preferred_time, "preferred_time");
    list(areas, p.values.frequent_areas, "frequent_areas");
    list(notifications, p.values.notification_settings,
         "notification_settings");
    return p;
  }
};

void print_user(const user_view& v) {
  print_fields(ctl::to_json(v));
}

// -- user commands ------------------------------------------------------------

void setup_user(CLI::App& app, command& run) {
  auto user = app.add_subcommand("user", "users and their preferences");
  user->require_subcommand(1);

  {
    auto cmd = user->add_subcommand("create", "create a user");
    auto id = std::make_shared<std::string>();
    auto flags = std::make_shared<profile_flags>();
    cmd->add_option("ID", *id, "employee id")->required();
    flags->add(cmd, true);
    cmd->get_option("--nickname")->required();
    cmd->callback([&run, id, flags] {
      run = [id, flags](session& s) {
        auto p = flags->patch(*id).values;
        auto v = s.ask<user_view>(usr_create_atom::value, p, s.request_id());
        if (!v)
          return s.fail();
        return s.print(ctl::to_json(*v), [&] { print_user(*v); });
      };
    });
  }
  {
    auto cmd = user->add_subcommand("get", "show a user");
    auto id = std::make_shared<std::string>();
    cmd->add_option("ID", *id)->required();
    cmd->callback([&run, id] {
      run = [id](session& s) {
        auto v = s.ask<user_view>(usr_get_atom::value, *id);
        if (!v)
          return s.fail();
        return s.print(ctl::to_json(*v), [&] { print_user(*v); });
      };
    });
  }
  {
    auto cmd = user->add_subcommand("update", "change some profile fields");
    auto id = std::make_shared<std::string>();
    auto flags = std::make_shared<profile_flags>();
    cmd->add_option("ID", *id)->required();
    flags->add(cmd, true);
    cmd->callback([&run, id, flags] {
      run = [id, flags](session& s) {
        auto patch = flags->patch(*id);
        if (patch.fields.empty())
          return s.report(errc::invalid_argument,
                          "nothing to update: give at least one field flag");
        auto v = s.ask<user_view>(usr_update_atom::value, patch,
                                  s.request_id());
        if (!v)
          return s.fail();
        return s.print(ctl::to_json(*v), [&] { print_user(*v); });
      };
    });
  }
  {
    auto cmd = user->add_subcommand("prefs", "show or set preferences");
    auto id = std::make_shared<std::string>();
    auto flags = std::make_shared<profile_flags>();
    cmd->add_option("ID", *id)->required();
    flags->add(cmd, false);
    cmd->callback([&run, id, flags] {
      run = [id, flags](session& s) {
        auto patch = flags->patch(*id);
        auto v = patch.fields.empty()
                   ? s.ask<user_view>(usr_get_atom::value, *id)
                   : s.ask<user_view>(usr_update_atom::value, patch,
                                      s.request_id());
        if (!v)
          return s.fail();
        return s.print(ctl::prefs_json(v->profile),
                       [&] { print_fields(ctl::prefs_json(v->profile)); });
      };
    });
  }
  {
    auto cmd = user->add_subcommand("search", "search nickname or genre");
    auto term = std::make_shared<std::string>();
    auto limit = std::make_shared<int32_t>(20);
    cmd->add_option("TERM", *term)->required();
    cmd->add_option("--limit", *limit, "at most this many (1-1000)")
      ->check(CLI::Range(1, 1000));
    cmd->callback([&run, term, limit] {
      run = [term, limit](session& s) {
        auto v = s.ask<std::vector<user_summary>>(usr_search_atom::value, *term,
                                                  *limit);
        if (!v)
          return s.fail();
        return s.print(ctl::to_json(*v), [&] {
          std::vector<std::vector<std::string>> rows;
          for (const auto& u : *v)
            rows.push_back({u.employee_id, u.nickname, u.main_dish_genre,
                            std::to_string(u.shard)});
          print_table({"ID", "NICKNAME", "GENRE", "SHARD"}, rows);
        });
      };
    });
  }
  {
    auto cmd = user->add_subcommand("delete", "delete a user");
    auto id = std::make_shared<std::string>();
    cmd->add_option("ID", *id)->required();
    cmd->callback([&run, id] {
      run = [id](session& s) {
        auto v = s.ask<user_view>(usr_delete_atom::value, *id, s.request_id());
        if (!v)
          return s.fail();
        return s.print({{"message", "user deleted"}, {"employee_id", *id}},
                       [&] { std::cout << "deleted user " << *id << '\n'; });
      };
    });
  }
  {
    auto cmd = user->add_subcommand("shard", "where a key lives");
    auto id = std::make_shared<std::string>();
    cmd->add_option("ID", *id)->required();
    cmd->callback([&run, id] {
      run = [id](session& s) {
        auto v = s.ask<key_location>(usr_shard_atom::value, *id);
        if (!v)
          return s.fail();
        return s.print(ctl::to_json(*v),
                       [&] { print_fields(ctl::to_json(*v)); });
      };
    });
  }
  {
    auto cmd = user->add_subcommand("import", "create users from JSON");
    auto file = std::make_shared<std::string>();
    cmd->add_option("FILE", *file, "a JSON array of users")
      ->required()
      ->check(CLI::ExistingFile);
    cmd->callback([&run, file] {
      run = [file](session& s) {
        json doc;
        try {
          std::ifstream in{*file};
          doc = json::parse(in);
          if (!doc.is_array())
            throw std::runtime_error("must be a JSON array of users");
        } catch (const std::exception& e) {
          std::cerr << "error: " << *file << ": " << e.what() << '\n';
          return exit_usage;
        }
        int created = 0, existing = 0;
        for (const auto& item : doc) {
          auto v = s.ask<user_view>(usr_create_atom::value,
                                    ctl::profile_from_json(item),
                                    s.request_id());
          if (v) {
            ++created;
          } else if (errc_of(s.error()) == errc::already_exists) {
            ++existing;
          } else {
            return s.fail();
          }
        }
        return s.print({{"created", created}, {"skipped_existing", existing}},
                       [&] {
                         std::cout << "created " << created
                                   << " users, skipped " << existing
                                   << " existing\n";
                       });
      };
    });
  }
}

// -- party commands -----------------------------------------------------------

int print_party_result(session& s, const party_view& v) {
  if (v.deleted)
    return s.print({{"message", "party deleted"}, {"party_id", v.party.id}},
                   [&] {
                     std::cout << "deleted party " << v.party.id << '\n';
                   });
  return s.print(ctl::to_json(v), [&] { print_party(v); });
}

void print_party_list(const std::vector<party_record>& xs) {
  std::vector<std::vector<std::string>> rows;
  for (const auto& p : xs)
    rows.push_back({std::to_string(p.id), p.party_date, p.party_time, p.title,
                    p.restaurant_name,
                    std::to_string(p.member_ids.size()) + "/"
                      + std::to_string(p.max_members),
                    p.is_from_match ? "random" : ""});
  print_table({"ID", "DATE", "TIME", "TITLE", "RESTAURANT", "MEMBERS", "TYPE"},
              rows);
}

void setup_party(CLI::App& app, command& run) {
  auto party = app.add_subcommand("party", "lunch parties");
  party->require_subcommand(1);

  {
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
    cmd->callback([&run, p, members] {
      run = [p, members](session& s) {
        auto record = *p;
        record.member_ids = comma_split(*members);
        auto v = s.ask<party_view>(pty_create_atom::value, record,
                                   s.request_id());
        if (!v)
          return s.fail();
        return s.print(
          {{"message", "party created"}, {"party_id", v->party.id}}, [&] {
            std::cout << "created party " << v->party.id << "\n\n";
            print_party(*v);
          });
      };
    });
  }
  {
    auto cmd = party->add_subcommand("get", "show a party");
    auto id = std::make_shared<int64_t>();
    cmd->add_option("PID", *id)->required();
    cmd->callback([&run, id] {
      run = [id](session& s) {
        auto v = s.ask<party_view>(pty_get_atom::value, *id);
        return v ? print_party_result(s, *v) : s.fail();
      };
    });
  }
  {
    auto cmd = party->add_subcommand("list", "list parties");
    auto user = std::make_shared<std::string>();
    auto limit = std::make_shared<int32_t>(100);
    cmd->add_option("--user", *user,
                    "that user's random-lunch parties instead");
    cmd->add_option("--limit", *limit)->check(CLI::Range(1, 1000));
    cmd->callback([&run, user, limit] {
      run = [user, limit](session& s) {
        party_filter f{*user, !user->empty(), *limit};
        auto v = s.ask<std::vector<party_record>>(pty_list_atom::value, f);
        if (!v)
          return s.fail();
        auto doc = json::array();
        for (const auto& p : *v)
          doc.push_back(ctl::summary_json(p));
        return s.print(doc, [&] { print_party_list(*v); });
      };
    });
  }
  for (auto verb : {"join", "leave"}) {
    auto cmd = party->add_subcommand(verb, std::string{verb} + " a party");
    auto id = std::make_shared<int64_t>();
    auto user = std::make_shared<std::string>();
    cmd->add_option("PID", *id)->required();
    cmd->add_option("USER", *user)->required();
    bool join = std::string{verb} == "join";
    cmd->callback([&run, id, user, join] {
      run = [id, user, join](session& s) {
        auto v = join ? s.ask<party_view>(pty_join_atom::value, *id, *user,
                                          s.request_id())
                      : s.ask<party_view>(pty_leave_atom::value, *id, *user,
                                          s.request_id());
        return v ? print_party_result(s, *v) : s.fail();
      };
    });
  }
  {
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
    cmd->callback([&run, patch, fields] {
      for (auto& [name, opt] : *fields)
        if (opt->count() > 0)
          patch->fields.push_back(name);
      run = [patch](session& s) {
        if (patch->fields.empty())
          return s.report(errc::invalid_argument,
                          "nothing to update: give at least one field flag");
        auto v = s.ask<party_view>(pty_update_atom::value, *patch,
                                   s.request_id());
        return v ? print_party_result(s, *v) : s.fail();
      };
    });
  }
  {
    auto cmd = party->add_subcommand("delete", "delete a party (host only)");
    auto id = std::make_shared<int64_t>();
    auto actor = std::make_shared<std::string>();
    cmd->add_option("PID", *id)->required();
    cmd->add_option("--as", *actor, "the host's id")->required();
    cmd->callback([&run, id, actor] {
      run = [id, actor](session& s) {
        auto v = s.ask<party_view>(pty_delete_atom::value, *id, *actor,
                                   s.request_id());
        return v ? print_party_result(s, *v) : s.fail();
      };
    });
  }
  {
    auto cmd = party->add_subcommand("mine", "a user's parties, all shards");
    auto user = std::make_shared<std::string>();
    auto regular = std::make_shared<bool>(false);
    cmd->add_option("USER", *user)->required();
    cmd->add_flag("--regular", *regular, "only normal (not random) parties");
    cmd->callback([&run, user, regular] {
      run = [user, regular](session& s) {
        auto v = s.ask<std::vector<party_view>>(pty_mine_atom::value, *user,
                                                *regular);
        if (!v)
          return s.fail();
        auto doc = json::array();
        std::vector<party_record> records;
        for (const auto& p : *v) {
          doc.push_back(ctl::to_json(p));
          records.push_back(p.party);
        }
        return s.print(doc, [&] { print_party_list(records); });
      };
    });
  }
}

// -- calendar commands --------------------------------------------------------

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

// "key: value" lines; an entry without an end date shows an empty until.
void print_entry(const calendar_entry& e) {
  auto j = ctl::to_json(e);
  if (j["until"].is_null())
    j["until"] = "";
  print_fields(j);
}

void setup_calendar(CLI::App& app, command& run) {
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
    cmd->callback([&run, e] {
      // Rules across flags (until needs --repeat, not before --date) are
      // usage errors too.
      if (auto v = validate_calendar_entry(*e); !v.ok())
        throw CLI::ValidationError(v.message);
      run = [e](session& s) {
        auto v = s.ask<calendar_entry>(cal_add_atom::value, *e, s.request_id());
        if (!v)
          return s.fail();
        return s.print(ctl::to_json(*v), [&] { print_entry(*v); });
      };
    });
  }
  {
    auto cmd = calendar->add_subcommand("list", "a user's entries by date");
    auto user = std::make_shared<std::string>();
    cmd->add_option("--user", *user, "employee id")->required();
    cmd->callback([&run, user] {
      run = [user](session& s) {
        auto v = s.ask<std::vector<calendar_entry>>(cal_list_atom::value,
                                                    *user);
        if (!v)
          return s.fail();
        auto doc = json::array();
        for (const auto& e : *v)
          doc.push_back(ctl::to_json(e));
        return s.print(doc, [&] { print_calendar(*v); });
      };
    });
  }
  {
    auto cmd = calendar->add_subcommand("delete", "delete an entry");
    auto user = std::make_shared<std::string>();
    auto id = std::make_shared<int64_t>();
    cmd->add_option("--user", *user, "employee id")->required();
    cmd->add_option("ID", *id, "entry id")
      ->required()
      ->check(CLI::Validator(
        [](std::string& s) {
          int64_t x = 0;
          return CLI::detail::lexical_cast(s, x) && x > 0
                   ? std::string{}
                   : "must be a positive id";
        },
        "ID > 0"));
    cmd->callback([&run, user, id] {
      run = [user, id](session& s) {
        auto v = s.ask<calendar_entry>(cal_delete_atom::value, *user, *id,
                                       s.request_id());
        if (!v)
          return s.fail();
        return s.print(ctl::to_json(*v), [&] { print_entry(*v); });
      };
    });
  }
}

// -- notification commands ----------------------------------------------------

const auto positive_id = CLI::Validator(
  [](std::string& s) {
    int64_t x = 0;
    return CLI::detail::lexical_cast(s, x) && x > 0 ? std::string{}
                                                    : "must be a positive id";
  },
  "ID > 0");

// Prints a document whose fields keep the old app's order.
int print_ordered(session& s, const nlohmann::ordered_json& doc,
                  const std::function<void()>& human) {
  if (s.json_output())
    std::cout << doc.dump() << '\n';
  else
    human();
  return exit_ok;
}

/// Asks the node (xs...) for a T and prints it: its JSON with --json,
/// else `human(answer)`.
template <class T, class Human, class... Ts>
int ask_and_print(session& s, Human human, const Ts&... xs) {
  auto v = s.ask<T>(xs...);
  if (!v)
    return s.fail();
  return print_ordered(s, ctl::to_json(*v), [&] { human(*v); });
}

// Nicknames of the users the notifications point at; one not found (or
// not reachable) gets sender_info null.
ctl::sender_names senders_of(session& s, const std::vector<notification>& xs) {
  ctl::sender_names names;
  for (const auto& id : ctl::sender_ids(xs))
    if (auto v = s.ask<user_view>(usr_get_atom::value, id))
      names[id] = v->profile.nickname;
  return names;
}

/// read-all and clear-read: a user in, a count and its sentence out.
template <class Atom>
void user_count_command(CLI::App* notify, command& run, const char* name,
                        const char* what, std::string (*sentence)(int64_t)) {
  auto cmd = notify->add_subcommand(name, what);
  auto user = std::make_shared<std::string>();
  cmd->add_option("USER", *user, "employee id")->required();
  cmd->callback([&run, user, sentence] {
    run = [user, sentence](session& s) {
      auto n = s.ask<int64_t>(Atom::value, *user, s.request_id());
      if (!n)
        return s.fail();
      auto text = sentence(*n);
      return print_ordered(s, {{"message", text}, {"count", *n}},
                           [&] { std::cout << text << '\n'; });
    };
  });
}

void setup_notify(CLI::App& app, command& run) {
  auto notify = app.add_subcommand("notify", "the notification inbox");
  notify->require_subcommand(1);
  {
    auto cmd = notify->add_subcommand("list", "newest 50, the unread count");
    auto user = std::make_shared<std::string>();
    cmd->add_option("USER", *user, "employee id")->required();
    auto unread = std::make_shared<bool>(false);
    cmd->add_flag("--unread", *unread, "only the unread ones");
    cmd->callback([&run, user, unread] {
      run = [user, unread](session& s) {
        auto v = s.ask<notification_inbox>(ntf_list_atom::value, *user,
                                           *unread);
        if (!v)
          return s.fail();
        auto senders = s.json_output() ? senders_of(s, v->notifications)
                                       : ctl::sender_names{};
        return print_ordered(s, ctl::to_json(*v, senders),
                             [&] { ctl::print_inbox(*v); });
      };
    });
  }
  {
    auto cmd = notify->add_subcommand("read", "mark a notification read");
    auto id = std::make_shared<int64_t>();
    cmd->add_option("ID", *id, "notification id")
      ->required()
      ->check(positive_id);
    cmd->callback([&run, id] {
      run = [id](session& s) {
        auto v = s.ask<notification>(ntf_read_atom::value, *id, s.request_id());
        if (!v)
          return s.fail();
        auto item = ctl::to_json(*v, senders_of(s, {*v}));
        return print_ordered(s,
                             {{"message", "알림을 읽음으로 처리했습니다."},
                              {"notification", item}},
                             [&] { ctl::print_notification(*v); });
      };
    });
  }
  user_count_command<ntf_readall_atom>(
    notify, run, "read-all", "mark all of a user's read", read_all_message);
  {
    auto cmd = notify->add_subcommand("delete", "delete a notification");
    auto id = std::make_shared<int64_t>();
    cmd->add_option("ID", *id, "notification id")
      ->required()
      ->check(positive_id);
    cmd->callback([&run, id] {
      run = [id](session& s) {
        if (!s.ask<bool>(ntf_delete_atom::value, *id, s.request_id()))
          return s.fail();
        return print_ordered(
          s, {{"message", "알림이 삭제되었습니다."}, {"notification_id", *id}},
          [&] { std::cout << "deleted notification " << *id << '\n'; });
      };
    });
  }
  user_count_command<ntf_clear_atom>(notify, run, "clear-read",
                                     "delete a user's read notifications",
                                     clear_read_message);
  {
    // POST /notifications of the old app.
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
    cmd->callback([&run, n] {
      apply_notification_defaults(*n);
      if (auto v = validate_notification(*n); !v.ok())
        throw CLI::ValidationError(v.message);
      run = [n](session& s) {
        auto v = s.ask<bool>(ntf_add_atom::value, *n, std::string{},
                             s.request_id());
        if (!v)
          return s.fail();
        return print_ordered(
          s, {{"message", "알림이 생성되었습니다."}, {"created", *v}}, [&] {
            std::cout << "sent a " << n->type << " notification to "
                      << n->employee_id << '\n';
          });
      };
    });
  }
}

// -- data jobs: user analytics and cleanup (spec §5) -------------------------

// Today in Asia/Seoul, the old app's day (and its Celery timezone).
std::string seoul_today() {
  return rec::format_day(rec::today_in_seoul());
}

void setup_maintenance(CLI::App& app, command& run) {
  auto analytics = app.add_subcommand("analytics", "per-user daily analytics");
  analytics->require_subcommand(1);
  {
    auto cmd = analytics->add_subcommand(
      "run", "store every user's (or one user's) analytics of a day");
    auto user = std::make_shared<std::string>();
    auto date = std::make_shared<std::string>();
    cmd->add_option("--user", *user, "only this employee id")
      ->check([](const std::string& x) {
        return x.empty() ? "must not be empty" : std::string{};
      });
    cmd->add_option("--date", *date, "the day (default: today in Asia/Seoul)")
      ->check(iso_date);
    cmd->callback([&run, user, date] {
      run = [user, date](session& s) {
        auto day = date->empty() ? seoul_today() : *date;
        auto v = s.ask<analytics_summary>(mnt_analytics_atom::value, day, *user,
                                          s.request_id());
        if (!v)
          return s.fail();
        return print_ordered(
          s, {{"date", day}, {"users", v->users}, {"shards", v->shards}}, [&] {
            std::cout << "stored the analytics of " << v->users
                      << " user(s) for " << day << " on " << v->shards
                      << " shard(s)\n";
          });
      };
    });
  }
  {
    auto cmd = analytics->add_subcommand("get", "a user's stored analytics");
    auto user = std::make_shared<std::string>();
    auto date = std::make_shared<std::string>();
    cmd->add_option("USER", *user, "employee id")->required();
    cmd->add_option("--date", *date, "the day (default: the latest stored)")
      ->check(iso_date);
    cmd->callback([&run, user, date] {
      run = [user, date](session& s) {
        return ask_and_print<user_analytics>(s, ctl::print_analytics,
                                             mnt_get_atom::value, *user, *date);
      };
    });
  }
  auto maintenance = app.add_subcommand("maintenance", "data cleanup");
  maintenance->require_subcommand(1);
  {
    auto cmd = maintenance->add_subcommand(
      "cleanup", "delete parties dated over 7 days ago, notifications over 30");
    auto today = std::make_shared<std::string>();
    cmd->add_option("--today", *today, "the day (default: today in Asia/Seoul)")
      ->check(iso_date);
    cmd->callback([&run, today] {
      run = [today](session& s) {
        auto day = today->empty() ? seoul_today() : *today;
        auto v = s.ask<std::vector<cleanup_counts>>(mnt_clean_atom::value, day,
                                                    s.request_id());
        if (!v)
          return s.fail();
        return print_ordered(s, ctl::cleanup_json(*v),
                             [&] { ctl::print_cleanup(*v); });
      };
    });
  }
}

// -- recommendations ----------------------------------------------------------

const auto seed_option_help
  = "random-term seed for this request (0: off; default: the node's)";

int print_recommend_progress(session& s, const rec_progress& p) {
  if (s.json_output()) {
    std::cout << ctl::to_json(p).dump() << '\n';
  } else {
    std::cout << p.build_id << ' ' << p.state << ": " << p.users_done << '/'
              << p.users_total << " users, " << p.entries << " entries, "
              << p.shards_done << '/' << p.shards_total << " shards, "
              << p.elapsed_ms << " ms";
    if (!p.error.empty())
      std::cout << " (" << p.error << ')';
    std::cout << std::endl;
  }
  return p.state == "failed" ? exit_domain : exit_ok;
}

// -- job commands
// ---------------------------------------------------------------

/// job status / cancel: an id in, the job out.
template <class Atom>
void job_id_command(CLI::App* job, command& run, const char* name,
                    const char* what) {
  auto cmd = job->add_subcommand(name, what);
  auto id = std::make_shared<int64_t>();
  cmd->add_option("ID", *id, "job id")->required()->check(positive_id);
  cmd->callback([&run, id] {
    run = [id](session& s) {
      return ask_and_print<job_record>(s, ctl::print_job, Atom::value, *id);
    };
  });
}

void setup_job(CLI::App& app, command& run) {
  auto job = app.add_subcommand("job",
                                "background jobs (the old Celery tasks)");
  job->require_subcommand(1);
  {
    auto cmd = job->add_subcommand(
      "submit", "queue a job; prints its id at once (KIND: recommendations, "
                "user-analytics, cleanup, notify, noop)");
    auto kind = std::make_shared<std::string>();
    auto args = std::make_shared<std::string>();
    auto users = std::make_shared<std::vector<std::string>>();
    auto title = std::make_shared<std::string>();
    auto message = std::make_shared<std::string>();
    auto user = std::make_shared<std::string>();
    auto date = std::make_shared<std::string>();
    auto count = std::make_shared<int32_t>(1);
    cmd->add_option("KIND", *kind, "the job kind")->required();
    cmd->add_option("--args", *args,
                    "the arguments as a JSON object (docs/lunchctl.md)");
    cmd->add_option("--users", *users, "notify: these users (default all)")
      ->delimiter(',');
    cmd->add_option("--title", *title, "notify: the title");
    cmd->add_option("--message", *message, "notify: the message");
    cmd->add_option("--user", *user, "user-analytics: only this user");
    cmd
      ->add_option("--date", *date,
                   "user-analytics: the day; cleanup: today; "
                   "recommendations: the first day")
      ->check(iso_date);
    cmd
      ->add_option("--count", *count,
                   "queue COUNT identical jobs at once; prints the id range")
      ->check(CLI::Range(1, 1000000));
    cmd->callback([&run, kind, args, users, title, message, user, date, count] {
      // The flags are a shorthand for the common arguments.
      auto doc = args->empty() ? nlohmann::json::object()
                               : nlohmann::json::parse(*args, nullptr, false);
      if (!doc.is_object())
        throw CLI::ValidationError("--args", "must be a JSON object");
      if (!users->empty())
        doc["users"] = *users;
      if (!title->empty())
        doc["title"] = *title;
      if (!message->empty())
        doc["message"] = *message;
      if (!user->empty())
        doc["user"] = *user;
      if (!date->empty())
        doc[*kind == "cleanup"           ? "today"
            : *kind == "recommendations" ? "from"
                                         : "date"]
          = *date;
      auto text = doc.dump();
      run = [kind, text, count](session& s) {
        if (*count > 1) {
          auto ids = s.ask<std::vector<int64_t>>(job_submit_atom::value, *kind,
                                                 text, *count);
          if (!ids)
            return s.fail();
          return print_ordered(
            s, {{"first_job_id", ids->at(0)}, {"last_job_id", ids->at(1)}},
            [&] {
              std::cout << "jobs " << ids->at(0) << ".." << ids->at(1)
                        << " queued\n";
            });
        }
        return ask_and_print<job_record>(
          s,
          [](const job_record& v) {
            std::cout << "job " << v.id << " (" << v.kind << ") queued\n";
          },
          job_submit_atom::value, *kind, text);
      };
    });
  }
  job_id_command<job_status_atom>(job, run, "status",
                                  "a job's state, progress and result");
  job_id_command<job_cancel_atom>(job, run, "cancel",
                                  "cancel a pending job, stop a running one");
  {
    auto cmd = job->add_subcommand("list", "jobs, newest first");
    auto active = std::make_shared<bool>(false);
    auto limit = std::make_shared<int32_t>(50);
    cmd->add_flag("--active", *active, "only pending and running ones");
    cmd->add_option("--limit", *limit, "at most N")
      ->check(CLI::Range(1, 10000));
    cmd->callback([&run, active, limit] {
      run = [active, limit](session& s) {
        return ask_and_print<std::vector<job_record>>(
          s, ctl::print_jobs, job_list_atom::value, *active, *limit);
      };
    });
  }
  {
    auto cmd = job->add_subcommand("workers", "jobs per node: running, done, "
                                              "failed");
    cmd->callback([&run] {
      run = [](session& s) {
        return ask_and_print<std::vector<job_worker_stats>>(
          s, ctl::print_workers, job_workers_atom::value);
      };
    });
  }
}

// -- schedules
// -----------------------------------------------------------------

void setup_schedule(CLI::App& app, command& run) {
  auto sched = app.add_subcommand(
    "schedule", "the cluster's scheduler (the old Celery beat)");
  sched->require_subcommand(1);
  sched
    ->add_subcommand("list", "every schedule: when, next and last run (in "
                             "the scheduler's time zone), the active node")
    ->callback([&run] {
      run = [](session& s) {
        return ask_and_print<schedule_table>(s, ctl::print_schedules,
                                             sch_list_atom::value);
      };
    });
  auto trigger = sched->add_subcommand(
    "trigger", "submit a schedule's job now (its slots are untouched)");
  auto name = std::make_shared<std::string>();
  trigger->add_option("NAME", *name, "the schedule")->required();
  trigger->callback([&run, name] {
    run = [name](session& s) {
      return ask_and_print<job_record>(
        s,
        [&](const job_record& v) {
          std::cout << "job " << v.id << " (" << v.kind << ") queued for "
                    << *name << "\n";
        },
        sch_trig_atom::value, *name);
    };
  });
}

/// Asks the node for groups and prints them in the old app's JSON shape
/// (indented without --json: there is no table form).
template <class T, class... Ts>
int print_groups(session& s, const Ts&... xs) {
  auto v = s.ask<T>(xs...);
  if (!v)
    return s.fail();
  std::cout << ctl::to_json(*v).dump(s.json_output() ? -1 : 2) << '\n';
  return exit_ok;
}

void setup_recommend(CLI::App& app, command& run) {
  auto rec = app.add_subcommand("recommend", "lunch-group recommendations");
  rec->require_subcommand(1);
  {
    auto cmd = rec->add_subcommand("get", "a user's recommended groups");
    auto user = std::make_shared<std::string>();
    auto date = std::make_shared<std::string>();
    auto days = std::make_shared<int32_t>(0);
    auto seed = std::make_shared<int64_t>(-1);
    cmd->add_option("--user", *user, "employee id")->required();
    cmd
      ->add_option("--date", *date,
                   "the day (default: today, or Monday on a weekend)")
      ->check(iso_date);
    cmd
      ->add_option("--days", *days,
                   "every date from --date on for N days: {date: groups}")
      ->check(CLI::Range(1, 366));
    cmd->add_option("--seed", *seed, seed_option_help)
      ->check(CLI::NonNegativeNumber);
    cmd->callback([&run, user, date, days, seed] {
      if (*days > 0 && date->empty())
        throw CLI::ValidationError("--days needs --date");
      run = [user, date, days, seed](session& s) {
        if (*days > 0)
          return print_groups<std::vector<rec_day>>(s, rec_days_atom::value,
                                                    *user, *date, *days, *seed);
        return print_groups<std::vector<rec_item>>(s, rec_get_atom::value,
                                                   *user, *date, *seed);
      };
    });
  }
  {
    auto cmd = rec->add_subcommand("suggest", "groups of free people (§4.4)");
    auto user = std::make_shared<std::string>();
    auto date = std::make_shared<std::string>();
    cmd->add_option("--user", *user, "employee id")->required();
    cmd->add_option("--date", *date, "the day")->required()->check(iso_date);
    cmd->callback([&run, user, date] {
      run = [user, date](session& s) {
        return print_groups<std::vector<suggest_group>>(
          s, rec_suggst_atom::value, *user, *date);
      };
    });
  }
  {
    auto cmd = rec->add_subcommand("daily", "the day's 20 groups (§4.3)");
    auto date = std::make_shared<std::string>();
    auto seed = std::make_shared<int64_t>(-1);
    cmd->add_option("--date", *date, "the day (default: today)")
      ->check(iso_date);
    cmd->add_option("--seed", *seed, seed_option_help)
      ->check(CLI::NonNegativeNumber);
    cmd->callback([&run, date, seed] {
      run = [date, seed](session& s) {
        return print_groups<std::vector<daily_group>>(s, rec_daily_atom::value,
                                                      *date, *seed);
      };
    });
  }
  {
    auto cmd = rec->add_subcommand("score", "the group score of §4.7");
    auto users = std::make_shared<std::vector<std::string>>();
    auto date = std::make_shared<std::string>();
    cmd->add_option("--users", *users, "employee ids, comma-separated")
      ->required()
      ->delimiter(',');
    cmd->add_option("--date", *date, "the day")->required()->check(iso_date);
    cmd->callback([&run, users, date] {
      run = [users, date](session& s) {
        auto v = s.ask<int64_t>(rec_score_atom::value, *users, *date);
        if (!v)
          return s.fail();
        return s.print(json{{"score", *v}}, [&] { std::cout << *v << '\n'; });
      };
    });
  }
  {
    auto cmd = rec->add_subcommand(
      "build", "build every user's groups for N days, printing progress");
    auto spec = std::make_shared<rec_build_spec>();
    auto quiet = std::make_shared<bool>(false);
    cmd->add_option("--from", spec->from, "first day (default: today)")
      ->check(iso_date);
    cmd->add_option("--days", spec->days, "number of days (default 30)")
      ->check(CLI::Range(1, 366));
    cmd->add_option("--seed", spec->seed, seed_option_help)
      ->check(CLI::NonNegativeNumber);
    cmd->add_flag("--quiet", *quiet, "print only the final state");
    cmd->callback([&run, spec, quiet] {
      run = [spec, quiet](session& s) {
        auto started = s.ask<rec_progress>(rec_build_atom::value, *spec);
        if (!started)
          return s.fail();
        auto p = *started;
        // Poll until the build ends; each answer is one progress line.
        while (p.state == "running") {
          if (!*quiet)
            print_recommend_progress(s, p);
          std::this_thread::sleep_for(std::chrono::milliseconds(250));
          auto next = s.ask<rec_progress>(rec_prog_atom::value, p.build_id);
          if (!next)
            return s.fail();
          p = *next;
        }
        return print_recommend_progress(s, p);
      };
    });
  }
}

// -- recommendation caches ----------------------------------------------------

void setup_cache(CLI::App& app, command& run) {
  auto cache = app.add_subcommand(
    "cache", "every node's recommendation cache and its refresh cycle");
  cache->require_subcommand(1);
  cache
    ->add_subcommand("stats", "per node: entries, days, hit rate, memory, "
                              "refresh cycle and queue")
    ->callback([&run] {
      run = [](session& s) {
        return ask_and_print<std::vector<rec_cache_stats>>(
          s, ctl::print_cache_stats, cache_stats_atom::value);
      };
    });
  auto refresh = cache->add_subcommand(
    "refresh", "run one refresh batch on every node now");
  auto batch = std::make_shared<int32_t>(256);
  refresh
    ->add_option("--batch", *batch,
                 "keys to compute again per node, 1-100000 (default 256)")
    ->check(CLI::Range(1, rec::max_refresh_batch));
  refresh->callback([&run, batch] {
    run = [batch](session& s) {
      return ask_and_print<std::vector<rec_refresh_report>>(
        s, ctl::print_refresh_reports, cache_refresh_atom::value, *batch);
    };
  });
}

// -- shard and node commands --------------------------------------------------

void setup_shard_and_node(CLI::App& app, command& run) {
  auto shard = app.add_subcommand("shard", "shards and slots");
  shard->require_subcommand(1);
  shard->add_subcommand("map", "slot ranges per shard")->callback([&run] {
    run = [](session& s) {
      auto v = s.ask<std::vector<slot_range>>(shd_map_atom::value);
      if (!v)
        return s.fail();
      int32_t shards = 0;
      for (const auto& r : *v)
        shards = std::max(shards, r.shard + 1);
      auto doc = ctl::to_json(*v, shards);
      return s.print(doc, [&] {
        std::cout << v->size() << " slot ranges over " << shards
                  << " shards (16384 slots)\n";
        std::vector<std::vector<std::string>> rows;
        for (int32_t i = 0; i < shards; ++i)
          rows.push_back({std::to_string(i), doc["slots_per_shard"][i].dump()});
        print_table({"SHARD", "SLOTS"}, rows);
        if (v->size() <= 32)
          for (const auto& r : *v)
            std::cout << r.first << "-" << r.last << " -> " << r.shard << '\n';
      });
    };
  });
  shard->add_subcommand("stats", "users, parties and size per shard")
    ->callback([&run] {
      run = [](session& s) {
        auto v = s.ask<std::vector<shard_stats>>(shd_stats_atom::value);
        if (!v)
          return s.fail();
        return s.print(ctl::to_json(*v), [&] {
          std::vector<std::vector<std::string>> rows;
          for (const auto& x : *v)
            rows.push_back(
              x.reachable
                ? std::vector<std::string>{std::to_string(x.shard),
                                           std::to_string(x.user_count),
                                           std::to_string(x.party_count),
                                           std::to_string(x.member_count),
                                           std::to_string(x.bytes / 1024)
                                             + " KiB"}
                : std::vector<std::string>{std::to_string(x.shard), "-", "-",
                                           "-", "unreachable: " + x.error});
          print_table({"SHARD", "USERS", "PARTIES", "MEMBERS", "SIZE"}, rows);
        });
      };
    });
  shard->add_subcommand("plan", "rebalance plan (no data moves)")
    ->callback([&run] {
      run = [](session& s) {
        auto v = s.ask<rebalance_plan>(shd_plan_atom::value);
        if (!v)
          return s.fail();
        return s.print(ctl::to_json(*v), [&] {
          std::cout << "average users per shard: " << v->average_users_per_shard
                    << '\n';
          std::vector<std::vector<std::string>> rows;
          for (const auto& st : v->steps)
            rows.push_back(
              {std::to_string(st.shard), st.action, std::to_string(st.count)});
          if (rows.empty())
            std::cout << "balanced: no moves needed\n";
          else
            print_table({"SHARD", "ACTION", "COUNT"}, rows);
        });
      };
    });
  auto node = app.add_subcommand("node", "the node itself");
  node->require_subcommand(1);
  node->add_subcommand("status", "name, address, uptime, entities")
    ->callback([&run] {
      run = [](session& s) {
        auto v = s.ask<node_status>(nod_status_atom::value);
        if (!v)
          return s.fail();
        return s.print(ctl::to_json(*v),
                       [&] { print_fields(ctl::to_json(*v)); });
      };
    });
}

// ASCII tree connectors ("|- ", "`- ") for lines in depth-first order.
std::vector<std::string> tree_prefixes(const std::vector<tree_line>& lines) {
  std::vector<std::string> out;
  std::vector<bool> open; // per depth: more siblings follow below
  for (size_t k = 0; k < lines.size(); ++k) {
    auto d = static_cast<size_t>(std::max(0, lines[k].depth));
    bool last = true;
    for (size_t j = k + 1; j < lines.size(); ++j) {
      if (lines[j].depth < lines[k].depth)
        break;
      if (lines[j].depth == lines[k].depth) {
        last = false;
        break;
      }
    }
    std::string prefix;
    for (size_t lvl = 1; lvl < d; ++lvl)
      prefix += lvl < open.size() && open[lvl] ? "|  " : "   ";
    if (d > 0)
      prefix += last ? "`- " : "|- ";
    open.resize(d + 1);
    open[d] = !last;
    out.push_back(prefix);
  }
  return out;
}

void setup_cluster(CLI::App& app, command& run) {
  auto cluster = app.add_subcommand("cluster", "nodes, shard leases, events");
  cluster->require_subcommand(1);
  cluster->add_subcommand("status", "nodes, their state and shards; leases")
    ->callback([&run] {
      run = [](session& s) {
        auto v = s.ask<cluster_status>(clu_status_atom::value);
        if (!v)
          return s.fail();
        auto doc = ctl::to_json(v->answered_by, v->nodes, v->leases,
                                v->connected);
        return s.print(doc, [&] {
          std::cout << "cluster of " << v->nodes.size() << " node(s), "
                    << v->leases.size() << " shards (answered by "
                    << v->answered_by << ")\n";
          std::vector<std::vector<std::string>> rows;
          for (auto& n : doc["nodes"]) {
            std::string shards;
            for (auto& x : n["shards"])
              shards += (shards.empty() ? "" : ",") + x.dump();
            rows.push_back({n["name"], n["state"], n["address"],
                            n["pid"].dump(), shards.empty() ? "-" : shards,
                            n["heartbeat_age_ms"].dump() + " ms ago",
                            n["reachable"].get<bool>() ? "yes" : "no"});
          }
          print_table({"NODE", "STATE", "ADDRESS", "PID", "SHARDS", "HEARTBEAT",
                       "REACHABLE"},
                      rows);
          std::cout << '\n';
          rows.clear();
          for (auto& l : doc["leases"])
            rows.push_back({l["shard"].dump(),
                            l["owner"].get<std::string>().empty()
                              ? "-"
                              : l["owner"].get<std::string>(),
                            l["epoch"].dump(), l["changed_at"]});
          print_table({"SHARD", "OWNER", "EPOCH", "SINCE"}, rows);
        });
      };
    });
  auto events = cluster->add_subcommand(
    "events", "membership and ownership changes, oldest first");
  auto limit = std::make_shared<int32_t>(50);
  events->add_option("--limit", *limit, "how many of the latest (default 50)")
    ->check(CLI::Range(1, 10000));
  events->callback([&run, limit] {
    run = [limit](session& s) {
      auto v = s.ask<std::vector<cluster_event>>(clu_events_atom::value,
                                                 *limit);
      if (!v)
        return s.fail();
      return s.print(ctl::to_json(*v), [&] {
        std::vector<std::vector<std::string>> rows;
        for (auto& e : *v)
          rows.push_back({std::to_string(e.id), e.at, e.node, e.kind,
                          e.shard < 0 ? "-" : std::to_string(e.shard),
                          e.epoch == 0 ? "-" : std::to_string(e.epoch),
                          e.detail});
        print_table({"ID", "AT", "NODE", "EVENT", "SHARD", "EPOCH", "DETAIL"},
                    rows);
      });
    };
  });
  auto leave = cluster->add_subcommand(
    "leave", "hand off every shard of NODE, then stop it");
  auto node = std::make_shared<std::string>();
  leave->add_option("NODE", *node, "node name (see cluster status)")
    ->required();
  leave->callback([&run, node] {
    run = [node](session& s) {
      auto v = s.ask<std::string>(clu_leave_atom::value, *node);
      if (!v)
        return s.fail();
      return s.print(json{{"message", *v}}, [&] { std::cout << *v << '\n'; });
    };
  });
}

void setup_debug(CLI::App& app, command& run) {
  auto debug = app.add_subcommand(
    "debug", "fault injection (needs \"debug\": {\"fault_injection\": true})");
  debug->require_subcommand(1);
  {
    auto cmd = debug->add_subcommand(
      "crash", "make an actor throw: shard/N, entities/N, shards/N, user/ID, "
               "party/ID, gateway");
    auto path = std::make_shared<std::string>();
    auto every = std::make_shared<bool>(false);
    cmd->add_option("ACTOR-PATH", *path, "the actor's name in `debug tree`")
      ->required();
    cmd->add_flag("--every-message", *every,
                  "throw on every message until `debug heal` (shard/N, "
                  "user/ID, party/ID)");
    cmd->callback([&run, path, every] {
      run = [path, every](session& s) {
        auto v = s.ask<std::string>(dbg_crash_atom::value, *path, *every);
        if (!v)
          return s.fail();
        return s.print(json{{"actor", *path}, {"result", *v}},
                       [&] { std::cout << *v << '\n'; });
      };
    });
  }
  {
    auto cmd = debug->add_subcommand("heal", "end an --every-message fault");
    auto path = std::make_shared<std::string>();
    cmd->add_option("ACTOR-PATH", *path, "as given to debug crash")->required();
    cmd->callback([&run, path] {
      run = [path](session& s) {
        auto v = s.ask<bool>(dbg_heal_atom::value, *path);
        if (!v)
          return s.fail();
        auto text = *v ? *path + " no longer throws"
                       : *path + " had no every-message fault";
        return s.print(json{{"actor", *path}, {"healed", *v}},
                       [&] { std::cout << text << '\n'; });
      };
    });
  }
  debug->add_subcommand("tree", "the live supervision tree, restart counts")
    ->callback([&run] {
      run = [](session& s) {
        auto v = s.ask<std::vector<tree_line>>(dbg_tree_atom::value);
        if (!v)
          return s.fail();
        auto doc = json::array();
        for (auto& l : *v)
          doc.push_back({{"depth", l.depth},
                         {"name", l.name},
                         {"kind", l.kind},
                         {"strategy", l.strategy},
                         {"state", l.state},
                         {"restarts", l.restarts},
                         {"detail", l.detail}});
        return s.print(doc, [&] {
          auto prefixes = tree_prefixes(*v);
          std::vector<std::vector<std::string>> rows;
          for (size_t k = 0; k < v->size(); ++k) {
            auto& l = (*v)[k];
            rows.push_back({prefixes[k] + l.name, l.kind, l.strategy, l.state,
                            std::to_string(l.restarts), l.detail});
          }
          print_table(
            {"ACTOR", "KIND", "STRATEGY", "STATE", "RESTARTS", "DETAIL"}, rows);
        });
      };
    });
}

} // namespace

int main(int argc, char** argv) {
  CLI::App app{"lunchctl: send commands to a lunchmesh node"};
  app.require_subcommand(1);
  global_options opts;
  const char* env_node = std::getenv("LUNCH_NODE");
  opts.node = env_node && *env_node ? env_node : "127.0.0.1:4710";
  app.add_option("--node", opts.node, "HOST:PORT of a node (env LUNCH_NODE)");
  app.add_flag("--json", opts.json, "print one JSON document");
  app.add_option("--timeout", opts.timeout_s, "seconds to wait for an answer")
    ->check(CLI::Range(0.01, 3600.0));
  app
    .add_option("--request-id", opts.request_id,
                "id of this write: repeating a write with the same id "
                "applies it once (default: a fresh random id)")
    ->check([](const std::string& x) {
      return !x.empty() && x.size() <= 200 ? std::string{}
                                           : "must be 1 to 200 characters";
    });
  command run;
  setup_user(app, run);
  setup_party(app, run);
  setup_calendar(app, run);
  setup_notify(app, run);
  setup_maintenance(app, run);
  setup_job(app, run);
  setup_schedule(app, run);
  setup_recommend(app, run);
  setup_cache(app, run);
  setup_shard_and_node(app, run);
  setup_cluster(app, run);
  setup_debug(app, run);
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    auto rc = app.exit(e);
    return rc == 0 ? exit_ok : exit_usage;
  }
  std::string error;
  auto address = lunch::cli::node_address(opts.node, error);
  if (!address) {
    std::cerr << "lunchctl: " << error << '\n';
    return exit_usage;
  }
  caf::actor_system_config cfg;
  lunch::runtime::configure(cfg, 2);
  caf::actor_system sys{cfg};
  auto gw = lunch::cli::connect_gateway(sys, *address, opts.node, error);
  auto timeout = std::chrono::duration_cast<caf::timespan>(
    std::chrono::duration<double>(opts.timeout_s));
  if (!gw) {
    session s{sys, {}, timeout, opts.json};
    return s.report(errc::unavailable, error);
  }
  int rc;
  {
    session s{sys, *gw, timeout, opts.json, opts.request_id};
    rc = run(s);
  }
  return rc;
}
