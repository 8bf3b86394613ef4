// lunchctl analytics (run, get) and maintenance (cleanup): the data jobs
// of spec §5, run at once.

#include <string>
#include <vector>

#include "actors/recommend/calendar_days.hpp"
#include "runtime/bin/lunchctl/commands.hpp"

namespace lunch::ctl {

namespace {

using ordered_json = nlohmann::ordered_json;

// Today in Asia/Seoul, the old app's day (and its Celery timezone).
std::string seoul_today() {
  return rec::format_day(rec::today_in_seoul());
}

void add_analytics_run(CLI::App* analytics, command& chosen) {
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
  on_run(cmd, chosen, [user, date](session& s) {
    auto day = date->empty() ? seoul_today() : *date;
    return s
      .ask<analytics_summary>(mnt_analytics_atom::value, day, *user,
                              s.request_id())
      .then([&](const analytics_summary& v) {
        return s.print(
          ordered_json{{"date", day}, {"users", v.users}, {"shards", v.shards}},
          [&] {
            std::cout << "stored the analytics of " << v.users
                      << " user(s) for " << day << " on " << v.shards
                      << " shard(s)\n";
          });
      });
  });
}

} // namespace

void setup_analytics(CLI::App& app, command& chosen) {
  auto analytics = app.add_subcommand("analytics", "per-user daily analytics");
  analytics->require_subcommand(1);
  add_analytics_run(analytics, chosen);
  {
    auto cmd = analytics->add_subcommand("get", "a user's stored analytics");
    auto user = std::make_shared<std::string>();
    auto date = std::make_shared<std::string>();
    cmd->add_option("USER", *user, "employee id")->required();
    cmd->add_option("--date", *date, "the day (default: the latest stored)")
      ->check(iso_date);
    on_run(cmd, chosen, [user, date](session& s) {
      return ask_and_print<user_analytics>(s, print_analytics,
                                           mnt_get_atom::value, *user, *date);
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
    on_run(cmd, chosen, [today](session& s) {
      auto day = today->empty() ? seoul_today() : *today;
      return ask_and_print<std::vector<cleanup_counts>>(
        s, print_cleanup, mnt_clean_atom::value, day, s.request_id());
    });
  }
}

} // namespace lunch::ctl
