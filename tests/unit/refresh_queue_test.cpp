// The recommendation cache's refresh queue (actors/recommend/refresh_queue):
// the exact order of take(), re-queueing, and the aging rule's bound on how
// long a key waits.

#include <catch2/catch.hpp>

#include "actors/recommend/refresh_queue.hpp"

using namespace lunch::rec;

namespace {

constexpr day_t day = 20000;

refresh_key key(int32_t user, day_t d = day) {
  return refresh_key{d, user};
}

void push_users(refresh_queue& q, int32_t first, int32_t last) {
  for (auto u = first; u <= last; ++u)
    q.push(key(u));
}

std::vector<int32_t> users_of(const std::vector<refresh_key>& keys) {
  std::vector<int32_t> out;
  for (auto& k : keys)
    out.push_back(k.user);
  return out;
}

using users = std::vector<int32_t>;

} // namespace

TEST_CASE("take returns half the newest, newest first, then the oldest",
          "[refresh_queue]") {
  refresh_queue q;
  push_users(q, 1, 10);
  REQUIRE(q.size() == 10);
  CHECK(users_of(q.take(4)) == users{10, 9, 1, 2});
  CHECK(q.size() == 6);
  CHECK(users_of(q.take(2)) == users{8, 3});
  CHECK(users_of(q.take(0)).empty());
  CHECK(users_of(q.take(4)) == users{7, 6, 4, 5});
  CHECK(q.empty());
  CHECK(users_of(q.take(4)).empty());
}

TEST_CASE("an odd batch's extra key comes from each end in turn",
          "[refresh_queue]") {
  refresh_queue q;
  push_users(q, 1, 10);
  CHECK(users_of(q.take(5)) == users{10, 9, 8, 1, 2});
  CHECK(users_of(q.take(3)) == users{7, 3, 4});
  CHECK(users_of(q.take(1)) == users{6});
  CHECK(q.size() == 1);
  CHECK(users_of(q.take(1)) == users{5});
  CHECK(q.empty());
}

TEST_CASE("batches of one reach the oldest key while new keys keep arriving",
          "[refresh_queue]") {
  refresh_queue q;
  push_users(q, 1, 5);
  // One new key per batch of one: every other batch takes the oldest.
  std::vector<users> taken;
  for (int32_t i = 0; i < 10; ++i) {
    q.push(key(100 + i));
    taken.push_back(users_of(q.take(1)));
  }
  CHECK(taken[0] == users{100});
  CHECK(taken[1] == users{1});
  CHECK(taken[3] == users{2});
  CHECK(taken[9] == users{5});
  CHECK(q.size() == 5); // keys 101, 103, ... are taken newest-first later
}

TEST_CASE("a batch larger than the queue takes all of it", "[refresh_queue]") {
  refresh_queue q;
  push_users(q, 1, 7);
  CHECK(users_of(q.take(10)) == users{7, 6, 5, 4, 3, 1, 2});
  CHECK(q.empty());
  push_users(q, 1, 3);
  CHECK(users_of(q.take(100)) == users{3, 2, 1});
  CHECK(q.empty());
}

TEST_CASE("queueing a key again moves it to the newest end, once",
          "[refresh_queue]") {
  refresh_queue q;
  push_users(q, 1, 5);
  CHECK_FALSE(q.push(key(2)));
  CHECK(q.push(key(2, day + 1))); // another day: another key
  CHECK(q.push(key(6)));
  CHECK(q.size() == 7);
  CHECK(q.contains(key(2)));
  // Order now: 1 3 4 5 2 2@day+1 6.
  auto first = q.take(2);
  REQUIRE(first.size() == 2);
  CHECK(first[0] == key(6));
  CHECK(first[1] == key(1));
  auto rest = q.take(10);
  REQUIRE(rest.size() == 5);
  CHECK(rest[0] == key(2, day + 1));
  CHECK(rest[1] == key(2));
  CHECK(users_of(rest) == users{2, 2, 5, 4, 3});
  CHECK(q.empty());
}

TEST_CASE("erase and erase_if remove keys wherever they are",
          "[refresh_queue]") {
  refresh_queue q;
  push_users(q, 1, 6);
  q.push(key(1, day - 1));
  CHECK(q.erase(key(3)));
  CHECK_FALSE(q.erase(key(3)));
  CHECK_FALSE(q.contains(key(3)));
  CHECK(q.erase_if([](const refresh_key& k) { return k.day < day; }) == 1);
  CHECK(q.size() == 5);
  CHECK(q.memory_bytes() > 5 * sizeof(refresh_key));
  CHECK(users_of(q.take(5)) == users{6, 5, 4, 1, 2});
  q.push(key(9));
  q.clear();
  CHECK(q.empty());
  CHECK_FALSE(q.contains(key(9)));
}

TEST_CASE("an old key is taken within a bounded number of batches while new "
          "keys keep arriving at the batch rate",
          "[refresh_queue]") {
  refresh_queue q;
  push_users(q, 0, 19); // 20 keys older than the one we follow
  const auto old = key(1000);
  q.push(old);
  constexpr int32_t batch = 8;
  int taken_in = 0;
  int32_t next_user = 2000;
  for (int b = 1; b <= 50 && taken_in == 0; ++b) {
    for (int32_t j = 0; j < batch; ++j)
      q.push(key(next_user++)); // newer than everything queued
    auto keys = q.take(batch);
    CHECK(keys.size() == static_cast<size_t>(batch));
    for (auto& k : keys)
      if (k == old)
        taken_in = b;
    CHECK(q.size() == 21); // arrivals and batches balance: it never grows
  }
  // Four keys leave the oldest end per batch: the 20 older ones in five
  // batches, the followed key in the sixth; newest-only would never reach it.
  CHECK(taken_in == 6);
}
