// Personal calendar entries through an in-process node on real PostgreSQL:
// add, list, delete, request-id repeats, unknown users; and the change
// notices every committed write sends to the node's recommend actor.

#include <chrono>
#include <thread>

#include <caf/all.hpp>
#include <catch2/catch.hpp>

#include "actors/node/node_databases.hpp"
#include "actors/shard/slot_map.hpp"
#include "messages/errors.hpp"
#include "tests/integration/node_client.hpp"
#include "tests/integration/notice_probe.hpp"
#include "tests/integration/pg_fixture.hpp"

using namespace lunch;
using namespace std::chrono_literals;
using test::ask;
using test::entry;
using test::person;

namespace {

std::vector<int64_t> ids(const std::vector<calendar_entry>& xs) {
  std::vector<int64_t> result;
  for (auto& x : xs)
    result.push_back(x.id);
  return result;
}

} // namespace

TEST_CASE("calendar entries are added, listed and deleted once per request id",
          "[node][calendar]") {
  test::node_fixture node;
  auto user = test::ids_on_shard(2, 1, "cal")[0];
  REQUIRE(ask<user_view>(node, usr_create_atom::value, person(user, "c"),
                         request_id{})
            .value);
  auto dentist = entry(user, "2026-12-02", "치과");
  dentist.description = "정기 검진";
  auto added = ask<calendar_entry>(node, cal_add_atom::value, dentist,
                                   request_id{"add-1"});
  REQUIRE(added.value);
  auto a = *added.value;
  CHECK(a.id > 0);
  CHECK(a.id % max_shards == 3); // shard 2 draws ids ≡ 3 (mod 64)
  CHECK(a.employee_id == user);
  CHECK(a.date == "2026-12-02");
  CHECK(a.title == "치과");
  CHECK(a.description == "정기 검진");
  CHECK(a.recurrence.empty());
  CHECK(a.interval == 1);
  CHECK(a.until.empty());
  CHECK(a.created_at.size() == 20); // YYYY-MM-DDTHH:MM:SSZ
  // The same request id again: the original entry, nothing new stored.
  auto again = ask<calendar_entry>(node, cal_add_atom::value, dentist,
                                   request_id{"add-1"});
  REQUIRE(again.value);
  CHECK(again.value->id == a.id);
  CHECK(again.value->created_at == a.created_at);
  CHECK(test::query_int(node.dbs.shard_dsn(2),
                        "SELECT count(*) FROM calendar_entries")
        == 1);
  // A repeating entry starting earlier lists first.
  auto gym = entry(user, "2026-11-30", "헬스");
  gym.recurrence = "weekly";
  gym.interval = 2;
  gym.until = "2027-03-01";
  auto b = ask<calendar_entry>(node, cal_add_atom::value, gym, request_id{});
  REQUIRE(b.value);
  CHECK(b.value->recurrence == "weekly");
  CHECK(b.value->interval == 2);
  CHECK(b.value->until == "2027-03-01");
  auto list = ask<std::vector<calendar_entry>>(node, cal_list_atom::value,
                                               user_key{user});
  REQUIRE(list.value);
  CHECK(ids(*list.value) == std::vector<int64_t>{b.value->id, a.id});
  // Refusals.
  auto nobody = ask<calendar_entry>(node, cal_add_atom::value,
                                    entry("nouser", "2026-12-02", "x"),
                                    request_id{"add-2"});
  CHECK(nobody.code == errc::not_found);
  CHECK(nobody.message == "user nouser not found");
  auto backwards = gym;
  backwards.until = "2026-11-01";
  auto bad = ask<calendar_entry>(node, cal_add_atom::value, backwards,
                                 request_id{});
  CHECK(bad.code == errc::invalid_argument);
  CHECK(bad.message.rfind("until:", 0) == 0);
  bad = ask<calendar_entry>(node, cal_add_atom::value,
                            entry(user, "2026-02-30", "x"), request_id{});
  CHECK(bad.code == errc::invalid_argument);
  CHECK(bad.message.rfind("date:", 0) == 0);
  CHECK(ask<std::vector<calendar_entry>>(node, cal_list_atom::value,
                                         user_key{"nouser"})
          .code
        == errc::not_found);
  // Delete, repeat of the delete, delete of what is gone.
  auto removed = ask<calendar_entry>(node, cal_delete_atom::value,
                                     user_key{user}, a.id, request_id{"del-1"});
  REQUIRE(removed.value);
  CHECK(removed.value->id == a.id);
  CHECK(removed.value->title == "치과");
  auto repeat = ask<calendar_entry>(node, cal_delete_atom::value,
                                    user_key{user}, a.id, request_id{"del-1"});
  REQUIRE(repeat.value);
  CHECK(repeat.value->id == a.id);
  auto gone = ask<calendar_entry>(node, cal_delete_atom::value, user_key{user},
                                  a.id, request_id{"del-2"});
  CHECK(gone.code == errc::not_found);
  CHECK(ask<calendar_entry>(node, cal_delete_atom::value, user_key{"someone"},
                            b.value->id, request_id{})
          .code
        == errc::not_found);
  list = ask<std::vector<calendar_entry>>(node, cal_list_atom::value,
                                          user_key{user});
  REQUIRE(list.value);
  CHECK(ids(*list.value) == std::vector<int64_t>{b.value->id});
  // Entries go with their user.
  REQUIRE(
    ask<user_view>(node, usr_delete_atom::value, user_key{user}, request_id{})
      .value);
  CHECK(test::query_int(node.dbs.shard_dsn(2),
                        "SELECT count(*) FROM calendar_entries")
        == 0);
}

TEST_CASE("committed changes are announced once to the recommend actor",
          "[node][recommend]") {
  test::node_fixture node;
  test::notice_probe probe{*node.sys, *node.node.directory};
  size_t seen = 0;
  auto on0 = test::ids_on_shard(0, 1, "n")[0];
  auto on1 = test::ids_on_shard(1, 2, "n");
  auto host = on0, guest = on1[0], late = on1[1];
  for (auto& id : {host, guest, late})
    REQUIRE(ask<user_view>(node, usr_create_atom::value, person(id, "n" + id),
                           request_id{"mk-" + id})
              .value);
  CHECK(probe.next(seen, 3)
        == test::sorted({"user_upsert " + host + " n" + host,
                         "user_upsert " + guest + " n" + guest,
                         "user_upsert " + late + " n" + late}));
  // A repeated create changes nothing and announces nothing.
  REQUIRE(ask<user_view>(node, usr_create_atom::value, person(host, "x"),
                         request_id{"mk-" + host})
            .value);
  auto party = test::lunch_party(host, 4, {guest});
  auto created = ask<party_view>(node, pty_create_atom::value, party,
                                 request_id{"p-1"});
  REQUIRE(created.value);
  auto pid = created.value->party.id;
  auto p = " 2026-12-01 #" + std::to_string(pid);
  CHECK(probe.next(seen, 2)
        == test::sorted({"member_add " + host + p, "member_add " + guest + p}));
  REQUIRE(
    ask<party_view>(node, pty_create_atom::value, party, request_id{"p-1"})
      .value);
  REQUIRE(ask<party_view>(node, pty_join_atom::value, party_id{pid},
                          user_key{late}, request_id{"j-1"})
            .value);
  CHECK(probe.next(seen, 1)
        == std::vector<std::string>{"member_add " + late + p});
  REQUIRE(ask<party_view>(node, pty_join_atom::value, party_id{pid},
                          user_key{late}, request_id{"j-1"})
            .value);
  REQUIRE(ask<party_view>(node, pty_leave_atom::value, party_id{pid},
                          user_key{late}, request_id{})
            .value);
  CHECK(probe.next(seen, 1)
        == std::vector<std::string>{"member_remove " + late + p});
  // A new date moves every member; another field moves nobody.
  party_patch patch;
  patch.id = pid;
  patch.actor_id = host;
  patch.values.title = "새 제목";
  patch.fields = {"title"};
  REQUIRE(
    ask<party_view>(node, pty_update_atom::value, patch, request_id{}).value);
  patch.values.party_date = "2026-12-03";
  patch.fields = {"party_date"};
  REQUIRE(
    ask<party_view>(node, pty_update_atom::value, patch, request_id{}).value);
  auto q = " 2026-12-03 #" + std::to_string(pid);
  CHECK(
    probe.next(seen, 4)
    == test::sorted({"member_remove " + host + p, "member_remove " + guest + p,
                     "member_add " + host + q, "member_add " + guest + q}));
  // A random-lunch host leaving deletes the party: every member goes.
  auto rnd = test::lunch_party(guest, 3, {late});
  rnd.is_from_match = true;
  auto r = ask<party_view>(node, pty_create_atom::value, rnd, request_id{});
  REQUIRE(r.value);
  auto rp = " 2026-12-01 #" + std::to_string(r.value->party.id);
  CHECK(
    probe.next(seen, 2)
    == test::sorted({"member_add " + guest + rp, "member_add " + late + rp}));
  auto left = ask<party_view>(node, pty_leave_atom::value,
                              party_id{r.value->party.id}, user_key{guest},
                              request_id{});
  REQUIRE(left.value);
  CHECK(left.value->deleted);
  CHECK(probe.next(seen, 2)
        == test::sorted(
          {"member_remove " + guest + rp, "member_remove " + late + rp}));
  // So does a delete by the host.
  auto own = ask<party_view>(node, pty_create_atom::value,
                             test::lunch_party(late, 2), request_id{});
  REQUIRE(own.value);
  auto op = " 2026-12-01 #" + std::to_string(own.value->party.id);
  CHECK(probe.next(seen, 1)
        == std::vector<std::string>{"member_add " + late + op});
  REQUIRE(ask<party_view>(node, pty_delete_atom::value,
                          party_id{own.value->party.id}, user_key{late},
                          request_id{})
            .value);
  CHECK(probe.next(seen, 1)
        == std::vector<std::string>{"member_remove " + late + op});
  // Calendar entries, from the owner of the user's shard.
  auto e = ask<calendar_entry>(node, cal_add_atom::value,
                               entry(guest, "2026-12-04", "휴가"),
                               request_id{"c-1"});
  REQUIRE(e.value);
  auto cid = " #" + std::to_string(e.value->id);
  CHECK(probe.next(seen, 1)
        == std::vector<std::string>{"calendar_add " + guest + cid});
  REQUIRE(ask<calendar_entry>(node, cal_add_atom::value,
                              entry(guest, "2026-12-04", "휴가"),
                              request_id{"c-1"})
            .value);
  REQUIRE(ask<calendar_entry>(node, cal_delete_atom::value, user_key{guest},
                              e.value->id, request_id{"c-2"})
            .value);
  CHECK(probe.next(seen, 1)
        == std::vector<std::string>{"calendar_delete " + guest + cid});
  // Deleting the host removes the party they host (both members) and then
  // the user.
  REQUIRE(
    ask<user_view>(node, usr_delete_atom::value, user_key{host}, request_id{})
      .value);
  CHECK(probe.next(seen, 3)
        == test::sorted({"member_remove " + host + q,
                         "member_remove " + guest + q, "user_delete " + host}));
  // Nothing else trickles in (the repeats above announced nothing). The
  // sleep only lets time pass for a notice that must not come: a slow
  // machine can make this check miss one, never fail.
  std::this_thread::sleep_for(300ms);
  CHECK(probe.size() == seen);
}
