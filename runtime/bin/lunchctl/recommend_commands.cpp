// lunchctl recommend: get, suggest, daily, score, build.

#include <chrono>
#include <string>
#include <thread>
#include <vector>

#include "runtime/bin/lunchctl/commands.hpp"
#include "runtime/bin/lunchctl/print_recommend.hpp"

namespace lunch::ctl {

namespace {

const auto seed_option_help
  = "random-term seed for this request (0: off; default: the node's)";

/// Asks the node for groups and prints them in the old app's JSON shape
/// (indented without --json: there is no table form).
template <class T, class... Ts>
int ask_groups(session& s, const Ts&... xs) {
  return s.ask<T>(xs...).then([&](const T& v) {
    auto doc = to_json(v);
    return s.print(doc, [&] { std::cout << doc.dump(2) << '\n'; });
  });
}

// One progress line; a failed build exits as a domain error.
int print_progress(session& s, const rec_progress& p) {
  if (s.json_output()) {
    std::cout << to_json(p).dump() << '\n';
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

// Polls until the build ends; each answer is one progress line.
int follow_build(session& s, rec_progress p, bool quiet) {
  while (p.state == "running") {
    if (!quiet)
      print_progress(s, p);
    std::this_thread::sleep_for(std::chrono::milliseconds(250));
    auto next = s.ask<rec_progress>(rec_prog_atom::value, p.build_id);
    if (!next)
      return next.fail();
    p = *next;
  }
  return print_progress(s, p);
}

void add_get(CLI::App* rec, command& chosen) {
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
  cmd->callback([&chosen, user, date, days, seed] {
    if (*days > 0 && date->empty())
      throw CLI::ValidationError("--days needs --date");
    chosen = [user, date, days, seed](session& s) {
      if (*days > 0)
        return ask_groups<std::vector<rec_day>>(s, rec_days_atom::value, *user,
                                                *date, *days, *seed);
      return ask_groups<std::vector<rec_item>>(s, rec_get_atom::value, *user,
                                               *date, *seed);
    };
  });
}

void add_build(CLI::App* rec, command& chosen) {
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
  on_run(cmd, chosen, [spec, quiet](session& s) {
    return s.ask<rec_progress>(rec_build_atom::value, *spec)
      .then([&](const rec_progress& p) { return follow_build(s, p, *quiet); });
  });
}

} // namespace

void setup_recommend(CLI::App& app, command& chosen) {
  auto rec = app.add_subcommand("recommend", "lunch-group recommendations");
  rec->require_subcommand(1);
  add_get(rec, chosen);
  {
    auto cmd = rec->add_subcommand("suggest", "groups of free people (§4.4)");
    auto user = std::make_shared<std::string>();
    auto date = std::make_shared<std::string>();
    cmd->add_option("--user", *user, "employee id")->required();
    cmd->add_option("--date", *date, "the day")->required()->check(iso_date);
    on_run(cmd, chosen, [user, date](session& s) {
      return ask_groups<std::vector<suggest_group>>(s, rec_suggst_atom::value,
                                                    *user, *date);
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
    on_run(cmd, chosen, [date, seed](session& s) {
      return ask_groups<std::vector<daily_group>>(s, rec_daily_atom::value,
                                                  *date, *seed);
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
    on_run(cmd, chosen, [users, date](session& s) {
      return s.ask<int64_t>(rec_score_atom::value, *users, *date)
        .then([&](int64_t score) {
          return s.print(nlohmann::json{{"score", score}},
                         [&] { std::cout << score << '\n'; });
        });
    });
  }
  add_build(rec, chosen);
}

} // namespace lunch::ctl
