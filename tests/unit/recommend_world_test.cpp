// Recommendations over the seed users (spec §2.9): S11 (smart), S12
// (suggest), S15 (daily) and how change notices move people in and out.

#include <algorithm>
#include <fstream>
#include <map>

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include "actors/recommend/daily.hpp"
#include "actors/recommend/random_terms.hpp"
#include "actors/recommend/scoring.hpp"
#include "actors/recommend/smart.hpp"

using namespace lunch;
using namespace lunch::rec;

namespace {

std::vector<rec_user> seed_users() {
  std::ifstream in{LUNCH_SOURCE_DIR "/config/seed-users.json"};
  REQUIRE(in);
  auto doc = nlohmann::json::parse(in);
  std::vector<rec_user> users;
  for (auto& j : doc) {
    rec_user u;
    u.employee_id = j.at("employee_id");
    u.nickname = j.at("nickname");
    u.main_dish_genre = j.value("main_dish_genre", "");
    u.lunch_styles = j.value("lunch_styles", std::vector<std::string>{});
    u.food_preferences = j.value("food_preferences",
                                 std::vector<std::string>{});
    u.allergies = j.value("allergies", std::vector<std::string>{});
    u.preferred_time = j.value("preferred_time", "");
    u.frequent_areas = j.value("frequent_areas", std::vector<std::string>{});
    users.push_back(u);
  }
  return users;
}

/// The seed users, given in reverse order: the world sorts them itself.
world seed_world(std::vector<rec_busy> busy = {},
                 std::vector<calendar_entry> calendar = {}) {
  rec_shard_snapshot shard;
  auto users = seed_users();
  shard.users.assign(users.rbegin(), users.rend());
  shard.busy = std::move(busy);
  shard.calendar = std::move(calendar);
  world w;
  w.load({shard});
  return w;
}

const day_t monday = *parse_day("2026-11-23");

std::vector<std::vector<std::string>> ids_of(const std::vector<rec_item>& xs) {
  std::vector<std::vector<std::string>> out;
  for (auto& x : xs) {
    out.emplace_back();
    for (auto& m : x.recommended_group)
      out.back().push_back(m.employee_id);
  }
  return out;
}

std::vector<rec_item> smart(const world& w, const std::string& user, day_t d,
                            uint64_t seed = 0) {
  auto head = rank(w, w.find(user), candidates_on(w, d), seed);
  if (!head)
    return {};
  return render(w, w.find(user), d, monday, *head);
}

bool mentions(const std::vector<rec_item>& xs, const std::string& user) {
  for (auto& x : xs)
    for (auto& m : x.recommended_group)
      if (m.employee_id == user)
        return true;
  return false;
}

} // namespace

TEST_CASE("S11: seed zero gives user 1 exactly the ten groups of the spec",
          "[recommend]") {
  auto w = seed_world();
  REQUIRE(w.user_count() == 20);
  CHECK(w.at(w.order().front()).profile.employee_id == "1");
  auto items = smart(w, "1", monday + 3);
  using ids = std::vector<std::vector<std::string>>;
  CHECK(ids_of(items)
        == ids{{"5", "15", "2"},
               {"5", "15", "3"},
               {"5", "2", "3"},
               {"5", "2", "4"},
               {"15", "2", "3"},
               {"15", "2", "4"},
               {"5", "15"},
               {"15", "2"},
               {"2", "3"},
               {"5"}});
  for (auto& item : items) {
    CHECK(item.proposed_date == "2026-11-26");
    for (auto& m : item.recommended_group)
      CHECK(m.last_dining_together == "처음 만나는 동료");
  }
  CHECK(items[0].recommended_group[0].nickname == "정현우");
  CHECK(items[0].recommended_group[0].lunch_preference == "전통 음식");
  CHECK(items[0].recommended_group[0].main_dish_genre == "한식,중식");
}

TEST_CASE("S11: a busy user is in no group and has no entry", "[recommend]") {
  calendar_entry doctor;
  doctor.id = 9;
  doctor.employee_id = "5";
  doctor.date = "2026-11-24";
  auto w = seed_world({{"15", "2026-11-24"}}, {doctor});
  for (auto user : w.order()) {
    auto& id = w.at(user).profile.employee_id;
    auto items = smart(w, id, monday + 1);
    CHECK_FALSE(mentions(items, "5"));
    CHECK_FALSE(mentions(items, "15"));
  }
  CHECK(smart(w, "5", monday + 1).empty());
  CHECK(smart(w, "15", monday + 1).empty());
  CHECK(mentions(smart(w, "1", monday + 2), "5")); // free the next day
}

TEST_CASE("S11: with two other users free there are two groups",
          "[recommend]") {
  std::vector<rec_busy> busy;
  for (int i = 4; i <= 20; ++i)
    busy.push_back({std::to_string(i), "2026-11-24"});
  auto w = seed_world(busy);
  using ids = std::vector<std::vector<std::string>>;
  CHECK(ids_of(smart(w, "1", monday + 1)) == ids{{"2", "3"}, {"2"}});
}

TEST_CASE("a seeded build is reproducible and differs from seed zero",
          "[recommend]") {
  auto w = seed_world();
  auto a = ids_of(smart(w, "1", monday, 42));
  CHECK(a == ids_of(smart(w, "1", monday, 42)));
  CHECK(a.size() == 10);
  CHECK(a != ids_of(smart(w, "1", monday, 43)));
}

TEST_CASE("S12: suggested groups for user 1", "[recommend]") {
  auto w = seed_world({{"7", "2026-11-24"}});
  auto free_all = suggest_groups(w, w.find("1"), monday);
  std::vector<std::vector<std::string>> got;
  for (auto& g : free_all) {
    got.emplace_back();
    for (auto& u : g.users)
      got.back().push_back(u.employee_id);
  }
  using ids = std::vector<std::vector<std::string>>;
  CHECK(got
        == ids{{"11", "4", "5"},
               {"15", "19", "3"},
               {"6", "7", "8"},
               {"9", "10", "12"},
               {"14", "16", "17"}});
  CHECK(free_all[4].group_id == 5);
  CHECK(free_all[0].users[0].lunch_preference == "맛집 탐방,새로운 메뉴 도전");
  // User 7 has a party on the 24th: never suggested that day.
  for (auto& g : suggest_groups(w, w.find("1"), monday + 1))
    for (auto& u : g.users)
      CHECK(u.employee_id != "7");
}

TEST_CASE("S15: twenty daily groups from users 1, 2, 3 and 4", "[recommend]") {
  auto w = seed_world();
  auto groups = daily_groups(w, monday, monday, 0);
  REQUIRE(groups.size() == 20);
  std::map<std::string, int> per_user;
  for (auto& g : groups) {
    ++per_user[g.for_user];
    CHECK(g.proposed_date == "2026-11-23");
    REQUIRE(g.recommended_group.size() == 3);
    for (auto& m : g.recommended_group) {
      CHECK(m.employee_id != g.for_user);
      CHECK(m.compatibility_score >= 0.0);
      CHECK(m.compatibility_score <= 1.0);
    }
  }
  CHECK(per_user
        == std::map<std::string, int>{{"1", 6}, {"2", 6}, {"3", 6}, {"4", 2}});
  // compat01 = 0.9 for a shared cuisine; pattern01 = 0.8 for the same time
  // and genre string (users 5 and 15), 0.5 for the same time only.
  auto& first = groups[0].recommended_group;
  CHECK(first[0].employee_id == "5");
  CHECK(first[0].compatibility_score == 0.78);
  CHECK(first[1].employee_id == "15");
  CHECK(first[2].employee_id == "3");
  CHECK(first[2].compatibility_score == 0.69);
}

TEST_CASE("change notices make people busy, free and new", "[recommend]") {
  auto w = seed_world();
  rec_change join;
  join.kind = "member_add";
  join.busy = {"5", "2026-11-24", 17};
  auto scope = w.apply(join);
  w.apply(join); // a repeated notice changes nothing
  CHECK_FALSE(scope.all_days);
  CHECK(scope.days == std::vector<day_t>{monday + 1});
  CHECK(w.busy(w.find("5"), monday + 1));
  CHECK(w.at(w.find("5")).attrs.parties == 1);
  CHECK_FALSE(mentions(smart(w, "1", monday + 1), "5"));

  rec_change leave = join;
  leave.kind = "member_remove";
  w.apply(leave);
  CHECK_FALSE(w.busy(w.find("5"), monday + 1));
  CHECK(w.at(w.find("5")).attrs.parties == 0);

  rec_change added;
  added.kind = "user_upsert";
  added.user.employee_id = "3a";
  added.user.main_dish_genre = "한식,중식";
  CHECK(w.apply(added).all_days);
  REQUIRE(w.user_count() == 21);
  CHECK(w.at(w.order()[3]).profile.employee_id == "3a"); // after "3"
  CHECK(ids_of(smart(w, "1", monday))[0]
        == std::vector<std::string>{"3a", "5", "15"});

  rec_change gone;
  gone.kind = "user_delete";
  gone.user.employee_id = "3a";
  w.apply(gone);
  CHECK(w.find("3a") == -1);
  CHECK(w.user_count() == 20);
}

namespace {

/// §4.2 as written: every other free user scored, a stable descending
/// sort, the first five. The pruned ranking must give exactly this.
std::vector<int32_t> naive_top5(const world& w, int32_t requester, day_t day,
                                uint64_t seed) {
  struct scored {
    int32_t index;
    double total;
  };
  std::vector<scored> xs;
  auto& u = w.at(requester);
  for (auto vi : w.available(day)) {
    if (vi == requester)
      continue;
    auto& v = w.at(vi);
    double total = compat(u.attrs, v.attrs) + pattern(u.attrs, v.attrs);
    total += smart_term(seed, day, u.key_hash, v.key_hash);
    xs.push_back({vi, total});
  }
  std::stable_sort(xs.begin(), xs.end(),
                   [](auto& a, auto& b) { return a.total > b.total; });
  std::vector<int32_t> top;
  for (size_t i = 0; i < xs.size() && i < 5; ++i)
    top.push_back(xs[i].index);
  return top;
}

/// `n` users with few attribute values (many ties) and party counts 0–9.
world varied_world(int n) {
  const char* genres[] = {"", "한식", "일식", "중식"};
  const char* ages[] = {"", "20대", "30대"};
  const char* genders[] = {"", "남", "여"};
  rec_shard_snapshot shard;
  for (int i = 1; i <= n; ++i) {
    rec_user u;
    u.employee_id = std::to_string(i);
    u.nickname = "u" + u.employee_id;
    u.main_dish_genre = genres[(i * 7) % 4];
    u.age_group = ages[(i * 5) % 3];
    u.gender = genders[(i * 11) % 3];
    shard.users.push_back(u);
    shard.counts.push_back({u.employee_id, (i * 13) % 10});
  }
  world w;
  w.load({shard});
  return w;
}

} // namespace

TEST_CASE("the pruned ranking equals the full stable sort", "[recommend]") {
  auto w = varied_world(400);
  auto candidates = candidates_on(w, monday);
  for (uint64_t seed : {uint64_t{0}, uint64_t{7}, uint64_t{20250825}}) {
    CAPTURE(seed);
    for (auto requester : w.order()) {
      CAPTURE(requester);
      auto head = rank(w, requester, candidates, seed);
      REQUIRE(head);
      CHECK(head->n == 399);
      std::vector<int32_t> top(head->top.begin(),
                               head->top.begin() + head->size);
      REQUIRE(top == naive_top5(w, requester, monday, seed));
    }
  }
}
