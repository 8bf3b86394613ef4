// In-process node on real PostgreSQL: gateway → regions → entities →
// group-committing shard owners, checked against the databases themselves.

#include <chrono>
#include <optional>

#include <caf/all.hpp>
#include <catch2/catch.hpp>

#include "actors/node/node_databases.hpp"
#include "actors/shard/slot_map.hpp"
#include "messages/errors.hpp"
#include "tests/integration/node_client.hpp"
#include "tests/integration/pg_fixture.hpp"

using namespace lunch;
using namespace std::chrono_literals;
using test::ask;
using test::lunch_party;
using test::person;

namespace {

// Two ids living on different shards (4 shards, slot mod 4).
std::pair<std::string, std::string> ids_on_two_shards() {
  auto map = slot_map::modulo(4);
  std::string a = "u0";
  for (int i = 1;; ++i) {
    auto b = "u" + std::to_string(i);
    if (map.shard_of_key(b) != map.shard_of_key(a))
      return {a, b};
  }
}

// Waits (bounded) until every user entity of the node has passivated.
bool users_passivated(test::node_fixture& node) {
  return test::eventually([&] {
    auto status = ask<node_status>(node, nod_status_atom::value);
    return status.value && status.value->active_users == 0;
  });
}

} // namespace

TEST_CASE("a user round-trips through the gateway and survives passivation",
          "[node]") {
  // Idle entities are kept for a day at first, so that reading the
  // active count cannot race passivation however slow the machine.
  test::node_fixture node{4, 86400000};
  auto created = ask<user_view>(node, usr_create_atom::value,
                                person("KOICA001", "홍길동"), request_id{});
  REQUIRE(created.value);
  CHECK(created.value->shard == 1);
  CHECK(created.value->profile.preferred_time == "12:00"); // default
  CHECK(created.value->profile.lunch_styles
        == std::vector<std::string>{"새로운 맛집 탐방"});
  auto again = ask<user_view>(node, usr_create_atom::value,
                              person("KOICA001", "다른이름"), request_id{});
  CHECK(again.code == errc::already_exists);
  auto status = ask<node_status>(node, nod_status_atom::value);
  REQUIRE(status.value);
  CHECK(status.value->active_users == 1);
  // The same node passivating after 300 ms: a request activates the
  // entity, idle it stops, and the next request activates a fresh one.
  node.cfg.passivate_after_ms = 300;
  node.restart_node();
  REQUIRE(
    ask<user_view>(node, usr_get_atom::value, user_key{"KOICA001"}).value);
  CHECK(users_passivated(node));
  auto loaded = ask<user_view>(node, usr_get_atom::value, user_key{"KOICA001"});
  REQUIRE(loaded.value);
  CHECK(loaded.value->profile.nickname == "홍길동");
  CHECK(loaded.value->profile.created_at == created.value->profile.created_at);
}

TEST_CASE("concurrent joins never exceed max_members", "[node][party]") {
  test::node_fixture node;
  REQUIRE(ask<user_view>(node, usr_create_atom::value, person("host", "h"),
                         request_id{})
            .value);
  for (int i = 0; i < 30; ++i)
    REQUIRE(ask<user_view>(node, usr_create_atom::value,
                           person("j" + std::to_string(i), "j"), request_id{})
              .value);
  auto party = ask<party_view>(node, pty_create_atom::value,
                               lunch_party("host", 4), request_id{});
  REQUIRE(party.value);
  auto id = party.value->party.id;
  // All 30 joins are in flight at once.
  caf::scoped_actor self{*node.sys};
  std::vector<decltype(self->request(node.gateway, 30s, pty_join_atom::value,
                                     party_id{id}, user_key{}, request_id{}))>
    pending;
  for (int i = 0; i < 30; ++i)
    pending.push_back(
      self->request(node.gateway, 30s, pty_join_atom::value, party_id{id},
                    user_key{"j" + std::to_string(i)}, request_id{}));
  int joined = 0, full = 0;
  for (auto& h : pending)
    h.receive([&](party_view&) { ++joined; },
              [&](caf::error& e) {
                if (errc_of(e) == errc::party_full)
                  ++full;
              });
  CHECK(joined == 3);
  CHECK(full == 27);
  auto shard = slot_map::modulo(4).shard_of_key("host");
  CHECK(test::query_int(node.dbs.shard_dsn(shard),
                        "SELECT count(*) FROM party_members WHERE party_id = "
                          + std::to_string(id))
        == 4);
}

TEST_CASE("points are counted exactly once across shards", "[node][points]") {
  test::node_fixture node{4, 300};
  auto [a, b] = ids_on_two_shards();
  REQUIRE(
    ask<user_view>(node, usr_create_atom::value, person(a, "a"), request_id{})
      .value);
  REQUIRE(
    ask<user_view>(node, usr_create_atom::value, person(b, "b"), request_id{})
      .value);
  // a hosts two parties (+50 each, on a's shard) and joins two parties
  // hosted by b (+30 each, ledger rows on b's shard).
  for (int i = 0; i < 2; ++i) {
    REQUIRE(ask<party_view>(node, pty_create_atom::value, lunch_party(a, 4),
                            request_id{})
              .value);
    auto p = ask<party_view>(node, pty_create_atom::value, lunch_party(b, 4),
                             request_id{});
    REQUIRE(p.value);
    REQUIRE(ask<party_view>(node, pty_join_atom::value,
                            party_id{p.value->party.id}, user_key{a},
                            request_id{})
              .value);
  }
  auto view = ask<user_view>(node, usr_get_atom::value, user_key{a});
  REQUIRE(view.value);
  CHECK(view.value->total_points == 160);
  CHECK(view.value->current_level == 1);
  // After passivation the total is rebuilt from both ledgers.
  REQUIRE(users_passivated(node));
  view = ask<user_view>(node, usr_get_atom::value, user_key{a});
  REQUIRE(view.value);
  CHECK(view.value->total_points == 160);
  auto hb = ask<user_view>(node, usr_get_atom::value, user_key{b});
  REQUIRE(hb.value);
  CHECK(hb.value->total_points == 100);
}

TEST_CASE("every acknowledged write of a burst is committed",
          "[node][commit]") {
  test::node_fixture node;
  caf::scoped_actor self{*node.sys};
  std::vector<decltype(self->request(node.gateway, 30s, usr_create_atom::value,
                                     user_profile{}, request_id{}))>
    pending;
  for (int i = 0; i < 400; ++i)
    pending.push_back(self->request(node.gateway, 30s, usr_create_atom::value,
                                    person("b" + std::to_string(i), "b"),
                                    request_id{}));
  int acked = 0;
  for (auto& h : pending)
    h.receive([&](user_view&) { ++acked; }, [&](caf::error&) {});
  CHECK(acked == 400);
  int64_t stored = 0;
  for (int i = 0; i < 4; ++i)
    stored += test::query_int(node.dbs.shard_dsn(i),
                              "SELECT count(*) FROM users");
  CHECK(stored == 400);
}

TEST_CASE("deleting a user removes them from parties on every shard",
          "[node][user]") {
  test::node_fixture node;
  auto [a, b] = ids_on_two_shards();
  REQUIRE(
    ask<user_view>(node, usr_create_atom::value, person(a, "a"), request_id{})
      .value);
  REQUIRE(
    ask<user_view>(node, usr_create_atom::value, person(b, "b"), request_id{})
      .value);
  auto hosted = ask<party_view>(node, pty_create_atom::value,
                                lunch_party(b, 4, {a}), request_id{});
  REQUIRE(hosted.value);
  auto own = ask<party_view>(node, pty_create_atom::value, lunch_party(a, 4),
                             request_id{});
  REQUIRE(own.value);
  REQUIRE(
    ask<user_view>(node, usr_delete_atom::value, user_key{a}, request_id{})
      .value);
  auto after = ask<party_view>(node, pty_get_atom::value,
                               party_id{hosted.value->party.id});
  REQUIRE(after.value);
  CHECK(after.value->party.member_ids == std::vector<std::string>{b});
  CHECK(
    ask<party_view>(node, pty_get_atom::value, party_id{own.value->party.id})
      .code
    == errc::not_found);
  CHECK(ask<user_view>(node, usr_get_atom::value, user_key{a}).code
        == errc::not_found);
  // A new account with the same id starts from zero points.
  auto again = ask<user_view>(node, usr_create_atom::value, person(a, "a2"),
                              request_id{});
  REQUIRE(again.value);
  CHECK(again.value->total_points == 0);
}

TEST_CASE("a restarted node serves what the previous one acknowledged",
          "[node]") {
  test::node_fixture node;
  REQUIRE(ask<user_view>(node, usr_create_atom::value,
                         person("TEST001", "테스트"), request_id{})
            .value);
  auto p = ask<party_view>(node, pty_create_atom::value,
                           lunch_party("TEST001", 2), request_id{});
  REQUIRE(p.value);
  node.restart_node();
  auto got = ask<party_view>(node, pty_get_atom::value,
                             party_id{p.value->party.id});
  REQUIRE(got.value);
  CHECK(got.value->members.size() == 1);
  CHECK(got.value->members[0].nickname == "테스트");
  CHECK(got.value->members[0].is_host);
  auto where = ask<key_location>(node, usr_shard_atom::value,
                                 std::string{"TEST001"});
  REQUIRE(where.value);
  CHECK(where.value->shard == 3);
}

TEST_CASE("a catalog refuses another shard count or shard order",
          "[node][catalog]") {
  test::scratch_databases dbs{4};
  auto cfg = dbs.node_config();
  prepare_databases(cfg);
  auto fewer = cfg;
  fewer.shards.pop_back();
  CHECK_THROWS_WITH(prepare_databases(fewer),
                    "shards: the config lists 3 shards but the catalog was"
                    " created for 4");
  auto swapped = cfg;
  std::swap(swapped.shards[0], swapped.shards[1]);
  CHECK_THROWS_WITH(prepare_databases(swapped),
                    Catch::Matchers::StartsWith("shards[0]: database ")
                      && Catch::Matchers::EndsWith(" is shard 1, listed as"
                                                   " shard 0"));
}
