// Domain events (actors/events): what each subscriber makes of an event,
// and the delivery queue's order, window, retries and cursor.

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include "actors/events/delivery_queue.hpp"
#include "actors/events/events.hpp"

using namespace lunch;
using namespace lunch::events;

namespace {

domain_event stored(const draft& d, int64_t id) {
  return {id, d.entity, d.kind, d.payload, "2026-11-21T00:00:00.000Z"};
}

party_record party_p() {
  party_record p;
  p.id = 16385;
  p.host_employee_id = "1";
  p.title = "금요 점심";
  p.party_date = "2026-11-27";
  p.member_ids = {"1", "2"};
  return p;
}

} // namespace

TEST_CASE("S5: a created party invites its initial members and announces "
          "the host's 50 points",
          "[events]") {
  auto e = stored(party_created(party_p(), {"1", 1, 77, 50}), 9);
  CHECK(e.entity == "party:16385");
  CHECK(e.kind == "party.created");
  auto notices = notices_of(e, 1);
  REQUIRE(notices.size() == 2);
  CHECK(notices[0].row.employee_id == "2");
  CHECK(notices[0].row.type == "party_invite");
  CHECK(notices[0].row.title == "🎉 파티 초대");
  CHECK(notices[0].row.related_id == 16385);
  CHECK(notices[0].row.related_type == "party");
  CHECK(notices[0].dedupe_key == "evt:1:9:party_invite:2");
  CHECK(notices[1].row.employee_id == "1");
  CHECK(notices[1].row.type == "points_earned");
  CHECK(notices[1].row.title == "⭐ 포인트 획득");
  CHECK(notices[1].row.message == "50포인트를 획득했습니다! (party_created)");
  // The event carries the award (the points notice is made of it).
  auto award = nlohmann::json::parse(e.payload).at("award");
  CHECK(award.at("ledger_id") == 77);
  CHECK(award.at("points") == 50);
  auto changes = rec_changes_of(e);
  REQUIRE(changes.size() == 2);
  CHECK(changes[0].kind == "member_add");
  CHECK(changes[0].busy.employee_id == "1");
  CHECK(changes[1].busy.employee_id == "2");
  CHECK(changes[1].busy.date == "2026-11-27");
  CHECK(changes[1].busy.party_id == 16385);
}

TEST_CASE("S7: a join tells the host, 30 points are not announced",
          "[events]") {
  auto e = stored(party_joined(16385, "3", "1", "금요 점심", "2026-11-27",
                               {"3", 2, 5, 30}),
                  10);
  auto notices = notices_of(e, 1);
  REQUIRE(notices.size() == 1);
  CHECK(notices[0].row.employee_id == "1");
  CHECK(notices[0].row.type == "party_join");
  CHECK(notices[0].dedupe_key == "evt:1:10:party_join:1");
  CHECK(nlohmann::json::parse(e.payload).at("award").at("employee_id") == "3");
  auto changes = rec_changes_of(e);
  REQUIRE(changes.size() == 1);
  CHECK(changes[0].kind == "member_add");
  CHECK(changes[0].busy.employee_id == "3");
}

TEST_CASE("leave, update, delete, users and schedules become change notices",
          "[events]") {
  auto left = stored(party_left(16385, "3", "2026-11-27"), 11);
  CHECK(notices_of(left, 1).empty());
  CHECK(!nlohmann::json::parse(left.payload).contains("award"));
  REQUIRE(rec_changes_of(left).size() == 1);
  CHECK(rec_changes_of(left)[0].kind == "member_remove");

  auto same_day
    = stored(party_updated(16385, "2026-11-27", "2026-11-27", {"1", "2"}), 12);
  CHECK(rec_changes_of(same_day).empty());
  auto moved
    = stored(party_updated(16385, "2026-11-27", "2026-11-30", {"1", "2"}), 13);
  auto changes = rec_changes_of(moved);
  REQUIRE(changes.size() == 4);
  CHECK(changes[0].kind == "member_remove");
  CHECK(changes[0].busy.date == "2026-11-27");
  CHECK(changes[3].kind == "member_add");
  CHECK(changes[3].busy.date == "2026-11-30");

  auto deleted = stored(party_deleted(16385, "2026-11-30", {"1", "2"}), 14);
  REQUIRE(rec_changes_of(deleted).size() == 2);
  CHECK(notices_of(deleted, 1).empty());

  user_profile u;
  u.employee_id = "7";
  u.nickname = "칠";
  u.lunch_styles = {"a", "b"};
  auto saved = stored(user_saved(u, false), 15);
  CHECK(saved.kind == "user.updated");
  CHECK(saved.entity == "user:7");
  REQUIRE(rec_changes_of(saved).size() == 1);
  CHECK(rec_changes_of(saved)[0].kind == "user_upsert");
  CHECK(rec_changes_of(saved)[0].user.nickname == "칠");
  CHECK(rec_changes_of(saved)[0].user.lunch_styles
        == std::vector<std::string>{"a", "b"});
  auto gone = stored(user_deleted("7"), 16);
  CHECK(rec_changes_of(gone)[0].kind == "user_delete");

  calendar_entry c;
  c.id = 65;
  c.employee_id = "7";
  c.date = "2026-12-01";
  c.title = "치과";
  c.recurrence = "weekly";
  c.interval = 2;
  auto sched = stored(schedule_changed(c, true), 17);
  CHECK(sched.kind == "schedule.changed");
  auto cc = rec_changes_of(sched);
  REQUIRE(cc.size() == 1);
  CHECK(cc[0].kind == "calendar_add");
  CHECK(cc[0].entry.id == 65);
  CHECK(cc[0].entry.interval == 2);
  CHECK(rec_changes_of(stored(schedule_changed(c, false), 18))[0].kind
        == "calendar_delete");
}

TEST_CASE("the delivery queue keeps each entity in order", "[events]") {
  using clock = delivery_queue::clock;
  auto t0 = clock::now();
  delivery_queue q{0, 8};
  q.push(1, "party:1");
  q.push(2, "party:2");
  q.push(3, "party:1");
  q.push(4, "party:3");
  // One per entity at a time: 3 waits for 1.
  CHECK(q.take_ready(t0) == std::vector<int64_t>{1, 2, 4});
  CHECK(q.take_ready(t0).empty());
  q.ack(2);
  CHECK(q.cursor() == 0); // 1 is not delivered yet
  q.ack(1);
  CHECK(q.cursor() == 2);
  CHECK(q.take_ready(t0) == std::vector<int64_t>{3});
  q.ack(4);
  CHECK(q.cursor() == 2);
  q.ack(3);
  CHECK(q.cursor() == 4);
  CHECK(q.pending() == 0);
  // Already delivered: ignored.
  q.push(4, "party:3");
  CHECK(q.pending() == 0);
}

TEST_CASE("a failed delivery is retried later and holds its entity back",
          "[events]") {
  using clock = delivery_queue::clock;
  auto t0 = clock::now();
  delivery_queue q{10, 8};
  q.push(11, "user:a");
  q.push(12, "user:a");
  q.push(13, "user:b");
  CHECK(q.take_ready(t0) == std::vector<int64_t>{11, 13});
  q.fail(11, t0 + std::chrono::seconds(1));
  CHECK(q.failures() == 1);
  CHECK(q.next_retry() == t0 + std::chrono::seconds(1));
  q.ack(13);
  CHECK(q.cursor() == 10);
  // Not yet due; and 12 stays behind 11.
  CHECK(q.take_ready(t0).empty());
  CHECK(q.take_ready(t0 + std::chrono::seconds(1)) == std::vector<int64_t>{11});
  q.ack(11);
  CHECK(q.cursor() == 11);
  CHECK(q.take_ready(t0) == std::vector<int64_t>{12});
  q.ack(12);
  CHECK(q.cursor() == 13);
}

TEST_CASE("the delivery queue keeps at most a window in flight", "[events]") {
  auto t0 = delivery_queue::clock::now();
  delivery_queue q{0, 2};
  for (int64_t id = 1; id <= 5; ++id)
    q.push(id, "party:" + std::to_string(id));
  CHECK(q.take_ready(t0) == std::vector<int64_t>{1, 2});
  CHECK(q.in_flight() == 2);
  q.ack(1);
  CHECK(q.take_ready(t0) == std::vector<int64_t>{3});
}
