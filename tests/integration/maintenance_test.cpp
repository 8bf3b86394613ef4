// The data jobs of spec §5 through an in-process node on real PostgreSQL:
// S25's cleanup exactly (parties dated T-8 and T-6, notifications aged 31
// and 29 days), its party.deleted events, members and cached entities, a
// request id applied once; the user analytics of users whose memberships
// and ledger rows span shards, for one user and for all, overwritten by a
// rerun, gone with a deleted user.

#include <caf/all.hpp>
#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include "messages/errors.hpp"
#include "messages/maintenance_model.hpp"
#include "tests/integration/node_client.hpp"
#include "tests/integration/pg_fixture.hpp"

using namespace lunch;
using test::ask;
using test::person;

namespace {

using nlohmann::json;

const std::string none;

// S25's today and the dates around its cutoff (T-7 = 2026-06-08).
const std::string today = "2026-06-15";
const std::string t_minus_8 = "2026-06-07";
const std::string t_minus_7 = "2026-06-08";
const std::string t_minus_6 = "2026-06-09";

int64_t create_party(test::node_fixture& node, const std::string& host,
                     const std::string& date) {
  auto p = test::lunch_party(host, 4);
  p.party_date = date;
  auto v = ask<party_view>(node, pty_create_atom::value, p, request_id{});
  REQUIRE(v.value);
  return v.value->party.id;
}

void join(test::node_fixture& node, int64_t party, const std::string& user) {
  REQUIRE(ask<party_view>(node, pty_join_atom::value, party_id{party},
                          user_key{user}, request_id{})
            .value);
}

notification note(const std::string& user, const std::string& type) {
  notification n;
  n.employee_id = user;
  n.type = type;
  return n;
}

cleanup_counts total(const std::vector<cleanup_counts>& xs) {
  cleanup_counts sum;
  for (const auto& x : xs) {
    sum.parties += x.parties;
    sum.members += x.members;
    sum.notifications += x.notifications;
  }
  return sum;
}

// Sets created_at of `user`'s notifications of `type` to `days` days ago.
void age_notifications(test::node_fixture& node, int shard,
                       const std::string& user, const std::string& type,
                       int days) {
  CHECK(test::query_int(
          node.dbs.shard_dsn(shard),
          "WITH u AS (UPDATE notifications SET created_at = now()"
          " - interval '"
            + std::to_string(days) + " days' WHERE employee_id = '" + user
            + "' AND type = '" + type + "' RETURNING 1) SELECT count(*) FROM u")
        == 1);
}

int64_t deleted_events(test::node_fixture& node, int shard, int64_t party) {
  return test::query_int(node.dbs.shard_dsn(shard),
                         "SELECT count(*) FROM outbox"
                         " WHERE kind = 'party.deleted'"
                         " AND (payload->>'party_id')::bigint = "
                           + std::to_string(party));
}

} // namespace

TEST_CASE("S25: the cleanup deletes the T-8 party and the 31-day notification",
          "[node][maintenance]") {
  test::node_fixture node;
  auto host = test::ids_on_shard(1, 1, "cl")[0];
  auto guest = test::ids_on_shard(2, 1, "cl")[0];
  auto reader = test::ids_on_shard(3, 1, "cl")[0];
  for (auto& id : {host, guest, reader})
    REQUIRE(ask<user_view>(node, usr_create_atom::value, person(id, "n" + id),
                           request_id{})
              .value);
  auto old_party = create_party(node, host, t_minus_8);
  auto recent_party = create_party(node, host, t_minus_6);
  join(node, old_party, guest);
  // The old party's entity is active (cached) before the cleanup.
  REQUIRE(
    ask<party_view>(node, pty_get_atom::value, party_id{old_party}).value);
  for (auto type : {"system", "general"})
    REQUIRE(ask<bool>(node, ntf_add_atom::value, note(reader, type), none,
                      request_id{})
              .value);
  age_notifications(node, 3, reader, "system", 31);
  age_notifications(node, 3, reader, "general", 29);
  auto cleaned = ask<std::vector<cleanup_counts>>(node, mnt_clean_atom::value,
                                                  today, request_id{"s25-1"});
  REQUIRE(cleaned.value);
  auto& per_shard = *cleaned.value;
  REQUIRE(per_shard.size() == 4);
  for (size_t i = 0; i < per_shard.size(); ++i) {
    CHECK(per_shard[i].shard == static_cast<int32_t>(i));
    CHECK(per_shard[i].party_ids.empty()); // they stay on the owner's node
  }
  auto sum = total(per_shard);
  CHECK(sum.parties == 1);
  CHECK(sum.notifications == 1);
  CHECK(sum.members == 2); // the host and the guest
  CHECK(per_shard[1].parties == 1);
  CHECK(per_shard[1].members == 2);
  CHECK(per_shard[3].notifications == 1);
  // The T-8 party is gone with its members (also from the entity cache),
  // with one party.deleted event; the T-6 party stays.
  CHECK(ask<party_view>(node, pty_get_atom::value, party_id{old_party}).code
        == errc::not_found);
  auto kept = ask<party_view>(node, pty_get_atom::value,
                              party_id{recent_party});
  REQUIRE(kept.value);
  CHECK(kept.value->party.party_date == t_minus_6);
  auto dsn1 = node.dbs.shard_dsn(1);
  CHECK(test::query_int(dsn1, "SELECT count(*) FROM party_members"
                              " WHERE party_id = "
                                + std::to_string(old_party))
        == 0);
  CHECK(deleted_events(node, 1, old_party) == 1);
  CHECK(test::query_int(dsn1, "SELECT count(*) FROM outbox"
                              " WHERE kind = 'party.deleted'"
                              " AND payload->>'date' = '"
                                + t_minus_8 + "' AND payload->'members' = '[\""
                                + host + "\", \"" + guest + "\"]'::jsonb")
        == 1);
  CHECK(deleted_events(node, 1, recent_party) == 0);
  // The 29-day notification stays.
  auto box = ask<notification_inbox>(node, ntf_list_atom::value,
                                     user_key{reader}, false);
  REQUIRE(box.value);
  REQUIRE(box.value->notifications.size() == 1);
  CHECK(box.value->notifications[0].type == "general");
  // A repeat with the same request id changes nothing, even with a new
  // expired party waiting: it answers the first result.
  auto late = create_party(node, host, t_minus_8);
  auto again = ask<std::vector<cleanup_counts>>(node, mnt_clean_atom::value,
                                                today, request_id{"s25-1"});
  REQUIRE(again.value);
  CHECK(total(*again.value).parties == 1);
  CHECK(total(*again.value).notifications == 1);
  CHECK(total(*again.value).members == 2);
  REQUIRE(ask<party_view>(node, pty_get_atom::value, party_id{late}).value);
  CHECK(deleted_events(node, 1, old_party) == 1);
  CHECK(deleted_events(node, 1, late) == 0);
  // A new request id deletes it; then nothing is left to delete.
  auto next = ask<std::vector<cleanup_counts>>(node, mnt_clean_atom::value,
                                               today, request_id{"s25-2"});
  REQUIRE(next.value);
  CHECK(total(*next.value).parties == 1);
  CHECK(total(*next.value).members == 1);
  CHECK(total(*next.value).notifications == 0);
  CHECK(deleted_events(node, 1, late) == 1);
  auto empty = ask<std::vector<cleanup_counts>>(node, mnt_clean_atom::value,
                                                today, request_id{});
  REQUIRE(empty.value);
  CHECK(total(*empty.value).parties + total(*empty.value).notifications == 0);
  REQUIRE(
    ask<party_view>(node, pty_get_atom::value, party_id{recent_party}).value);
}

TEST_CASE("the cleanup compares real dates on every shard and refuses bad ones",
          "[node][maintenance]") {
  test::node_fixture node;
  std::vector<std::string> hosts;
  for (int32_t shard = 0; shard < 4; ++shard)
    hosts.push_back(test::ids_on_shard(shard, 1, "cd")[0]);
  for (auto& id : hosts)
    REQUIRE(ask<user_view>(node, usr_create_atom::value, person(id, "n" + id),
                           request_id{})
              .value);
  // Today 2026-03-03: the cutoff is 2026-02-24 across the month's end.
  std::vector<int64_t> expired{create_party(node, hosts[0], "2026-02-23"),
                               create_party(node, hosts[2], "2025-12-31")};
  std::vector<int64_t> kept{create_party(node, hosts[1], "2026-02-24"),
                            create_party(node, hosts[3], "2026-03-03"),
                            create_party(node, hosts[0], "2026-12-01")};
  join(node, expired[1], hosts[1]);
  join(node, expired[1], hosts[3]);
  auto r = ask<std::vector<cleanup_counts>>(
    node, mnt_clean_atom::value, std::string{"2026-03-03"}, request_id{});
  REQUIRE(r.value);
  CHECK((*r.value)[0].parties == 1);
  CHECK((*r.value)[0].members == 1);
  CHECK((*r.value)[2].parties == 1);
  CHECK((*r.value)[2].members == 3);
  CHECK(total(*r.value).parties == 2);
  for (auto id : expired)
    CHECK(ask<party_view>(node, pty_get_atom::value, party_id{id}).code
          == errc::not_found);
  for (auto id : kept)
    CHECK(ask<party_view>(node, pty_get_atom::value, party_id{id}).value);
  // The boundary day itself (T-7) stays.
  auto boundary = create_party(node, hosts[1], t_minus_7);
  REQUIRE(ask<std::vector<cleanup_counts>>(node, mnt_clean_atom::value, today,
                                           request_id{})
            .value);
  CHECK(ask<party_view>(node, pty_get_atom::value, party_id{boundary}).value);
  for (auto bad : {"2026-02-30", "2026-3-03", "", "today"}) {
    auto refused = ask<std::vector<cleanup_counts>>(
      node, mnt_clean_atom::value, std::string{bad}, request_id{});
    CHECK(refused.code == errc::invalid_argument);
    CHECK(refused.message == "today: must be a date YYYY-MM-DD");
  }
}

namespace {

json preferences_of(const user_analytics& x) {
  return json::parse(x.preferences);
}

struct analytics_fixture {
  test::node_fixture node;
  std::string h = test::ids_on_shard(0, 1, "an")[0]; // hosts on shard 0
  std::string m = test::ids_on_shard(1, 1, "an")[0]; // hosts on shard 1
  std::string j = test::ids_on_shard(2, 1, "an")[0]; // only joins
  std::string z = test::ids_on_shard(3, 1, "an")[0]; // no rows anywhere
  std::string gone = test::ids_on_shard(3, 2, "an")[1];
  int64_t p1 = 0; // hosted by h (shard 0): m joins
  int64_t p2 = 0; // hosted by m (shard 1): h and j join

  analytics_fixture() {
    auto hp = person(h, "호스트");
    hp.lunch_styles = {"맛집 탐방", "빠른 식사"};
    hp.food_preferences = {"한식", "일식"};
    hp.allergies = {"없음"};
    hp.preferred_time = "12:30";
    hp.frequent_areas = {"강남구"};
    REQUIRE(
      ask<user_view>(node, usr_create_atom::value, hp, request_id{}).value);
    for (auto& id : {m, j, z, gone})
      REQUIRE(ask<user_view>(node, usr_create_atom::value, person(id, "n" + id),
                             request_id{})
                .value);
    p1 = create_party(node, h, "2026-12-01");
    join(node, p1, m);
    p2 = create_party(node, m, "2026-12-02");
    join(node, p2, h);
    join(node, p2, j);
    // Ledger times fixed around midnight in Seoul: shard 0's rows at
    // 2026-06-15 00:30 KST, shard 1's at 2026-06-14 23:30 KST.
    CHECK(test::query_int(node.dbs.shard_dsn(0),
                          "WITH u AS (UPDATE user_activity SET created_at ="
                          " '2026-06-14 15:30:00+00' RETURNING 1)"
                          " SELECT count(*) FROM u")
          == 2);
    CHECK(test::query_int(node.dbs.shard_dsn(1),
                          "WITH u AS (UPDATE user_activity SET created_at ="
                          " '2026-06-14 14:30:00+00' RETURNING 1)"
                          " SELECT count(*) FROM u")
          == 3);
  }

  user_analytics get(const std::string& user, const std::string& day) {
    auto r = ask<user_analytics>(node, mnt_get_atom::value, user, day);
    REQUIRE(r.value);
    return *r.value;
  }

  analytics_summary run(const std::string& day, const std::string& user,
                        const std::string& rid) {
    auto r = ask<analytics_summary>(node, mnt_analytics_atom::value, day, user,
                                    request_id{rid});
    REQUIRE(r.value);
    return *r.value;
  }
};

void check_counts(const user_analytics& x, int64_t joined, int64_t hosted,
                  int64_t points, int64_t points_today) {
  INFO(x.employee_id << " on " << x.day);
  CHECK(x.parties_joined == joined);
  CHECK(x.parties_hosted == hosted);
  CHECK(x.points_earned == points);
  CHECK(x.points_today == points_today);
}

} // namespace

TEST_CASE("analytics sum memberships and ledgers over shards, one user or all",
          "[node][maintenance]") {
  analytics_fixture f;
  auto& node = f.node;
  // One user: only that row is written.
  auto one = f.run(today, f.j, "an-j");
  CHECK(one.users == 1);
  CHECK(one.shards == 1);
  auto j = f.get(f.j, today);
  CHECK(j.employee_id == f.j);
  CHECK(j.day == today);
  check_counts(j, 1, 0, 30, 0);
  CHECK(j.updated_at.size() == 20); // YYYY-MM-DDTHH:MM:SSZ
  CHECK(j.updated_at.back() == 'Z');
  CHECK(ask<user_analytics>(node, mnt_get_atom::value, f.h, today).code
        == errc::not_found);
  // Everyone: h hosts p1 on shard 0 (+50 there) and joined p2 on shard 1
  // (+30 there); only shard 0's rows are on 2026-06-15 in Seoul.
  auto all = f.run(today, none, "an-all-1");
  CHECK(all.users == 5);
  CHECK(all.shards == 4);
  check_counts(f.get(f.h, today), 1, 1, 80, 50);
  check_counts(f.get(f.m, today), 1, 1, 80, 30);
  check_counts(f.get(f.j, today), 1, 0, 30, 0);
  check_counts(f.get(f.z, today), 0, 0, 0, 0);
  check_counts(f.get(f.gone, today), 0, 0, 0, 0);
  // The day before: the same totals, shard 1's rows are that day's.
  CHECK(f.run("2026-06-14", none, none).users == 5);
  check_counts(f.get(f.h, "2026-06-14"), 1, 1, 80, 30);
  check_counts(f.get(f.m, "2026-06-14"), 1, 1, 80, 50);
  check_counts(f.get(f.j, "2026-06-14"), 1, 0, 30, 30);
  // Preferences grouped by the old types; "" preferred_time is [].
  CHECK(preferences_of(f.get(f.h, today))
        == json{{"lunch_preference", {"맛집 탐방", "빠른 식사"}},
                {"food_preference", {"한식", "일식"}},
                {"allergies", {"없음"}},
                {"preferred_time", {"12:30"}},
                {"frequent_areas", {"강남구"}}});
  CHECK(test::query_int(node.dbs.shard_dsn(3),
                        "WITH u AS (UPDATE users SET preferred_time = ''"
                        " WHERE employee_id = '"
                          + f.z + "' RETURNING 1) SELECT count(*) FROM u")
        == 1);
  CHECK(f.run(today, f.z, none).users == 1);
  CHECK(preferences_of(f.get(f.z, today))
        == json{{"lunch_preference", {"새로운 맛집 탐방"}},
                {"food_preference", {"한식"}},
                {"allergies", json::array()},
                {"preferred_time", json::array()},
                {"frequent_areas", {"강남구", "서초구"}}});
  // "" is the latest day stored.
  CHECK(f.get(f.h, none).day == today);
  // Unknown users, missing rows and bad input.
  auto unknown = ask<analytics_summary>(node, mnt_analytics_atom::value, today,
                                        std::string{"nobody"}, request_id{});
  CHECK(unknown.code == errc::not_found);
  CHECK(unknown.message == "user nobody not found");
  auto missing = ask<user_analytics>(node, mnt_get_atom::value, f.h,
                                     std::string{"2026-01-01"});
  CHECK(missing.code == errc::not_found);
  CHECK(missing.message == "no analytics for user " + f.h + " on 2026-01-01");
  CHECK(
    ask<user_analytics>(node, mnt_get_atom::value, std::string{"nobody"}, none)
      .message
    == "no analytics for user nobody");
  for (auto bad : {"2026-02-30", "", "15/06/2026"})
    CHECK(ask<analytics_summary>(node, mnt_analytics_atom::value,
                                 std::string{bad}, none, request_id{})
            .message
          == "date: must be a date YYYY-MM-DD");
  CHECK(ask<user_analytics>(node, mnt_get_atom::value, f.h,
                            std::string{"2026-6-15"})
          .code
        == errc::invalid_argument);
  CHECK(ask<user_analytics>(node, mnt_get_atom::value, none, today).message
        == "employee_id: required");
}

TEST_CASE("an analytics rerun overwrites its rows, a request id applies once",
          "[node][maintenance]") {
  analytics_fixture f;
  auto& node = f.node;
  REQUIRE(f.run(today, none, "rr-1").users == 5);
  auto before = f.get(f.j, today);
  check_counts(before, 1, 0, 30, 0);
  // j joins p1 (+30 on shard 0, created now) and h changes a preference.
  join(node, f.p1, f.j);
  user_patch patch;
  patch.values.employee_id = f.h;
  patch.values.food_preferences = {"중식"};
  patch.fields = {"food_preferences"};
  REQUIRE(
    ask<user_view>(node, usr_update_atom::value, patch, request_id{}).value);
  // The same request id: the first answer, nothing written.
  CHECK(f.run(today, none, "rr-1").users == 5);
  check_counts(f.get(f.j, today), 1, 0, 30, 0);
  CHECK(f.get(f.j, today).updated_at == before.updated_at);
  // A new one overwrites every row: still one row per user and day.
  CHECK(f.run(today, none, "rr-2").users == 5);
  check_counts(f.get(f.j, today), 2, 0, 60, 0);
  CHECK(f.get(f.j, today).updated_at >= before.updated_at);
  CHECK(preferences_of(f.get(f.h, today))["food_preference"] == json{"중식"});
  int64_t rows = 0;
  for (int shard = 0; shard < 4; ++shard)
    rows += test::query_int(node.dbs.shard_dsn(shard),
                            "SELECT count(*) FROM user_analytics");
  CHECK(rows == 5);
  // A deleted user's rows go with the user; later runs skip them.
  REQUIRE(
    ask<user_view>(node, usr_delete_atom::value, user_key{f.gone}, request_id{})
      .value);
  CHECK(ask<user_analytics>(node, mnt_get_atom::value, f.gone, none).code
        == errc::not_found);
  CHECK(
    test::query_int(node.dbs.shard_dsn(3), "SELECT count(*) FROM user_analytics"
                                           " WHERE employee_id = '"
                                             + f.gone + "'")
    == 0);
  CHECK(f.run(today, none, "rr-3").users == 4);
  CHECK(ask<analytics_summary>(node, mnt_analytics_atom::value, today, f.gone,
                               request_id{})
          .code
        == errc::not_found);
}

TEST_CASE("events every subscriber has had leave the outbox after an hour",
          "[node][maintenance][events]") {
  test::node_fixture node;
  auto host = test::ids_on_shard(1, 1, "ob")[0];
  REQUIRE(ask<user_view>(node, usr_create_atom::value, person(host, "n" + host),
                         request_id{})
            .value);
  auto dsn = node.dbs.shard_dsn(1);
  auto newest = [&] {
    return test::query_int(dsn, "SELECT coalesce(max(id), 0) FROM outbox");
  };
  // Both subscribers' saved cursors (notifications, recommend) are past
  // `id`.
  auto delivered = [&](int64_t id) {
    return test::eventually([&] {
      return test::query_int(dsn, "SELECT count(*) FROM outbox_cursors"
                                  " WHERE delivered_upto >= "
                                    + std::to_string(id))
             == 2;
    });
  };
  create_party(node, host, t_minus_6);
  auto first = newest();
  REQUIRE(first > 0);
  REQUIRE(delivered(first));
  // Delivered but recent: kept.
  auto rows = test::query_int(dsn, "SELECT count(*) FROM outbox");
  CHECK(rows >= 2); // user.created, party.created
  // An hour and a second old: the next cursor save deletes them, and only
  // them.
  CHECK(test::query_int(dsn, "WITH u AS (UPDATE outbox SET created_at = now()"
                             " - interval '3601 s' RETURNING 1)"
                             " SELECT count(*) FROM u")
        == rows);
  create_party(node, host, t_minus_7);
  auto second = newest();
  REQUIRE(delivered(second));
  CHECK(test::eventually([&] {
    return test::query_int(dsn, "SELECT count(*) FROM outbox WHERE id <= "
                                  + std::to_string(first))
           == 0;
  }));
  CHECK(test::query_int(dsn, "SELECT count(*) FROM outbox WHERE id = "
                               + std::to_string(second))
        == 1);
}
