// The shard owner's group commit on CAF's deterministic test coordinator,
// over an in-memory shard database: a crash in the middle of a batch, a
// commit under a lease epoch that moved on, and replayed request ids.

#include <catch2/catch.hpp>

#include "tests/support/shard_fixture.hpp"

using namespace lunch;
using lunch::testing::shard_fixture;

TEST_CASE_METHOD(shard_fixture, "a crash during a batch commits nothing of it",
                 "[shard][commit]") {
  add_user("host");
  auto first = add_party("host", 4);
  auto second = add_party("host", 4);
  start_shard();
  // Both entities loaded: their joins reach the owner back to back and
  // share one batch.
  REQUIRE(ask<party_view>(region, pty_get_atom::value, first).value);
  REQUIRE(ask<party_view>(region, pty_get_atom::value, second).value);
  // The first join is applied in the open batch, then the owner crashes
  // on the second one, before the commit.
  db->on_write = [this] { faults->arm(node_directory::owner_name(0)); };
  auto down = watch(owner);
  auto a = request<party_view>(region, pty_join_atom::value, first,
                               user_key{"a"}, request_id{});
  auto b = request<party_view>(region, pty_join_atom::value, second,
                               user_key{"b"}, request_id{});
  sched.run();
  CHECK(*down);
  REQUIRE(a->answered);
  REQUIRE(b->answered);
  CHECK(a->code() == errc::unavailable);
  CHECK(b->code() == errc::unavailable);
  CHECK(db->count("add_member") == 1); // the first was applied, uncommitted
  // Nothing of the batch is visible.
  CHECK(members_of(first) == std::vector<std::string>{"host"});
  CHECK(members_of(second) == std::vector<std::string>{"host"});
  CHECK(db->committed.ledger.empty());
  CHECK(db->committed.outbox.empty());
  // Restarted together, the entities load what was committed; the join
  // can be made again.
  db->on_write = nullptr;
  faults->disarm(node_directory::owner_name(0));
  stop_shard();
  start_shard();
  auto loads = db->count("load_party");
  auto view = ask<party_view>(region, pty_get_atom::value, first);
  REQUIRE(view.value);
  CHECK(view.value->party.member_ids == std::vector<std::string>{"host"});
  CHECK(db->count("load_party") == loads + 1);
  auto again = ask<party_view>(region, pty_join_atom::value, first,
                               user_key{"a"}, request_id{});
  REQUIRE(again.value);
  CHECK(members_of(first) == std::vector<std::string>{"host", "a"});
}

TEST_CASE_METHOD(shard_fixture,
                 "a batch under a lease epoch that moved on is refused",
                 "[shard][fencing]") {
  add_user("host");
  auto party = add_party("host", 4);
  start_shard();
  REQUIRE(ask<party_view>(region, pty_get_atom::value, party).value);
  CHECK(db->fence_epoch == 1); // the owner fenced the shard as it started
  // Another node took the shard over with a newer epoch.
  db->fence_epoch = 2;
  db->fence_owner = "node-b";
  auto down = watch(owner);
  auto join = ask<party_view>(region, pty_join_atom::value, party,
                              user_key{"a"}, request_id{});
  CHECK(join.code() == errc::fenced);
  CHECK(*down); // the stale owner quit
  CHECK(members_of(party) == std::vector<std::string>{"host"});
  CHECK(db->committed.ledger.empty());
  // Nor can an owner of the old epoch start again.
  stop_shard();
  start_shard();
  auto refused = ask<party_view>(region, pty_get_atom::value, party);
  CHECK_FALSE(refused.value);
  CHECK(db->fence_epoch == 2);
}

TEST_CASE_METHOD(shard_fixture,
                 "a replayed request id is applied once and answered again",
                 "[shard][replay]") {
  add_user("host");
  auto party = add_party("host", 4);
  start_shard();
  SECTION("at the owner: the stored reply is the answer") {
    auto join = [&] {
      return ask<points_award>(owner, db_addmem_atom::value, party,
                               user_key{"a"}, int64_t{10}, request_id{"req-1"});
    };
    auto first = join();
    auto repeat = join();
    REQUIRE(first.value);
    REQUIRE(repeat.value);
    CHECK(repeat.value->ledger_id == first.value->ledger_id);
    CHECK(repeat.value->points == 10);
    CHECK(db->count("add_member") == 1);
    CHECK(db->committed.ledger.size() == 1);
    CHECK(db->committed.request_log.count("req-1") == 1);
    // Without an id, the same write is a new one (and refused).
    auto plain = ask<points_award>(owner, db_addmem_atom::value, party,
                                   user_key{"a"}, int64_t{10}, request_id{});
    CHECK(plain.code() == errc::already_joined);
  }
  SECTION("through the entity: a repeat succeeds with the current state") {
    auto join = [&] {
      return ask<party_view>(region, pty_join_atom::value, party, user_key{"a"},
                             request_id{"req-2"});
    };
    auto first = join();
    auto repeat = join();
    REQUIRE(first.value);
    REQUIRE(repeat.value);
    CHECK(repeat.value->party.member_ids
          == std::vector<std::string>{"host", "a"});
    CHECK(db->count("add_member") == 1);
    CHECK(members_of(party) == std::vector<std::string>{"host", "a"});
    // The same join under a new id is refused as usual.
    auto other = ask<party_view>(region, pty_join_atom::value, party,
                                 user_key{"a"}, request_id{"req-3"});
    CHECK(other.code() == errc::already_joined);
  }
}

TEST_CASE_METHOD(shard_fixture,
                 "a failing write does not undo the rest of its batch",
                 "[shard][commit]") {
  start_shard();
  auto person = [](const std::string& id) {
    user_profile p;
    p.employee_id = id;
    p.nickname = id;
    return p;
  };
  auto insert = [&](const std::string& id) {
    return request<user_profile>(owner, db_insert_atom::value, person(id),
                                 request_id{});
  };
  // Queued back to back: one batch. The repeat fails and aborts the
  // batch, which is rolled back; "a" runs again, in a savepoint now, as do
  // the writes after it: the second repeat is undone alone.
  auto a = insert("a");
  auto again = insert("a");
  auto again2 = insert("a");
  auto b = insert("b");
  sched.run();
  CHECK(a->code() == errc::none);
  CHECK(again->code() == errc::already_exists);
  CHECK(again2->code() == errc::already_exists);
  CHECK(b->code() == errc::none);
  // a, the repeat, a again, the second repeat, b.
  CHECK(db->count("insert_user") == 5);
  CHECK(db->committed.users.size() == 2);
  CHECK(db->committed.outbox.size() == 2); // user.created of a and b
}

TEST_CASE_METHOD(shard_fixture,
                 "a write run again after a rollback answers with its "
                 "second result",
                 "[shard][commit]") {
  add_user("host");
  start_shard();
  auto p = draft_party("host", 4);
  auto create = request<party_created>(owner, db_insert_atom::value, p,
                                       request_id{"create-1"});
  auto missing = request<bool>(owner, db_delete_atom::value, party_id{999},
                               request_id{});
  sched.run();
  REQUIRE(create->code() == errc::none);
  CHECK(missing->code() == errc::not_found);
  // The create ran twice; the first run's party was rolled back, so the
  // reply names the committed one, and the request log holds it once.
  CHECK(db->count("insert_party") == 2);
  REQUIRE(db->committed.parties.size() == 1);
  CHECK(db->committed.parties.begin()->first == create->value->party.id);
  auto repeat = ask<party_created>(owner, db_insert_atom::value, p,
                                   request_id{"create-1"});
  REQUIRE(repeat.value);
  CHECK(repeat.value->party.id == create->value->party.id);
  CHECK(db->count("insert_party") == 2);
}

TEST_CASE_METHOD(shard_fixture,
                 "a read before a batch's first write is answered at once, "
                 "one after it with the commit",
                 "[shard][commit]") {
  add_user("a");
  start_shard();
  user_profile b;
  b.employee_id = "b";
  b.nickname = "b";
  // One batch: a read, a write, a read. Its commit fails: only what was
  // answered before the commit survives it.
  db->on_commit = [] { throw std::runtime_error("the commit failed"); };
  auto before = request<user_lookup>(owner, db_load_atom::value, user_key{"a"});
  auto write = request<user_profile>(owner, db_insert_atom::value, b,
                                     request_id{});
  auto after = request<user_lookup>(owner, db_load_atom::value, user_key{"a"});
  sched.run();
  REQUIRE(before->answered);
  REQUIRE(before->value);
  CHECK(before->value->found);
  CHECK(before->value->profile.employee_id == "a");
  REQUIRE(write->answered);
  CHECK(write->code() == errc::internal);
  REQUIRE(after->answered);
  CHECK(after->code() == errc::internal);
  CHECK(db->committed.users.count("b") == 0);
  // A batch that starts with a write: the read after it waits too.
  user_profile c;
  c.employee_id = "c";
  c.nickname = "c";
  auto first = request<user_profile>(owner, db_insert_atom::value, c,
                                     request_id{});
  auto then = request<user_lookup>(owner, db_load_atom::value, user_key{"a"});
  sched.run();
  REQUIRE(first->answered);
  CHECK(first->code() == errc::internal);
  REQUIRE(then->answered);
  CHECK(then->code() == errc::internal);
  // The owner goes on: the next batch commits.
  db->on_commit = nullptr;
  auto again = ask<user_profile>(owner, db_insert_atom::value, b, request_id{});
  CHECK(again.code() == errc::none);
  CHECK(db->committed.users.count("b") == 1);
}
