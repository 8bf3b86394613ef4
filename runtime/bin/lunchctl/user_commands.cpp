// lunchctl user: create, get, update, prefs, search, delete, shard, import.

#include <fstream>
#include <optional>
#include <string>
#include <vector>

#include "actors/user/user_rules.hpp"
#include "runtime/bin/lunchctl/commands.hpp"

namespace lunch::ctl {

namespace {

using nlohmann::json;

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

/// The users in FILE, or exit_usage after saying why not.
std::optional<json> read_users(const std::string& file) {
  try {
    std::ifstream in{file};
    auto doc = json::parse(in);
    if (!doc.is_array())
      throw std::runtime_error("must be a JSON array of users");
    return doc;
  } catch (const std::exception& e) {
    std::cerr << "error: " << file << ": " << e.what() << '\n';
    return std::nullopt;
  }
}

// Creates each user; an id that exists is skipped, any other error stops.
int import_users(session& s, const json& users) {
  int created = 0, existing = 0;
  for (const auto& item : users) {
    auto v = s.ask<user_view>(usr_create_atom::value, profile_from_json(item),
                              s.request_id());
    if (v)
      ++created;
    else if (errc_of(v.error()) == errc::already_exists)
      ++existing;
    else
      return v.fail();
  }
  return s.print(json{{"created", created}, {"skipped_existing", existing}},
                 [&] {
                   std::cout << "created " << created << " users, skipped "
                             << existing << " existing\n";
                 });
}

void add_profile_commands(CLI::App* user, command& chosen) {
  {
    auto cmd = user->add_subcommand("create", "create a user");
    auto id = std::make_shared<std::string>();
    auto flags = std::make_shared<profile_flags>();
    cmd->add_option("ID", *id, "employee id")->required();
    flags->add(cmd, true);
    cmd->get_option("--nickname")->required();
    on_run(cmd, chosen, [id, flags](session& s) {
      return ask_and_print<user_view>(s, print_user, usr_create_atom::value,
                                      flags->patch(*id).values, s.request_id());
    });
  }
  {
    auto cmd = user->add_subcommand("get", "show a user");
    auto id = std::make_shared<std::string>();
    cmd->add_option("ID", *id)->required();
    on_run(cmd, chosen, [id](session& s) {
      return ask_and_print<user_view>(s, print_user, usr_get_atom::value,
                                      user_key{*id});
    });
  }
  {
    auto cmd = user->add_subcommand("update", "change some profile fields");
    auto id = std::make_shared<std::string>();
    auto flags = std::make_shared<profile_flags>();
    cmd->add_option("ID", *id)->required();
    flags->add(cmd, true);
    on_run(cmd, chosen, [id, flags](session& s) {
      auto patch = flags->patch(*id);
      if (patch.fields.empty())
        return s.report(errc::invalid_argument,
                        "nothing to update: give at least one field flag");
      return ask_and_print<user_view>(s, print_user, usr_update_atom::value,
                                      patch, s.request_id());
    });
  }
  {
    auto cmd = user->add_subcommand("prefs", "show or set preferences");
    auto id = std::make_shared<std::string>();
    auto flags = std::make_shared<profile_flags>();
    cmd->add_option("ID", *id)->required();
    flags->add(cmd, false);
    on_run(cmd, chosen, [id, flags](session& s) {
      auto patch = flags->patch(*id);
      auto v = patch.fields.empty()
                 ? s.ask<user_view>(usr_get_atom::value, user_key{*id})
                 : s.ask<user_view>(usr_update_atom::value, patch,
                                    s.request_id());
      return v.then([&](const user_view& u) {
        return s.print(prefs_json(u.profile), [&] { print_prefs(u.profile); });
      });
    });
  }
}

} // namespace

void setup_user(CLI::App& app, command& chosen) {
  auto user = app.add_subcommand("user", "users and their preferences");
  user->require_subcommand(1);
  add_profile_commands(user, chosen);
  {
    auto cmd = user->add_subcommand("search", "search nickname or genre");
    auto term = std::make_shared<std::string>();
    auto limit = std::make_shared<int32_t>(20);
    cmd->add_option("TERM", *term)->required();
    cmd->add_option("--limit", *limit, "at most this many (1-1000)")
      ->check(CLI::Range(1, 1000));
    on_run(cmd, chosen, [term, limit](session& s) {
      return ask_and_print<std::vector<user_summary>>(
        s, print_users, usr_search_atom::value, *term, *limit);
    });
  }
  {
    auto cmd = user->add_subcommand("delete", "delete a user");
    auto id = std::make_shared<std::string>();
    cmd->add_option("ID", *id)->required();
    on_run(cmd, chosen, [id](session& s) {
      return s
        .ask<user_view>(usr_delete_atom::value, user_key{*id}, s.request_id())
        .then([&](const user_view&) {
          return s.print(json{{"message", "user deleted"},
                              {"employee_id", *id}},
                         [&] { std::cout << "deleted user " << *id << '\n'; });
        });
    });
  }
  {
    auto cmd = user->add_subcommand("shard", "where a key lives");
    auto id = std::make_shared<std::string>();
    cmd->add_option("ID", *id)->required();
    on_run(cmd, chosen, [id](session& s) {
      return ask_and_print<key_location>(s, print_key_location,
                                         usr_shard_atom::value, *id);
    });
  }
  {
    auto cmd = user->add_subcommand("import", "create users from JSON");
    auto file = std::make_shared<std::string>();
    cmd->add_option("FILE", *file, "a JSON array of users")
      ->required()
      ->check(CLI::ExistingFile);
    on_run(cmd, chosen, [file](session& s) {
      auto users = read_users(*file);
      return users ? import_users(s, *users) : int{exit_usage};
    });
  }
}

} // namespace lunch::ctl
