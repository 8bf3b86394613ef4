// The recommendation snapshot of every shard through the gateway: users,
// membership counts, busy days, past dinners and calendar entries, exactly
// as created through the node.

#include <map>
#include <set>
#include <tuple>

#include <caf/all.hpp>
#include <catch2/catch.hpp>

#include "actors/node/node_databases.hpp"
#include "actors/shard/slot_map.hpp"
#include "messages/errors.hpp"
#include "tests/integration/node_client.hpp"
#include "tests/integration/pg_fixture.hpp"

using namespace lunch;
using test::ask;
using test::entry;
using test::person;

namespace {

party_record party_on(std::string host, std::string date,
                      std::vector<std::string> members) {
  auto p = test::lunch_party(std::move(host), 4, std::move(members));
  p.party_date = std::move(date);
  return p;
}

} // namespace

TEST_CASE("the snapshot has each shard's users, memberships and calendar",
          "[node][recommend]") {
  test::node_fixture node;
  // a and b share shard 0; c is on shard 1, d on shard 3; shard 2 is empty.
  auto on0 = test::ids_on_shard(0, 2, "s");
  auto a = on0[0], b = on0[1];
  auto c = test::ids_on_shard(1, 1, "s")[0];
  auto d = test::ids_on_shard(3, 1, "s")[0];
  auto pa = person(a, "에이", "한식");
  pa.gender = "여";
  pa.age_group = "30대";
  pa.lunch_styles = {"맛집 탐방"};
  pa.allergies = {"땅콩"};
  pa.frequent_areas = {"판교"};
  pa.preferred_time = "12:30";
  for (auto& p : {pa, person(b, "비"), person(c, "씨"), person(d, "디")})
    REQUIRE(
      ask<user_view>(node, usr_create_atom::value, p, request_id{}).value);
  // Today is 2026-06-15: two past parties, two from today on.
  auto p1 = ask<party_view>(node, pty_create_atom::value,
                            party_on(a, "2026-06-01", {b, c}), request_id{});
  auto p2 = ask<party_view>(node, pty_create_atom::value,
                            party_on(a, "2026-06-10", {b}), request_id{});
  auto p3 = ask<party_view>(node, pty_create_atom::value,
                            party_on(b, "2026-06-15", {c}), request_id{});
  auto p4 = ask<party_view>(node, pty_create_atom::value,
                            party_on(c, "2026-07-01", {}), request_id{});
  for (auto* p : {&p1, &p2, &p3, &p4})
    REQUIRE(p->value);
  REQUIRE(ask<party_view>(node, pty_join_atom::value,
                          party_id{p4.value->party.id}, user_key{a},
                          request_id{})
            .value);
  auto trip = entry(d, "2026-06-20", "출장");
  trip.recurrence = "monthly";
  trip.until = "2026-12-20";
  auto e1 = ask<calendar_entry>(node, cal_add_atom::value, trip, request_id{});
  auto e2 = ask<calendar_entry>(node, cal_add_atom::value,
                                entry(d, "2026-06-16", "휴가"), request_id{});
  REQUIRE(e1.value);
  REQUIRE(e2.value);

  auto snap = ask<std::vector<rec_shard_snapshot>>(
    node, rec_snapshot_atom::value, std::string{"2026-06-15"});
  REQUIRE(snap.value);
  auto& shards = *snap.value;
  REQUIRE(shards.size() == 4);
  for (int32_t i = 0; i < 4; ++i)
    CHECK(shards[i].shard == i);
  // Users, on their own shards, in employee_id order.
  auto user_ids = [](const rec_shard_snapshot& s) {
    std::vector<std::string> xs;
    for (auto& u : s.users)
      xs.push_back(u.employee_id);
    return xs;
  };
  CHECK(user_ids(shards[0]) == std::vector<std::string>{a, b});
  CHECK(user_ids(shards[1]) == std::vector<std::string>{c});
  CHECK(user_ids(shards[2]).empty());
  CHECK(user_ids(shards[3]) == std::vector<std::string>{d});
  auto& ua = shards[0].users[0];
  CHECK(ua.nickname == "에이");
  CHECK(ua.gender == "여");
  CHECK(ua.age_group == "30대");
  CHECK(ua.main_dish_genre == "한식");
  CHECK(ua.lunch_styles == std::vector<std::string>{"맛집 탐방"});
  CHECK(ua.food_preferences == std::vector<std::string>{"한식"});
  CHECK(ua.allergies == std::vector<std::string>{"땅콩"});
  CHECK(ua.preferred_time == "12:30");
  CHECK(ua.frequent_areas == std::vector<std::string>{"판교"});
  // Memberships are recorded on the host's shard: p1, p2 (host a) and p3
  // (host b) on shard 0, p4 (host c) on shard 1.
  using count_row = std::pair<std::string, int64_t>;
  auto counts = [](const rec_shard_snapshot& s) {
    std::vector<count_row> xs;
    for (auto& x : s.counts)
      xs.emplace_back(x.employee_id, x.parties);
    return xs;
  };
  std::vector<count_row> want0 = {{a, 2}, {b, 3}, {c, 2}};
  std::sort(want0.begin(), want0.end());
  CHECK(counts(shards[0]) == want0);
  std::vector<count_row> want1 = {{a, 1}, {c, 1}};
  std::sort(want1.begin(), want1.end());
  CHECK(counts(shards[1]) == want1);
  CHECK(shards[2].counts.empty());
  CHECK(shards[3].counts.empty());
  // Busy from today on: p3 (b, c on 06-15) and p4 (c, a on 07-01).
  using busy_row = std::tuple<std::string, std::string, int64_t>;
  std::set<busy_row> busy;
  for (auto& s : shards)
    for (auto& x : s.busy)
      busy.emplace(x.employee_id, x.date, x.party_id);
  auto id3 = p3.value->party.id, id4 = p4.value->party.id;
  CHECK(busy
        == std::set<busy_row>{{b, "2026-06-15", id3},
                              {c, "2026-06-15", id3},
                              {c, "2026-07-01", id4},
                              {a, "2026-07-01", id4}});
  CHECK(shards[0].busy.size() == 2);
  // Past dinners: the latest party before today per (host, member).
  using dined_row = std::tuple<std::string, std::string, std::string>;
  std::vector<dined_row> dined;
  for (auto& x : shards[0].dined)
    dined.emplace_back(x.host, x.member, x.date);
  std::vector<dined_row> want_dined = {{a, b, "2026-06-10"},
                                       {a, c, "2026-06-01"}};
  std::sort(want_dined.begin(), want_dined.end());
  CHECK(dined == want_dined);
  for (int i = 1; i < 4; ++i)
    CHECK(shards[i].dined.empty());
  // Calendar entries, on their user's shard.
  REQUIRE(shards[3].calendar.size() == 2);
  CHECK(shards[3].calendar[0].id == e2.value->id); // 06-16 before 06-20
  auto& t = shards[3].calendar[1];
  CHECK(std::tie(t.id, t.employee_id, t.date, t.title, t.recurrence, t.interval,
                 t.until)
        == std::make_tuple(e1.value->id, d, std::string{"2026-06-20"},
                           std::string{"출장"}, std::string{"monthly"}, 1,
                           std::string{"2026-12-20"}));
  for (int i = 0; i < 3; ++i)
    CHECK(shards[i].calendar.empty());
  // A malformed date is refused before any shard is asked.
  auto bad = ask<std::vector<rec_shard_snapshot>>(
    node, rec_snapshot_atom::value, std::string{"2026-02-30"});
  CHECK(bad.code == errc::invalid_argument);
}

TEST_CASE("the snapshot fails naming the shard that cannot answer",
          "[node][recommend]") {
  test::node_fixture node{4, 60000, [](config::node_config& cfg) {
                            cfg.fault_injection = true;
                          }};
  // Shard 2's owner throws on every message until healed.
  REQUIRE(
    ask<std::string>(node, dbg_crash_atom::value, std::string{"shard/2"}, true)
      .value);
  auto snap = ask<std::vector<rec_shard_snapshot>>(
    node, rec_snapshot_atom::value, std::string{"2026-06-15"});
  CHECK_FALSE(snap.value);
  CHECK(snap.code == errc::unavailable);
  CHECK(snap.message.rfind("shard 2 did not answer", 0) == 0);
  REQUIRE(ask<bool>(node, dbg_heal_atom::value, std::string{"shard/2"}).value);
  CHECK(test::eventually(
    [&] {
      return ask<std::vector<rec_shard_snapshot>>(
               node, rec_snapshot_atom::value, std::string{"2026-06-15"})
        .value.has_value();
    },
    std::chrono::seconds(20)));
}
