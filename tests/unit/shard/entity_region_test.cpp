// The entities and their region on CAF's deterministic test coordinator,
// over an in-memory shard database: the passivation handshake and the
// serialised changes of one party; what a region passes on from peers.

#include <catch2/catch.hpp>

#include "messages/recommend_changes.hpp"
#include "tests/support/shard_fixture.hpp"

using namespace lunch;
using lunch::testing::shard_fixture;

TEST_CASE_METHOD(shard_fixture,
                 "an idle entity passivates with its region's consent",
                 "[entity][passivation]") {
  add_user("u1");
  start_shard();
  REQUIRE(ask<user_view>(region, usr_get_atom::value, user_key{"u1"}).value);
  CHECK(status().active_users == 1);
  CHECK(db->count("load_user") == 1);
  SECTION("a quiet entity stops, and the next request starts it again") {
    run_for(passivate_after);
    CHECK(status().active_users == 0);
    auto again = ask<user_view>(region, usr_get_atom::value, user_key{"u1"});
    REQUIRE(again.value);
    CHECK(again.value->profile.nickname == "nick-u1");
    CHECK(db->count("load_user") == 2); // loaded afresh
  }
  SECTION("a request that reaches the region first keeps the entity") {
    // The client sends before the entity's idle tick is handled: the
    // region forwards the request, then refuses the stop (the entity has
    // not handled everything it was sent).
    auto late = request<user_view>(region, usr_get_atom::value, user_key{"u1"});
    sched.advance_time(passivate_after);
    sched.run();
    REQUIRE(late->answered);
    REQUIRE(late->value);
    CHECK(late->value->profile.employee_id == "u1");
    CHECK(status().active_users == 1);
    CHECK(db->count("load_user") == 1); // the same entity answered
    // Idle for a whole period again, it goes.
    run_for(passivate_after);
    CHECK(status().active_users == 0);
  }
  SECTION("a request after the stop was granted starts a fresh entity") {
    sched.advance_time(passivate_after);
    sched.run_once(); // the entity's tick: it asks the region
    auto late = request<user_view>(region, usr_get_atom::value, user_key{"u1"});
    sched.run();
    REQUIRE(late->answered);
    REQUIRE(late->value);
    CHECK(db->count("load_user") == 2);
    CHECK(status().active_users == 1);
  }
}

TEST_CASE_METHOD(shard_fixture,
                 "two joins to the last free place: exactly one wins",
                 "[entity][party]") {
  add_user("host");
  auto party = add_party("host", 2); // one place left
  start_shard();
  auto a = request<party_view>(region, pty_join_atom::value, party,
                               user_key{"a"}, request_id{});
  auto b = request<party_view>(region, pty_join_atom::value, party,
                               user_key{"b"}, request_id{});
  sched.run();
  REQUIRE(a->answered);
  REQUIRE(b->answered);
  auto& winner = a->value ? a : b;
  auto& loser = a->value ? b : a;
  REQUIRE(winner->value);
  CHECK(loser->code() == errc::party_full);
  CHECK(winner->value->party.member_ids.size() == 2);
  CHECK(members_of(party).size() == 2);
  // The party's entity decided alone: the loser never reached the store.
  CHECK(db->count("add_member") == 1);
}

TEST_CASE_METHOD(shard_fixture,
                 "a party created through its region starts with a loaded "
                 "entity",
                 "[entity][party]") {
  add_user("host");
  start_shard();
  auto created = ask<party_view>(region, pty_create_atom::value,
                                 draft_party("host", 4), request_id{});
  REQUIRE(created.value);
  auto id = created.value->party.id;
  CHECK(status().active_parties == 1);
  auto joined = ask<party_view>(region, pty_join_atom::value, party_id{id},
                                user_key{"a"}, request_id{});
  REQUIRE(joined.value);
  CHECK(joined.value->party.member_ids
        == std::vector<std::string>{"host", "a"});
  CHECK(db->count("load_party") == 0);
  // It passivates like any other, and comes back from the database.
  run_for(passivate_after);
  CHECK(status().active_parties == 0);
  auto again = ask<party_view>(region, pty_get_atom::value, party_id{id});
  REQUIRE(again.value);
  CHECK(again.value->party.member_ids == std::vector<std::string>{"host", "a"});
  CHECK(db->count("load_party") == 1);
}

namespace {

using answer_atom = caf::atom_constant<caf::atom("t_answer")>;

// A stand-in that holds every (Atom, Key) request, counting them, until
// the test has it answer (answer_atom, Answer): an owner's user loads, a
// gateway's points scans.
template <class Answer, class Atom, class Key>
caf::behavior
holding(caf::event_based_actor* self, std::shared_ptr<int> asked) {
  auto held
    = std::make_shared<std::vector<caf::typed_response_promise<Answer>>>();
  return {
    [=](Atom, const Key&) {
      ++*asked;
      held->push_back(self->make_response_promise<Answer>());
      return held->back();
    },
    [=](answer_atom, const Answer& x) {
      for (auto& rp : *held)
        rp.deliver(x);
      held->clear();
    },
  };
}

} // namespace

TEST_CASE_METHOD(shard_fixture,
                 "a user's first view starts the points scan with the load "
                 "and answers once both are in",
                 "[entity][points]") {
  auto loads = std::make_shared<int>(0);
  auto scans = std::make_shared<int>(0);
  use_gateway(sys.spawn(
    holding<std::vector<points_mark>, pts_scan_atom, user_key>, scans));
  auto store = sys.spawn(holding<user_lookup, db_load_atom, user_key>, loads);
  // Stopped with the shard, also when a check fails on the way.
  owner = caf::actor_cast<shard_owner_actor>(store);
  start_region();
  auto view = request<user_view>(region, usr_get_atom::value, user_key{"u1"});
  sched.run();
  // The load has not come back, and the scan is already out.
  REQUIRE(*loads == 1);
  REQUIRE(*scans == 1);
  user_lookup found;
  found.found = true;
  found.profile.employee_id = "u1";
  caf::anon_send(store, answer_atom::value, found);
  sched.run();
  CHECK_FALSE(view->answered); // the points are not known yet
  caf::anon_send(gateway, answer_atom::value,
                 std::vector<points_mark>{{0, 80, 3}});
  sched.run();
  REQUIRE(view->answered);
  REQUIRE(view->value);
  CHECK(view->value->total_points == 80);
  // Known now: the next view scans nothing and loads nothing.
  auto again = ask<user_view>(region, usr_get_atom::value, user_key{"u1"});
  REQUIRE(again.value);
  CHECK(again.value->total_points == 80);
  CHECK(*scans == 1);
  CHECK(*loads == 1);
}

TEST_CASE_METHOD(shard_fixture,
                 "a user's change notice from a peer is passed to this "
                 "node's gateway (its cached brief goes); others are not",
                 "[region][briefs]") {
  auto told = std::make_shared<std::vector<std::string>>();
  use_gateway(sys.spawn([=](caf::event_based_actor*) -> caf::behavior {
    return {
      [=](usr_changed_atom, const user_key& user) {
        told->push_back(user.value);
      },
    };
  }));
  start_shard();
  rec_change renamed;
  renamed.kind = rec_kind::user_upsert;
  renamed.user.employee_id = "u1";
  caf::anon_send(region, rec_change_atom::value,
                 std::vector<rec_change>{renamed,
                                         membership(rec_kind::member_add, "u2",
                                                    "2026-12-01", 7),
                                         user_deleted("u3")});
  sched.run();
  CHECK(*told == std::vector<std::string>{"u1", "u3"});
}
