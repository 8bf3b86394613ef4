// Shard ownership across nodes, in one process: each node is its own CAF
// actor system with a published gateway on a free loopback port, all on
// the same scratch catalog and shard databases.

#include <atomic>
#include <chrono>
#include <memory>
#include <thread>

#include <caf/all.hpp>
#include <caf/io/all.hpp>
#include <catch2/catch.hpp>

#include "actors/cluster/catalog_schema.hpp"
#include "actors/cluster/catalog_store.hpp"
#include "actors/cluster/lease_table.hpp"
#include "actors/node/node_databases.hpp"
#include "actors/node/node_root.hpp"
#include "actors/shard/shard_owner_actor.hpp"
#include "actors/shard/slot_map.hpp"
#include "messages/errors.hpp"
#include "runtime/db/connection.hpp"
#include "runtime/db/map_error.hpp"
#include "runtime/db/reconnecting.hpp"
#include "runtime/system_config.hpp"
#include "tests/integration/node_client.hpp"
#include "tests/integration/notice_probe.hpp"
#include "tests/integration/pg_fixture.hpp"

using namespace lunch;
using namespace std::chrono_literals;
using test::ids_on_shard;

// Membership changes take up to a heartbeat timeout plus a catalog tick.
constexpr auto settle = 30s;

namespace {

// One node: an actor system of its own running the node's tree.
struct member_node {
  member_node(const test::scratch_databases& dbs, std::string name) {
    cfg = dbs.node_config();
    cfg.node = std::move(name);
    cfg.listen.port = 0; // any free port
    cfg.cluster.heartbeat_ms = 100;
    // Long enough that a loaded machine does not declare a live peer down
    // (the checks count moves and epochs); a crashed one is still noticed
    // well within `settle`.
    cfg.cluster.heartbeat_timeout_ms = 3000;
    cfg.cluster.catalog_interval_ms = 200;
    runtime::configure(
      sys_cfg, 2, {cfg.cluster.heartbeat_ms, cfg.cluster.heartbeat_timeout_ms});
    sys = std::make_unique<caf::actor_system>(sys_cfg);
    node = start_node(*sys, cfg, prepare_databases(cfg), true);
    std::string error;
    if (!await_gateway(node, 20s, error))
      throw std::runtime_error(cfg.node + " did not start: " + error);
  }

  ~member_node() {
    crash();
  }

  // Stops the tree and the whole actor system: its connections drop, as
  // when the process dies.
  void crash() {
    if (!sys)
      return;
    // Unpublished first, like lunchd does: a published actor keeps the
    // system from shutting down. Its port closes, so peers that try to
    // reconnect are refused, as with a dead process.
    {
      std::lock_guard<std::mutex> guard{node.published->mtx};
      if (node.published->door)
        sys->middleman().unpublish(node.published->door, *node.published->port);
    }
    stop_node(*sys, node);
    // The root runs detached: its thread ends only once nothing refers to
    // it, so drop our handles before the system waits for that thread.
    node = running_node{};
    sys.reset();
  }

  template <class T, class... Ts>
  test::reply<T> ask(Ts... xs) {
    caf::scoped_actor self{*sys};
    test::reply<T> r;
    self->request(node.gateway(), 30s, xs...)
      .receive([&](T& x) { r.value = std::move(x); },
               [&](caf::error& e) {
                 r.code = errc_of(e);
                 r.message = message_of(e);
               });
    return r;
  }

  std::vector<int32_t> shards_held() const {
    return node.leases->shards();
  }

  config::node_config cfg;
  caf::actor_system_config sys_cfg;
  std::unique_ptr<caf::actor_system> sys;
  running_node node;
};

} // namespace

TEST_CASE("a joining node gets its share and every node serves every shard",
          "[cluster]") {
  test::scratch_databases dbs{4};
  member_node a{dbs, "alpha"};
  CHECK(a.shards_held() == std::vector<int32_t>{0, 1, 2, 3});
  member_node b{dbs, "beta"};
  REQUIRE(test::eventually(
    [&] { return a.shards_held().size() == 2 && b.shards_held().size() == 2; },
    settle));
  CHECK(a.shards_held() == std::vector<int32_t>{0, 1});
  CHECK(b.shards_held() == std::vector<int32_t>{2, 3});
  // Writes through either node reach every shard; reads agree.
  for (int32_t shard = 0; shard < 4; ++shard) {
    auto id = ids_on_shard(shard, 1, "j")[0];
    auto& via = shard % 2 == 0 ? a : b;
    auto created = via.ask<user_view>(usr_create_atom::value,
                                      test::person(id, "n" + id),
                                      request_id{"create-" + id});
    REQUIRE(created.value);
    CHECK(created.value->shard == shard);
    auto from_a = a.ask<user_view>(usr_get_atom::value, user_key{id});
    auto from_b = b.ask<user_view>(usr_get_atom::value, user_key{id});
    REQUIRE(from_a.value);
    REQUIRE(from_b.value);
    CHECK(from_a.value->profile.nickname == "n" + id);
    CHECK(from_b.value->profile.nickname == "n" + id);
  }
  // The catalog and both status views agree; every move bumped the epoch.
  auto status = b.ask<cluster_status>(clu_status_atom::value);
  REQUIRE(status.value);
  CHECK(status.value->nodes.size() == 2);
  std::vector<int64_t> epochs;
  for (auto& l : status.value->leases) {
    CHECK(l.owner == (l.shard < 2 ? "alpha" : "beta"));
    epochs.push_back(l.epoch);
  }
  CHECK(epochs == std::vector<int64_t>{1, 1, 2, 2});
  for (int32_t shard = 0; shard < 4; ++shard)
    CHECK(test::query_int(dbs.shard_dsn(shard), "SELECT epoch FROM shard_fence")
          == epochs[shard]);
}

TEST_CASE("a crashed node's shards are taken over and acknowledged writes stay",
          "[cluster]") {
  test::scratch_databases dbs{4};
  auto a = std::make_unique<member_node>(dbs, "alpha");
  member_node b{dbs, "beta"};
  REQUIRE(
    test::eventually([&] { return b.shards_held().size() == 2; }, settle));
  // A party on alpha's shard 0, joined through beta.
  auto host = ids_on_shard(0, 1, "h")[0];
  auto guests = ids_on_shard(3, 3, "g");
  REQUIRE(b.ask<user_view>(usr_create_atom::value, test::person(host, host),
                           request_id{})
            .value);
  for (auto& g : guests)
    REQUIRE(
      b.ask<user_view>(usr_create_atom::value, test::person(g, g), request_id{})
        .value);
  auto party = b.ask<party_view>(pty_create_atom::value,
                                 test::lunch_party(host, 3, {}),
                                 request_id{"party-1"});
  REQUIRE(party.value);
  auto pid = party.value->party.id;
  REQUIRE(b.ask<party_view>(pty_join_atom::value, party_id{pid},
                            user_key{guests[0]}, request_id{"join-0"})
            .value);
  a->crash();
  // beta takes shards 0 and 1 over (epoch 2) and serves the party.
  REQUIRE(
    test::eventually([&] { return b.shards_held().size() == 4; }, settle));
  auto after = b.ask<party_view>(pty_get_atom::value, party_id{pid});
  REQUIRE(after.value);
  CHECK(after.value->party.member_ids
        == std::vector<std::string>{host, guests[0]});
  // A retried write (same request id) is applied once: the original answer.
  auto again = b.ask<party_view>(pty_join_atom::value, party_id{pid},
                                 user_key{guests[0]}, request_id{"join-0"});
  REQUIRE(again.value);
  CHECK(again.value->party.member_ids.size() == 2);
  auto other = b.ask<party_view>(pty_join_atom::value, party_id{pid},
                                 user_key{guests[0]}, request_id{"join-0b"});
  CHECK(other.code == errc::already_joined);
  auto same_party = b.ask<party_view>(pty_create_atom::value,
                                      test::lunch_party(host, 3, {}),
                                      request_id{"party-1"});
  REQUIRE(same_party.value);
  CHECK(same_party.value->party.id == pid);
  // max_members holds across the takeover: 3 seats, host + 2 guests.
  CHECK(b.ask<party_view>(pty_join_atom::value, party_id{pid},
                          user_key{guests[1]}, request_id{"join-1"})
          .value);
  CHECK(b.ask<party_view>(pty_join_atom::value, party_id{pid},
                          user_key{guests[2]}, request_id{"join-2"})
          .code
        == errc::party_full);
  CHECK(test::query_int(dbs.shard_dsn(0), "SELECT count(*) FROM party_members")
        == 3);
  CHECK(test::query_int(dbs.shard_dsn(0), "SELECT epoch FROM shard_fence")
        == 2);
  // Rows remember the epoch that wrote them: 1 before the crash, 2 after.
  CHECK(test::query_int(dbs.shard_dsn(0),
                        "SELECT count(*) FROM party_members WHERE epoch = 2")
        == 1);
  auto events = b.ask<std::vector<cluster_event>>(clu_events_atom::value, 100);
  REQUIRE(events.value);
  auto has = [&](const std::string& kind, const std::string& detail) {
    for (auto& e : *events.value)
      if (e.kind == kind && e.detail.find(detail) != std::string::npos)
        return true;
    return false;
  };
  CHECK(has("node.down", "alpha is unreachable"));
  CHECK(has("shard.acquired", "beta takes shard 0 from alpha (gone)"));
}

TEST_CASE("a stale owner is fenced out of its shard database",
          "[cluster][fencing]") {
  test::scratch_databases dbs{4};
  member_node a{dbs, "alpha"};
  caf::scoped_actor self{*a.sys};
  // A second owner of shard 1 under epoch 1 (the lease alpha holds): it
  // may write, like alpha's own owner.
  auto stale_leases = std::make_shared<lease_table>();
  stale_leases->grant(1, 1);
  auto stale = spawn_shard_owner(self.ptr(),
                                 {1, a.cfg.shards[1], "ghost", stale_leases,
                                  nullptr, nullptr, nullptr});
  auto write = [&](shard_owner_actor owner, const std::string& id) {
    errc code = errc::none;
    self
      ->request(owner, 10s, db_insert_atom::value, test::person(id, id),
                request_id{})
      .receive([&](user_profile&) {},
               [&](caf::error& e) { code = errc_of(e); });
    return code;
  };
  CHECK(write(stale, "before") == errc::none);
  // A new owner fences the shard with epoch 2.
  auto fresh_leases = std::make_shared<lease_table>();
  fresh_leases->grant(1, 2);
  auto fresh = spawn_shard_owner(self.ptr(),
                                 {1, a.cfg.shards[1], "newer", fresh_leases,
                                  nullptr, nullptr, nullptr});
  CHECK(write(fresh, "fresh") == errc::none);
  // The stale owner's next batch is refused, and nothing of it commits.
  CHECK(write(stale, "after") == errc::fenced);
  CHECK(test::query_int(dbs.shard_dsn(1),
                        "SELECT count(*) FROM users WHERE employee_id ="
                        " 'after'")
        == 0);
  CHECK(test::query_int(dbs.shard_dsn(1), "SELECT epoch FROM shard_fence")
        == 2);
  // An owner whose epoch is older than the fence cannot even start.
  auto older = std::make_shared<lease_table>();
  older->grant(1, 1);
  auto late = spawn_shard_owner(self.ptr(), {1, a.cfg.shards[1], "late", older,
                                             nullptr, nullptr, nullptr});
  self->wait_for(late);
  self->send_exit(fresh, caf::exit_reason::user_shutdown);
  self->wait_for(fresh);
  self->wait_for(stale);
}

TEST_CASE("change notices reach every node, snapshots cross nodes",
          "[cluster][recommend]") {
  test::scratch_databases dbs{4};
  member_node a{dbs, "alpha"};
  member_node b{dbs, "beta"};
  REQUIRE(test::eventually(
    [&] { return a.shards_held().size() == 2 && b.shards_held().size() == 2; },
    settle));
  test::notice_probe on_a{*a.sys, *a.node.directory};
  test::notice_probe on_b{*b.sys, *b.node.directory};
  size_t seen_a = 0, seen_b = 0;
  // Each write through the other node: alpha owns shard 0, beta shard 3.
  auto x = ids_on_shard(0, 1, "x")[0];
  auto y = ids_on_shard(3, 1, "y")[0];
  REQUIRE(b.ask<user_view>(usr_create_atom::value, test::person(x, "엑스"),
                           request_id{"nx"})
            .value);
  REQUIRE(a.ask<user_view>(usr_create_atom::value, test::person(y, "와이"),
                           request_id{"ny"})
            .value);
  auto both = test::sorted(
    {"user_upsert " + x + " 엑스", "user_upsert " + y + " 와이"});
  CHECK(on_a.next(seen_a, 2) == both);
  CHECK(on_b.next(seen_b, 2) == both);
  auto e = a.ask<calendar_entry>(
    cal_add_atom::value,
    [&] {
      calendar_entry c;
      c.employee_id = y;
      c.date = "2026-12-24";
      c.title = "송년회";
      return c;
    }(),
    request_id{"cy"});
  REQUIRE(e.value);
  auto added = std::vector<std::string>{"calendar_add " + y + " #"
                                        + std::to_string(e.value->id)};
  CHECK(on_a.next(seen_a, 1) == added);
  CHECK(on_b.next(seen_b, 1) == added);
  // Once each: no node passes a peer's notice on again. The sleep only
  // lets time pass for a notice that must not come: a slow machine can
  // make this check miss one, never fail.
  std::this_thread::sleep_for(300ms);
  CHECK(on_a.size() == seen_a);
  CHECK(on_b.size() == seen_b);
  // The snapshot gathers every shard, half of them from the peer.
  auto snap = b.ask<std::vector<rec_shard_snapshot>>(rec_snapshot_atom::value,
                                                     std::string{"2026-12-01"});
  REQUIRE(snap.value);
  REQUIRE(snap.value->size() == 4);
  REQUIRE(snap.value->at(0).users.size() == 1);
  CHECK(snap.value->at(0).users[0].nickname == "엑스");
  REQUIRE(snap.value->at(3).calendar.size() == 1);
  CHECK(snap.value->at(3).calendar[0].title == "송년회");
}

TEST_CASE("a node that finds the leases being assigned does not wait for "
          "them",
          "[cluster][catalog]") {
  test::scratch_databases dbs{2};
  auto dsn = dbs.node_config().catalog;
  auto holder = db::open_connection(dsn);
  catalog::migrate_catalog(*holder, 2, catalog::cluster_schema());
  // Another member's assignment, still open.
  pqxx::work theirs{*holder};
  theirs.exec("SELECT shard FROM shard_leases FOR UPDATE");
  auto conn = db::open_connection(dsn);
  pqxx::work mine{*conn};
  mine.exec("SET LOCAL statement_timeout = '5s'"); // were it to wait
  node_info me{"beta", "127.0.0.1", 1, 1, 7, "up", {}, "", 0};
  try {
    catalog::assign_orphans(mine, "beta", {me}, {});
    FAIL("assign_orphans waited for the lock and went on");
  } catch (const db::domain_error& e) {
    CHECK(e.code == errc::unavailable);
  }
}

TEST_CASE("a catalog transaction left open between two statements (its node "
          "paused) ends after the statement timeout, its row locks with it",
          "[cluster][catalog]") {
  test::scratch_databases dbs{1};
  auto dsn = dbs.node_config().catalog;
  db::reconnecting_connection paused{dsn, 300, "test.paused"};
  auto made = paused.run<int64_t>([](pqxx::work& tx) -> int64_t {
    tx.exec("CREATE TABLE heartbeat_rows (id int PRIMARY KEY)");
    tx.exec("INSERT INTO heartbeat_rows VALUES (1)");
    return 0;
  });
  REQUIRE(made.flag == caf::rt_value);
  // Another node wants the row, as an assignment marks a node down.
  std::atomic<bool> taken{false};
  std::thread other([&] {
    pqxx::connection conn{dsn};
    auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
    while (!taken && std::chrono::steady_clock::now() < deadline) {
      try {
        pqxx::work tx{conn};
        tx.exec("SET LOCAL lock_timeout = '50ms'");
        tx.exec("SELECT 1 FROM heartbeat_rows WHERE id = 1 FOR UPDATE");
        tx.commit();
        taken = true;
      } catch (const pqxx::sql_error&) {
        // still locked
      }
    }
  });
  auto stalled = paused.run<int64_t>([&](pqxx::work& tx) {
    tx.exec("SELECT 1 FROM heartbeat_rows WHERE id = 1 FOR UPDATE");
    // Paused: its next statement comes only after the other took the row.
    test::eventually([&] { return taken.load(); }, std::chrono::seconds(10));
    return tx.exec("SELECT 1")[0][0].as<int64_t>();
  });
  other.join();
  CHECK(taken);
  CHECK(stalled.flag == caf::rt_error); // its session was ended
  auto next = paused.run<int64_t>(
    [](pqxx::work& tx) { return tx.exec("SELECT 1")[0][0].as<int64_t>(); });
  CHECK(next.flag == caf::rt_value);
}

TEST_CASE("the catalog's connection outlives a refusal and is reopened after "
          "it was lost",
          "[cluster][catalog]") {
  test::scratch_databases dbs{1};
  db::reconnecting_connection catalog_db{dbs.node_config().catalog, 5000,
                                         "test.catalog"};
  auto backend = [&] {
    auto r = catalog_db.run<int64_t>([](pqxx::work& tx) {
      return tx.exec("SELECT pg_backend_pid()")[0][0].as<int64_t>();
    });
    REQUIRE(r.flag == caf::rt_value);
    return r.value.get_as<int64_t>(0);
  };
  auto first = backend();
  auto refused = catalog_db.run<int64_t>([](pqxx::work&) -> int64_t {
    throw db::domain_error(errc::unavailable, "busy: try again");
  });
  REQUIRE(refused.flag == caf::rt_error);
  CHECK(refused.err.code() == static_cast<uint8_t>(errc::unavailable));
  CHECK(backend() == first);
  test::query_int(dbs.node_config().catalog,
                  "SELECT count(pg_terminate_backend(" + std::to_string(first)
                    + "))");
  auto lost = catalog_db.run<int64_t>(
    [](pqxx::work& tx) { return tx.exec("SELECT 1")[0][0].as<int64_t>(); });
  CHECK(lost.flag == caf::rt_error);
  CHECK(backend() != first);
}
