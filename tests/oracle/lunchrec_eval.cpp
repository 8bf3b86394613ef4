// lunchrec-eval: runs the CAF-free recommendation code (actors/recommend/)
// on a dataset file of docs/recommend.md and prints exactly what
// scripts/reference/recommend.py prints for the same subcommand, so the two
// can be compared (tests/e2e/oracle_test.sh).
//
//   lunchrec-eval smart   --data F [--from D] [--days N] [--seed S]
//                                  [--users-subset K]
//   lunchrec-eval daily   --data F --date T [--seed S]
//   lunchrec-eval suggest --data F --user U --date D
//   lunchrec-eval score   --data F --users a,b,c --date D
//
// `--data -` reads stdin. Output: compact JSON on stdout; smart also prints
// "eval: entries=E requesters=R dates=D seconds=S" on stderr. Exit codes:
// 0 ok, 1 unknown user ({"error":"not_found"}), 2 usage or bad dataset.

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <fstream>
#include <iostream>
#include <map>
#include <optional>
#include <set>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

#include <CLI/CLI.hpp>
#include <nlohmann/json.hpp>

#include "actors/recommend/calendar_days.hpp"
#include "actors/recommend/daily.hpp"
#include "actors/recommend/rec_world.hpp"
#include "actors/recommend/smart.hpp"
#include "messages/recommend_model.hpp"
#include "messages/recommend_results.hpp"
#include "runtime/bin/lunchctl/print_recommend.hpp"

namespace {

using lunch::rec::day_t;
using json = nlohmann::json;
using ojson = nlohmann::ordered_json;

constexpr int exit_not_found = 1;
constexpr int exit_usage = 2;

struct bad_input : std::runtime_error {
  using std::runtime_error::runtime_error;
};

// -- the dataset
// ---------------------------------------------------------------

std::string text_of(const json& obj, const char* key) {
  auto i = obj.find(key);
  if (i == obj.end() || !i->is_string())
    return {};
  return i->get<std::string>();
}

std::vector<std::string> list_of(const json& obj, const char* key) {
  std::vector<std::string> out;
  auto i = obj.find(key);
  if (i == obj.end() || !i->is_array())
    return out;
  for (auto& x : *i)
    if (x.is_string())
      out.push_back(x.get<std::string>());
  return out;
}

day_t day_arg(const std::string& text, const char* what) {
  auto day = lunch::rec::parse_day(text);
  if (!day)
    throw bad_input(std::string{what} + ": not a YYYY-MM-DD date: " + text);
  return *day;
}

// Python's int(x) & (2^64 − 1) for the seeds that fit in 64 bits.
uint64_t seed_of(const json& value) {
  if (value.is_number_unsigned())
    return value.get<uint64_t>();
  if (value.is_number_integer())
    return static_cast<uint64_t>(value.get<int64_t>());
  throw bad_input("seed: not an integer");
}

struct dataset {
  day_t today = 0;
  uint64_t seed = 0;
  lunch::rec_shard_snapshot snapshot;
};

/// The dataset as one shard's snapshot: users; counts = memberships per
/// user over all parties (the host is a member; a user once per party);
/// busy = members of parties dated today or later (with the party id, or
/// the party's 1-based position when it has none); dined = (host, member,
/// latest date) of parties before today; calendar = the schedules.
dataset read_dataset(const std::string& path) {
  json raw;
  try {
    if (path == "-") {
      raw = json::parse(std::cin);
    } else {
      std::ifstream in{path};
      if (!in)
        throw bad_input("cannot read " + path);
      raw = json::parse(in);
    }
  } catch (const json::exception& e) {
    throw bad_input(path + ": " + e.what());
  }
  if (!raw.is_object())
    throw bad_input(path + ": not a JSON object");
  dataset ds;
  ds.today = day_arg(text_of(raw, "today"), "today");
  if (auto i = raw.find("seed"); i != raw.end() && !i->is_null())
    ds.seed = seed_of(*i);
  auto& snap = ds.snapshot;
  for (auto& u : raw.value("users", json::array())) {
    lunch::rec_user user;
    user.employee_id = text_of(u, "employee_id");
    user.nickname = text_of(u, "nickname");
    user.gender = text_of(u, "gender");
    user.age_group = text_of(u, "age_group");
    user.main_dish_genre = text_of(u, "main_dish_genre");
    user.lunch_styles = list_of(u, "lunch_styles");
    user.food_preferences = list_of(u, "food_preferences");
    user.allergies = list_of(u, "allergies");
    user.preferred_time = text_of(u, "preferred_time");
    user.frequent_areas = list_of(u, "frequent_areas");
    snap.users.push_back(std::move(user));
  }
  std::map<std::string, int64_t> counts;
  std::map<std::pair<std::string, std::string>, day_t> dined;
  int64_t position = 0;
  for (auto& p : raw.value("parties", json::array())) {
    ++position;
    int64_t party_id = position;
    if (auto i = p.find("id"); i != p.end() && i->is_number_integer())
      party_id = i->get<int64_t>();
    auto host = text_of(p, "host");
    auto date = text_of(p, "date");
    auto day = day_arg(date, "party date");
    auto members_list = list_of(p, "members");
    std::set<std::string> members{members_list.begin(), members_list.end()};
    members.insert(host);
    for (auto& m : members) {
      ++counts[m];
      if (day >= ds.today) {
        snap.busy.push_back({m, date, party_id});
      } else if (m != host) {
        auto [i, added] = dined.emplace(std::make_pair(host, m), day);
        if (!added && i->second < day)
          i->second = day;
      }
    }
  }
  for (auto& [id, n] : counts)
    snap.counts.push_back({id, n});
  for (auto& [key, day] : dined)
    snap.dined.push_back({key.first, key.second, lunch::rec::format_day(day)});
  for (auto& s : raw.value("schedules", json::array())) {
    lunch::calendar_entry entry;
    entry.id = s.value("id", int64_t{0});
    entry.employee_id = text_of(s, "employee_id");
    entry.date = text_of(s, "date");
    entry.recurrence = text_of(s, "recurrence");
    if (auto i = s.find("interval"); i != s.end() && i->is_number_integer())
      entry.interval = i->get<int32_t>();
    entry.until = text_of(s, "until");
    snap.calendar.push_back(std::move(entry));
  }
  return ds;
}

// -- output
// --------------------------------------------------------------------

// recommend.py's emit(): compact JSON (UTF-8 as is) and a newline.
void emit(const std::string& text) {
  std::fwrite(text.data(), 1, text.size(), stdout);
  std::fputc('\n', stdout);
  std::fflush(stdout);
}

[[noreturn]] void fail_not_found() {
  emit(R"({"error":"not_found"})");
  std::exit(exit_not_found);
}

// -- the subcommands
// -------------------------------------------------------------

struct options {
  std::string data;
  std::string from;
  int days = 30;
  std::optional<int64_t> seed;
  std::optional<int64_t> users_subset;
  std::string date;
  std::string user;
  std::string users;
};

uint64_t effective_seed(const dataset& ds, const options& opt) {
  return opt.seed ? static_cast<uint64_t>(*opt.seed) : ds.seed;
}

/// §4.2 for every requester (in DB order) and weekday in from…from+days−1;
/// users and dates without entries are omitted, as in the oracle. The
/// timing covers availability, ranking and rendering, not the JSON text.
int run_smart(const options& opt) {
  auto ds = read_dataset(opt.data);
  auto from = opt.from.empty() ? ds.today : day_arg(opt.from, "--from");
  auto seed = effective_seed(ds, opt);
  lunch::rec::world w;
  w.load({ds.snapshot});

  using clock = std::chrono::steady_clock;
  clock::duration spent{};
  auto t0 = clock::now();
  std::vector<day_t> dates;
  std::vector<lunch::rec::day_candidates> candidates;
  for (int i = 0; i < opt.days; ++i) {
    day_t day = from + i;
    if (lunch::rec::is_weekend(day))
      continue;
    dates.push_back(day);
    candidates.push_back(lunch::rec::candidates_on(w, day));
  }
  spent += clock::now() - t0;

  auto& order = w.order();
  auto requesters = order.size();
  if (opt.users_subset)
    requesters = static_cast<size_t>(std::clamp<int64_t>(
      *opt.users_subset, 0, static_cast<int64_t>(order.size())));
  int64_t entries = 0;
  std::string out = "{";
  bool first_user = true;
  for (size_t r = 0; r < requesters; ++r) {
    auto ui = order[r];
    ojson per_date = ojson::object();
    for (size_t d = 0; d < dates.size(); ++d) {
      auto t1 = clock::now();
      auto head = lunch::rec::rank(w, ui, candidates[d], seed);
      std::vector<lunch::rec_item> items;
      if (head)
        items = lunch::rec::render(w, ui, dates[d], ds.today, *head);
      spent += clock::now() - t1;
      if (!head)
        continue;
      ++entries;
      ojson list = ojson::array();
      for (auto& item : items)
        list.push_back(lunch::ctl::to_json(item));
      per_date[lunch::rec::format_day(dates[d])] = std::move(list);
    }
    if (per_date.empty())
      continue;
    if (!first_user)
      out += ',';
    first_user = false;
    out += ojson(w.at(ui).profile.employee_id).dump();
    out += ':';
    out += per_date.dump();
  }
  out += '}';
  emit(out);
  std::fprintf(stderr,
               "eval: entries=%lld requesters=%zu dates=%zu seconds=%.3f\n",
               static_cast<long long>(entries), requesters, dates.size(),
               std::chrono::duration<double>(spent).count());
  return 0;
}

int run_daily(const options& opt) {
  auto ds = read_dataset(opt.data);
  auto day = day_arg(opt.date, "--date");
  lunch::rec::world w;
  w.load({ds.snapshot});
  emit(lunch::ctl::to_json(
         lunch::rec::daily_groups(w, day, ds.today, effective_seed(ds, opt)))
         .dump());
  return 0;
}

int run_suggest(const options& opt) {
  auto ds = read_dataset(opt.data);
  auto day = day_arg(opt.date, "--date");
  lunch::rec::world w;
  w.load({ds.snapshot});
  auto requester = w.find(opt.user);
  if (requester < 0)
    fail_not_found();
  emit(
    lunch::ctl::to_json(lunch::rec::suggest_groups(w, requester, day)).dump());
  return 0;
}

int run_score(const options& opt) {
  auto ds = read_dataset(opt.data);
  auto day = day_arg(opt.date, "--date");
  lunch::rec::world w;
  w.load({ds.snapshot});
  // Python's str.split(","): every piece, empty ones included.
  std::vector<lunch::rec_user> members;
  size_t start = 0;
  while (true) {
    auto comma = opt.users.find(',', start);
    auto id = opt.users.substr(
      start, comma == std::string::npos ? std::string::npos : comma - start);
    auto i = w.find(id);
    if (i < 0)
      fail_not_found();
    members.push_back(w.at(i).profile);
    if (comma == std::string::npos)
      break;
    start = comma + 1;
  }
  emit(ojson{{"score", lunch::rec::group_score(members, day)}}.dump());
  return 0;
}

} // namespace

int main(int argc, char** argv) {
  CLI::App app{"Evaluates the recommendation rules on a dataset "
               "(docs/recommend.md), printing what recommend.py prints"};
  app.require_subcommand(1);
  options opt;
  auto* smart = app.add_subcommand("smart", "smart recommendations (§4.2)");
  auto* daily = app.add_subcommand("daily", "daily recommendations (§4.3)");
  auto* suggest = app.add_subcommand("suggest", "suggest groups (§4.4)");
  auto* score = app.add_subcommand("score", "group score (§4.7)");
  for (auto* sub : {smart, daily, suggest, score})
    sub->add_option("--data", opt.data, "dataset JSON file, or - for stdin")
      ->required();
  for (auto* sub : {smart, daily})
    sub->add_option("--seed", opt.seed, "override the dataset's seed");
  smart->add_option("--from", opt.from, "first date (default: dataset today)");
  smart->add_option("--days", opt.days, "number of days (default 30)");
  smart->add_option("--users-subset", opt.users_subset,
                    "only the first K requesters in DB order");
  daily->add_option("--date", opt.date)->required();
  suggest->add_option("--user", opt.user)->required();
  suggest->add_option("--date", opt.date)->required();
  score->add_option("--users", opt.users, "comma-separated employee_ids")
    ->required();
  score->add_option("--date", opt.date)->required();
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    auto rc = app.exit(e);
    return rc == 0 ? 0 : exit_usage;
  }
  try {
    if (smart->parsed())
      return run_smart(opt);
    if (daily->parsed())
      return run_daily(opt);
    if (suggest->parsed())
      return run_suggest(opt);
    return run_score(opt);
  } catch (const bad_input& e) {
    std::cerr << "lunchrec-eval: " << e.what() << '\n';
    return exit_usage;
  }
}
