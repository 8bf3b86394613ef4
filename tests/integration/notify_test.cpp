// The notification inbox (spec §10.1, S19) through an in-process node on
// real PostgreSQL: adds once per dedupe key and request id, batches split
// by shard, the inbox order and unread count, read, read-all, clear-read,
// delete, unknown users and ids, the cascade of a user delete, and the
// cleanup statement.

#include <caf/all.hpp>
#include <catch2/catch.hpp>
#include <pqxx/connection>
#include <pqxx/transaction>

#include "actors/shard/pg_shard_store.hpp"
#include "actors/shard/slot_map.hpp"
#include "messages/errors.hpp"
#include "tests/integration/node_client.hpp"
#include "tests/integration/pg_fixture.hpp"

using namespace lunch;
using test::ask;
using test::person;

namespace {

notification note(std::string user, std::string type, std::string title = "t",
                  std::string message = "m") {
  notification n;
  n.employee_id = std::move(user);
  n.type = std::move(type);
  n.title = std::move(title);
  n.message = std::move(message);
  return n;
}

std::vector<int64_t> ids(const notification_inbox& x) {
  std::vector<int64_t> result;
  for (auto& n : x.notifications)
    result.push_back(n.id);
  return result;
}

const std::string none;

} // namespace

TEST_CASE("an inbox is filled once per dedupe key, read and cleared",
          "[node][notify]") {
  test::node_fixture node;
  auto user = test::ids_on_shard(2, 1, "ntf")[0];
  auto friend_id = std::string{"7"};
  REQUIRE(ask<user_view>(node, usr_create_atom::value, person(user, "받는이"),
                         request_id{})
            .value);
  REQUIRE(ask<user_view>(node, usr_create_atom::value,
                         person(friend_id, "친구"), request_id{})
            .value);
  auto count = [&] {
    return test::query_int(node.dbs.shard_dsn(2),
                           "SELECT count(*) FROM notifications");
  };
  // A dedupe key is used once: the second delivery inserts nothing.
  auto invite = note(user, "party_invite", "파티 초대", "금요 점심");
  invite.related_id = 16385;
  invite.related_type = "party";
  auto added = ask<bool>(node, ntf_add_atom::value, invite,
                         std::string{"party:16385:invite:" + user},
                         request_id{});
  REQUIRE(added.value);
  CHECK(*added.value);
  added = ask<bool>(node, ntf_add_atom::value, invite,
                    std::string{"party:16385:invite:" + user}, request_id{});
  REQUIRE(added.value);
  CHECK_FALSE(*added.value);
  CHECK(count() == 1);
  // A request id is applied once too; its repeat answers the first reply.
  auto general = note(user, "general", "", "");
  REQUIRE(
    ask<bool>(node, ntf_add_atom::value, general, none, request_id{"ntf-rid-1"})
      .value);
  auto again = ask<bool>(node, ntf_add_atom::value, general, none,
                         request_id{"ntf-rid-1"});
  REQUIRE(again.value);
  CHECK(*again.value);
  CHECK(count() == 2);
  auto hello = note(user, "friend_request", "친구 요청", "친구가 되어요");
  hello.related_id = 7;
  hello.related_type = "user";
  REQUIRE(
    ask<bool>(node, ntf_add_atom::value, hello, none, request_id{}).value);
  // Newest first, all unread; ids carry the recipient's slot and the
  // shard's residue class (shard 2: seq ≡ 3 mod 64), like party ids.
  auto inbox = ask<notification_inbox>(node, ntf_list_atom::value,
                                       user_key{user}, false);
  REQUIRE(inbox.value);
  auto& box = *inbox.value;
  CHECK(box.unread_count == 3);
  REQUIRE(box.notifications.size() == 3);
  auto& newest = box.notifications[0];
  auto& oldest = box.notifications[2];
  CHECK(newest.type == "friend_request");
  CHECK(newest.related_id == 7);
  CHECK(newest.related_type == "user");
  CHECK(box.notifications[1].title == "알림"); // defaults
  CHECK(box.notifications[1].message == "새로운 알림이 있습니다.");
  CHECK(box.notifications[1].related_id == 0);
  CHECK(oldest.type == "party_invite");
  CHECK(oldest.title == "파티 초대");
  CHECK(oldest.related_id == 16385);
  CHECK(oldest.employee_id == user);
  CHECK_FALSE(oldest.is_read);
  CHECK(oldest.created_at.size() == 19); // YYYY-MM-DD HH:MM:SS (KST)
  CHECK(oldest.created_at[10] == ' ');
  for (auto& n : box.notifications) {
    CHECK(n.id % slot_count == slot_of(user));
    CHECK(n.id / slot_count % max_shards == 3);
  }
  CHECK(ids(box)[0] > ids(box)[1]);
  CHECK(ids(box)[1] > ids(box)[2]);
  // Read one (by id: routed by its slot), then only the unread ones.
  auto read = ask<notification>(node, ntf_read_atom::value, oldest.id,
                                request_id{"read-1"});
  REQUIRE(read.value);
  CHECK(read.value->is_read);
  CHECK(read.value->id == oldest.id);
  CHECK(read.value->title == "파티 초대");
  auto unread = ask<notification_inbox>(node, ntf_list_atom::value,
                                        user_key{user}, true);
  REQUIRE(unread.value);
  CHECK(unread.value->unread_count == 2);
  CHECK(ids(*unread.value) == std::vector<int64_t>{ids(box)[0], ids(box)[1]});
  // Read-all counts what was unread; once more finds nothing.
  auto all = ask<int64_t>(node, ntf_readall_atom::value, user_key{user},
                          request_id{});
  REQUIRE(all.value);
  CHECK(*all.value == 2);
  all = ask<int64_t>(node, ntf_readall_atom::value, user_key{user},
                     request_id{"ra-1"});
  REQUIRE(all.value);
  CHECK(*all.value == 0);
  inbox = ask<notification_inbox>(node, ntf_list_atom::value, user_key{user},
                                  false);
  REQUIRE(inbox.value);
  CHECK(inbox.value->unread_count == 0);
  CHECK(inbox.value->notifications.size() == 3);
  // Delete one, then clear-read removes the rest; a new one stays.
  auto gone = ask<bool>(node, ntf_delete_atom::value, ids(box)[1],
                        request_id{"del-1"});
  REQUIRE(gone.value);
  CHECK(*gone.value);
  gone = ask<bool>(node, ntf_delete_atom::value, ids(box)[1],
                   request_id{"del-1"});
  REQUIRE(gone.value); // the repeat: the first answer
  CHECK(ask<bool>(node, ntf_delete_atom::value, ids(box)[1], request_id{}).code
        == errc::not_found);
  REQUIRE(ask<bool>(node, ntf_add_atom::value, note(user, "system"), none,
                    request_id{})
            .value);
  auto cleared = ask<int64_t>(node, ntf_clear_atom::value, user_key{user},
                              request_id{});
  REQUIRE(cleared.value);
  CHECK(*cleared.value == 2);
  inbox = ask<notification_inbox>(node, ntf_list_atom::value, user_key{user},
                                  false);
  REQUIRE(inbox.value);
  CHECK(inbox.value->unread_count == 1);
  REQUIRE(inbox.value->notifications.size() == 1);
  CHECK(inbox.value->notifications[0].type == "system");
  cleared = ask<int64_t>(node, ntf_clear_atom::value, user_key{user},
                         request_id{});
  REQUIRE(cleared.value);
  CHECK(*cleared.value == 0);
  // Unknown users and ids.
  const std::string nobody = "nouser";
  auto refused = ask<bool>(node, ntf_add_atom::value, note(nobody, "system"),
                           none, request_id{});
  CHECK(refused.code == errc::not_found);
  CHECK(refused.message == "user nouser not found");
  CHECK(
    ask<notification_inbox>(node, ntf_list_atom::value, user_key{nobody}, false)
      .code
    == errc::not_found);
  CHECK(
    ask<int64_t>(node, ntf_readall_atom::value, user_key{nobody}, request_id{})
      .code
    == errc::not_found);
  CHECK(
    ask<int64_t>(node, ntf_clear_atom::value, user_key{nobody}, request_id{})
      .code
    == errc::not_found);
  auto missing = ask<notification>(node, ntf_read_atom::value,
                                   int64_t{999 * 16384 + 5}, request_id{});
  CHECK(missing.code == errc::not_found);
  CHECK(missing.message == "notification 16367621 not found");
  CHECK(
    ask<notification>(node, ntf_read_atom::value, int64_t{0}, request_id{}).code
    == errc::not_found);
  CHECK(ask<bool>(node, ntf_delete_atom::value, int64_t{-3}, request_id{}).code
        == errc::not_found);
  // Bad input.
  auto bad = ask<bool>(node, ntf_add_atom::value, note(user, ""), none,
                       request_id{});
  CHECK(bad.code == errc::invalid_argument);
  CHECK(bad.message == "type: required");
  bad = ask<bool>(node, ntf_add_atom::value, note("", "system"), none,
                  request_id{});
  CHECK(bad.message == "employee_id: required");
  CHECK(
    ask<notification_inbox>(node, ntf_list_atom::value, user_key{}, false).code
    == errc::invalid_argument);
  // A user's notifications go with the user.
  REQUIRE(
    ask<user_view>(node, usr_delete_atom::value, user_key{user}, request_id{})
      .value);
  CHECK(count() == 0);
}

TEST_CASE("a batch of notifications is split by shard and applied once",
          "[node][notify]") {
  test::node_fixture node;
  auto a = test::ids_on_shard(0, 1, "bn")[0];
  auto b = test::ids_on_shard(1, 1, "bn")[0];
  auto c = test::ids_on_shard(3, 1, "bn")[0];
  for (auto& id : {a, b, c})
    REQUIRE(ask<user_view>(node, usr_create_atom::value, person(id, "n" + id),
                           request_id{})
              .value);
  auto ghost1 = test::ids_on_shard(1, 1, "ghost")[0];
  auto ghost2 = test::ids_on_shard(2, 1, "ghost")[0];
  // Title and message left to their defaults.
  auto general = [](std::string id) { return note(id, "general", "", ""); };
  std::vector<notification> batch{general(a),       general(b),
                                  general(c),       general(ghost1),
                                  general(ghost2),  note(ghost2, "system"),
                                  note(b, "system")};
  // The last row repeats b's key: a duplicate within the batch.
  std::vector<std::string> keys{"k-a",  "k-b",   "k-c", "k-g1",
                                "k-g2", "k-g2b", "k-b"};
  auto r = ask<std::vector<int64_t>>(node, ntf_add_atom::value, batch, keys,
                                     request_id{});
  REQUIRE(r.value);
  CHECK(*r.value == std::vector<int64_t>{3, 1, 2}); // inserted, dup, missing
  // Delivered again (a retry): every key was used.
  r = ask<std::vector<int64_t>>(node, ntf_add_atom::value, batch, keys,
                                request_id{});
  REQUIRE(r.value);
  CHECK(*r.value == std::vector<int64_t>{0, 4, 2});
  for (auto& id : {a, b, c}) {
    auto box = ask<notification_inbox>(node, ntf_list_atom::value, user_key{id},
                                       false);
    REQUIRE(box.value);
    CHECK(box.value->unread_count == 1);
    REQUIRE(box.value->notifications.size() == 1);
    CHECK(box.value->notifications[0].type == "general");
    CHECK(box.value->notifications[0].title == "알림");
    CHECK(box.value->notifications[0].message == "새로운 알림이 있습니다.");
    CHECK(box.value->notifications[0].id % slot_count == slot_of(id));
  }
  // Without keys, a request id makes it apply once.
  std::vector<notification> plain{note(a, "system"), note(c, "system")};
  for (int i = 0; i < 2; ++i) {
    auto p = ask<std::vector<int64_t>>(node, ntf_add_atom::value, plain,
                                       std::vector<std::string>{},
                                       request_id{"batch-1"});
    REQUIRE(p.value);
    CHECK(*p.value == std::vector<int64_t>{2, 0, 0});
  }
  CHECK(
    test::query_int(node.dbs.shard_dsn(0), "SELECT count(*) FROM notifications")
    == 2);
  auto empty = ask<std::vector<int64_t>>(node, ntf_add_atom::value,
                                         std::vector<notification>{},
                                         std::vector<std::string>{},
                                         request_id{});
  REQUIRE(empty.value);
  CHECK(*empty.value == std::vector<int64_t>{0, 0, 0});
  // Bad input refuses the whole batch before anything is written.
  auto bad = ask<std::vector<int64_t>>(node, ntf_add_atom::value, batch,
                                       std::vector<std::string>{"one"},
                                       request_id{});
  CHECK(bad.code == errc::invalid_argument);
  CHECK(bad.message.rfind("dedupe_keys:", 0) == 0);
  batch[1].type = "Bad Type";
  bad = ask<std::vector<int64_t>>(node, ntf_add_atom::value, batch,
                                  std::vector<std::string>{}, request_id{});
  CHECK(bad.code == errc::invalid_argument);
  CHECK(bad.message.rfind("notifications[1].type:", 0) == 0);
}

TEST_CASE("the cleanup statement deletes notifications older than N days",
          "[node][notify]") {
  test::node_fixture node;
  auto user = test::ids_on_shard(1, 1, "old")[0];
  REQUIRE(ask<user_view>(node, usr_create_atom::value, person(user, "o"),
                         request_id{})
            .value);
  for (auto type : {"system", "general"})
    REQUIRE(
      ask<bool>(node, ntf_add_atom::value, note(user, type), none, request_id{})
        .value);
  auto dsn = node.dbs.shard_dsn(1);
  CHECK(test::query_int(dsn, "WITH u AS (UPDATE notifications"
                             " SET created_at = now() - interval '31 days'"
                             " WHERE type = 'system' RETURNING 1)"
                             " SELECT count(*) FROM u")
        == 1);
  pqxx::connection conn{dsn};
  pg_shard_store::prepare(conn);
  pg_shard_store store{1, dsn};
  pqxx::work tx{conn};
  store.bind(tx);
  CHECK(store.inbox().delete_notifications_older_than(30) == 1);
  CHECK(store.inbox().delete_notifications_older_than(30) == 0);
  tx.commit();
  auto box = ask<notification_inbox>(node, ntf_list_atom::value, user_key{user},
                                     false);
  REQUIRE(box.value);
  REQUIRE(box.value->notifications.size() == 1);
  CHECK(box.value->notifications[0].type == "general");
}
