// The shard owner on its own, against a real shard database.

#include <caf/all.hpp>
#include <catch2/catch.hpp>
#include <pqxx/except>
#include <pqxx/nontransaction>

#include "actors/shard/pg_shard_store.hpp"
#include "actors/shard/shard_owner_actor.hpp"
#include "actors/shard/shard_schema.hpp"
#include "messages/errors.hpp"
#include "runtime/db/connection.hpp"
#include "runtime/db/standby_pool.hpp"
#include "runtime/system_config.hpp"
#include "tests/integration/node_client.hpp"
#include "tests/integration/pg_fixture.hpp"

using namespace lunch;
using namespace std::chrono_literals;

namespace {

user_profile person(std::string id) {
  user_profile p;
  p.employee_id = std::move(id);
  p.nickname = "n";
  return p;
}

party_record party_of(std::string host) {
  party_record p;
  p.host_employee_id = host;
  p.title = "t";
  p.restaurant_name = "r";
  p.party_date = "2026-12-01";
  p.party_time = "12:00";
  p.meeting_location = "l";
  p.max_members = 2;
  p.member_ids = {host};
  return p;
}

// Shard 0's database of `dbs`, with the schema (no node on it): its DSN.
std::string migrated_shard(const test::scratch_databases& dbs) {
  auto dsn = dbs.shard_dsn(0);
  auto conn = db::open_connection(dsn);
  migrate_shard(*conn, 0);
  return dsn;
}

// A fresh shard 0 whose store holds the lease (epoch 1) with a batch open.
struct open_batch {
  test::scratch_databases dbs{1};
  std::string dsn = migrated_shard(dbs);
  pg_shard_store store{0, dsn};

  open_batch() {
    store.open(1, "test");
    store.begin_batch();
  }
};

} // namespace

TEST_CASE_METHOD(
  open_batch,
  "a group commit writes its events to the outbox in order, without "
  "those of an undone write",
  "[shard][commit]") {
  // The first write has no savepoint, the next ones have (as after a
  // batch was run again): SAVEPOINT alone, then RELEASE and SAVEPOINT.
  store.begin_write(1, true, false);
  store.users().insert_user(person("kept1"));
  store.begin_write(1, false, true);
  store.users().insert_user(person("undone"));
  store.undo_write();
  store.begin_write(1, false, true);
  store.users().insert_user(person("kept2"));
  REQUIRE(test::query_int(dsn, "SELECT count(*) FROM outbox") == 0);
  store.commit_batch();
  CHECK(test::query_int(dsn, "SELECT count(*) FROM users") == 2);
  CHECK(test::query_int(dsn, "SELECT count(*) FROM outbox") == 2);
  CHECK(test::query_int(dsn, "SELECT count(*) FROM outbox"
                             " WHERE kind = 'user.created'"
                             " AND entity = 'user:' || (payload->'user'->>"
                             "'employee_id')")
        == 2);
  CHECK(test::query_int(dsn, "SELECT ((SELECT id FROM outbox WHERE entity ="
                             " 'user:kept1') < (SELECT id FROM outbox WHERE"
                             " entity = 'user:kept2'))::int")
        == 1);
}

TEST_CASE_METHOD(
  open_batch,
  "a batch whose connection broke fails; it never goes on in a new "
  "session",
  "[shard][commit]") {
  store.begin_write(1, true, false);
  store.users().insert_user(person("lost"));
  test::query_int(dsn, "SELECT count(pg_terminate_backend(pid))"
                       " FROM pg_stat_activity WHERE application_name"
                       " = 'lunchmesh-owner-0'");
  store.begin_write(1, false, false); // no round trip
  CHECK_THROWS_AS(store.users().insert_user(person("after")),
                  pqxx::broken_connection);
  CHECK_FALSE(store.is_open());
  // Were libpqxx to reconnect here, this would insert outside any batch.
  CHECK_THROWS_AS(store.users().insert_user(person("later")),
                  pqxx::broken_connection);
  store.abandon_batch();
  CHECK(test::query_int(dsn, "SELECT count(*) FROM users") == 0);
}

TEST_CASE_METHOD(open_batch,
                 "a takeover disconnects a stale owner whose open batch holds "
                 "the fence, and its session keeps its name and epoch",
                 "[shard][fence]") {
  // The stale owner (epoch 1) has begun a batch: its fence check holds the
  // row until it commits, which it never will (a paused node).
  store.begin_write(1, true, false);
  store.users().insert_user(person("stale"));
  pg_shard_store next{0, dsn};
  next.open(2, "successor");
  CHECK(test::query_int(dsn, "SELECT epoch FROM shard_fence") == 2);
  // The stale session is gone; the new one carries the owner's name.
  CHECK(test::query_int(dsn, "SELECT count(*) FROM pg_stat_activity"
                             " WHERE application_name = 'lunchmesh-owner-0'")
        == 1);
  CHECK_THROWS_AS(store.commit_batch(), pqxx::broken_connection);
  store.abandon_batch();
  // Rows the new owner writes carry its epoch (set with the fence).
  next.begin_batch();
  next.begin_write(2, true, false);
  next.users().insert_user(person("fresh"));
  next.parties().insert_party(party_of("fresh"), 50);
  next.commit_batch();
  CHECK(test::query_int(dsn, "SELECT count(*) FROM users") == 1);
  CHECK(test::query_int(dsn, "SELECT epoch FROM parties") == 2);
}

TEST_CASE("an owner starts on the standby connection, or on a new one when "
          "it broke",
          "[shard][standby]") {
  test::scratch_databases dbs{1};
  auto dsn = migrated_shard(dbs);
  auto others = [&] {
    return test::query_int(dsn, "SELECT count(*) FROM pg_stat_activity"
                                " WHERE datname = current_database()"
                                " AND pid <> pg_backend_pid()");
  };
  auto owner_pid = [&] {
    return test::query_int(dsn, "SELECT coalesce(max(pid), 0)"
                                " FROM pg_stat_activity WHERE application_name"
                                " = 'lunchmesh-owner-0'");
  };
  auto pool = std::make_shared<db::standby_pool>(std::vector<std::string>{dsn});
  REQUIRE(test::eventually([&] { return pool->ready() == 1; }));
  REQUIRE(others() == 1);
  auto standby_pid = test::query_int(
    dsn, "SELECT pid FROM pg_stat_activity WHERE datname = current_database()"
         " AND pid <> pg_backend_pid()");
  {
    pg_shard_store store{0, dsn, pool};
    store.open(1, "a");
    CHECK(owner_pid() == standby_pid);
    // The pool opens a replacement.
    CHECK(
      test::eventually([&] { return pool->ready() == 1 && others() == 2; }));
  }
  REQUIRE(test::eventually([&] { return others() == 1; }));
  // The replacement dies while it waits (a database restart would do it).
  CHECK(test::query_int(dsn, "SELECT count(pg_terminate_backend(pid))"
                             " FROM pg_stat_activity"
                             " WHERE datname = current_database()"
                             " AND pid <> pg_backend_pid()")
        == 1);
  REQUIRE(test::eventually([&] { return others() == 0; }));
  pg_shard_store store{0, dsn, pool};
  store.open(2, "b");
  CHECK(owner_pid() != 0);
  CHECK(test::query_int(dsn, "SELECT epoch FROM shard_fence") == 2);
}

TEST_CASE("the standby pool keeps connections only to the shards it is told, "
          "and opens and closes them after a delay",
          "[shard][standby]") {
  test::scratch_databases dbs{2};
  std::vector<std::string> dsns{dbs.shard_dsn(0), dbs.shard_dsn(1)};
  auto sessions = [&](int shard) {
    return test::query_int(dsns[static_cast<size_t>(shard)],
                           "SELECT count(*) FROM pg_stat_activity"
                           " WHERE datname = current_database()"
                           " AND pid <> pg_backend_pid()");
  };
  db::standby_pool pool{dsns};
  // Every shard until told otherwise.
  REQUIRE(test::eventually([&] { return pool.ready() == 2; }));
  auto told = std::chrono::steady_clock::now();
  pool.keep({true, false});
  REQUIRE(test::eventually([&] { return sessions(1) == 0; }));
  CHECK(std::chrono::steady_clock::now() - told
        >= db::standby_pool::replace_after);
  CHECK(pool.ready() == 1);
  CHECK(sessions(0) == 1);
  // Wanted again: opened after the delay; shard 0's stays.
  told = std::chrono::steady_clock::now();
  pool.keep({true, true});
  REQUIRE(test::eventually([&] { return sessions(1) == 1; }));
  CHECK(std::chrono::steady_clock::now() - told
        >= db::standby_pool::replace_after);
  CHECK(pool.ready() == 2);
}

TEST_CASE("a standby connection comes warmed up: its transaction ended, a "
          "takeover's statements prepared and its reads run once, and an "
          "owner takes it as it is",
          "[shard][standby]") {
  test::scratch_databases dbs{1};
  auto dsn = migrated_shard(dbs);
  auto pool = std::make_shared<db::standby_pool>(std::vector<std::string>{dsn},
                                                 pg_shard_store::warm_up);
  REQUIRE(test::eventually([&] { return pool->ready() == 1; }));
  // The fence function ran in a transaction that was rolled back: nothing
  // stays open, no lock is held.
  CHECK(test::query_int(dsn, "SELECT count(*) FROM pg_stat_activity"
                             " WHERE datname = current_database()"
                             " AND pid <> pg_backend_pid() AND state = 'idle'")
        == 1);
  CHECK(test::query_int(dsn, "SELECT count(*) FROM pg_locks l JOIN"
                             " pg_class c ON c.oid = l.relation"
                             " WHERE c.relname = 'shard_fence'")
        == 0);
  {
    auto conn = pool->take(0);
    REQUIRE(conn);
    pqxx::nontransaction tx{*conn};
    CHECK(tx.exec1("SELECT count(*) FROM pg_prepared_statements WHERE name"
                   " IN ('load_user', 'scan_points', 'events_after')")[0]
            .as<int64_t>()
          == 3);
    // The reads a new owner's first requests make have been planned once,
    // with their relations' caches loaded; the writes only prepared.
    CHECK(tx.exec1("SELECT count(*) FROM pg_prepared_statements WHERE name"
                   " IN ('event_cursors', 'events_after', 'load_user',"
                   " 'scan_points', 'load_party', 'members_of', 'request_get')"
                   " AND custom_plans + generic_plans = 1")[0]
            .as<int64_t>()
          == 7);
    CHECK(tx.exec1("SELECT custom_plans + generic_plans FROM"
                   " pg_prepared_statements WHERE name = 'save_user'")[0]
            .as<int64_t>()
          == 0);
  }
  // The owner registers the same statements again on the warmed session.
  REQUIRE(test::eventually([&] { return pool->ready() == 1; }));
  pg_shard_store store{0, dsn, pool};
  store.open(1, "a");
  CHECK(test::query_int(dsn, "SELECT epoch FROM shard_fence") == 1);
}

TEST_CASE("a failing statement does not undo the rest of its batch",
          "[shard][commit]") {
  // Node start-up migrates the schemas; the gateway is not needed here.
  test::node_fixture node{1};
  caf::scoped_actor self{*node.sys};
  // Same lease epoch as the node's own owner: both may write.
  auto owner = spawn_shard_owner(
    self.ptr(), {0, node.cfg.shards[0], node.cfg.node, node.node.leases,
                 node.node.directory, nullptr, nullptr});
  // Queued back to back, so they share one group commit. The party's host
  // does not exist: its INSERT fails with a foreign-key violation between
  // two good writes.
  auto a = self->request(owner, 10s, db_insert_atom::value, person("a"),
                         request_id{});
  auto bad = self->request(owner, 10s, db_insert_atom::value,
                           party_of("nobody"), request_id{});
  auto dup = self->request(owner, 10s, db_insert_atom::value, person("a"),
                           request_id{});
  auto b = self->request(owner, 10s, db_insert_atom::value, person("b"),
                         request_id{});
  std::vector<errc> codes;
  auto record = [&](caf::error& e) { codes.push_back(errc_of(e)); };
  a.receive([&](user_profile&) { codes.push_back(errc::none); }, record);
  bad.receive([&](party_created&) { codes.push_back(errc::none); }, record);
  dup.receive([&](user_profile&) { codes.push_back(errc::none); }, record);
  b.receive([&](user_profile&) { codes.push_back(errc::none); }, record);
  CHECK(codes
        == std::vector<errc>{errc::none, errc::not_found, errc::already_exists,
                             errc::none});
  CHECK(test::query_int(node.dbs.shard_dsn(0),
                        "SELECT count(*) FROM users WHERE employee_id IN "
                        "('a', 'b')")
        == 2);
  CHECK(test::query_int(node.dbs.shard_dsn(0), "SELECT count(*) FROM parties")
        == 0);
  self->send_exit(owner, caf::exit_reason::user_shutdown);
  self->wait_for(owner);
}
