#include <stdexcept>

#include <catch2/catch.hpp>

#include "actors/shard/slot_map.hpp"

using namespace lunch;

TEST_CASE("slot_of is the MD5 of the key modulo 16384", "[slot_map]") {
  // Expected values: int(md5_hex(key), 16) % 16384, computed with Python.
  CHECK(slot_of("KOICA001") == 8957);
  CHECK(slot_of("TEST001") == 923);
  CHECK(slot_of("TEST002") == 3908);
  CHECK(slot_of("1") == 1179);
  CHECK(slot_of("2") == 1580);
  CHECK(slot_of("20") == 15236);
  CHECK(slot_of("테스트") == 2105); // UTF-8 bytes are hashed
  CHECK(slot_of("") == 638);
}

TEST_CASE("modulo 4 reproduces the old app's md5 mod 4 (spec §7, S24)",
          "[slot_map]") {
  auto m = slot_map::modulo(4);
  CHECK(m.shards() == 4);
  CHECK(m.shard_of_key("KOICA001") == 1);
  CHECK(m.shard_of_key("TEST001") == 3);
  CHECK(m.shard_of_key("TEST002") == 0);
  CHECK(m.shard_of_key("1") == 3);
  CHECK(m.shard_of_key("2") == 0);
}

TEST_CASE("modulo layout, ranges and slot counts", "[slot_map]") {
  SECTION("one shard owns everything") {
    auto m = slot_map::modulo(1);
    REQUIRE(m.ranges().size() == 1);
    CHECK(m.ranges()[0].first == 0);
    CHECK(m.ranges()[0].last == slot_count - 1);
    CHECK(m.ranges()[0].shard == 0);
    CHECK(m.slots_per_shard() == std::vector<int64_t>{slot_count});
  }
  SECTION("modulo 4 alternates, so every slot is its own range") {
    auto m = slot_map::modulo(4);
    CHECK(m.table().size() == static_cast<size_t>(slot_count));
    CHECK(m.shard_of_slot(0) == 0);
    CHECK(m.shard_of_slot(5) == 1);
    CHECK(m.shard_of_slot(slot_count - 1) == 3);
    auto r = m.ranges();
    REQUIRE(r.size() == static_cast<size_t>(slot_count));
    CHECK(r[6].first == 6);
    CHECK(r[6].last == 6);
    CHECK(r[6].shard == 2);
    CHECK(m.slots_per_shard() == std::vector<int64_t>{4096, 4096, 4096, 4096});
  }
  SECTION("modulo 3 does not divide 16384") {
    CHECK(slot_map::modulo(3).slots_per_shard()
          == std::vector<int64_t>{5462, 5461, 5461});
  }
}

TEST_CASE("a custom table groups consecutive slots into ranges", "[slot_map]") {
  std::vector<int32_t> table(slot_count, 0);
  for (size_t s = 100; s < 200; ++s)
    table[s] = 1;
  table[slot_count - 1] = 2;
  slot_map m{table, 3};
  auto r = m.ranges();
  REQUIRE(r.size() == 4);
  CHECK((r[0].first == 0 && r[0].last == 99 && r[0].shard == 0));
  CHECK((r[1].first == 100 && r[1].last == 199 && r[1].shard == 1));
  CHECK((r[2].first == 200 && r[2].last == slot_count - 2 && r[2].shard == 0));
  CHECK((r[3].first == slot_count - 1 && r[3].last == slot_count - 1
         && r[3].shard == 2));
  CHECK(m.slots_per_shard() == std::vector<int64_t>{slot_count - 101, 100, 1});
  CHECK(m.shard_of_slot(150) == 1);
}

TEST_CASE("the slot_map constructor validates its table", "[slot_map]") {
  std::vector<int32_t> ok(slot_count, 0);
  CHECK_NOTHROW(slot_map{ok, 1});
  CHECK_NOTHROW(slot_map{ok, max_shards});
  CHECK_THROWS_AS(slot_map(ok, 0), std::invalid_argument);
  CHECK_THROWS_AS(slot_map(ok, max_shards + 1), std::invalid_argument);
  CHECK_THROWS_AS(slot_map(std::vector<int32_t>(slot_count - 1, 0), 1),
                  std::invalid_argument);
  CHECK_THROWS_AS(slot_map(std::vector<int32_t>{}, 1), std::invalid_argument);
  auto bad = ok;
  bad[7] = 2;
  CHECK_THROWS_AS(slot_map(bad, 2), std::invalid_argument);
  bad[7] = -1;
  CHECK_THROWS_AS(slot_map(bad, 2), std::invalid_argument);
  CHECK_THROWS_AS(slot_map::modulo(0), std::invalid_argument);
  CHECK_THROWS_AS(slot_map::modulo(max_shards + 1), std::invalid_argument);
  CHECK_NOTHROW(slot_map::modulo(max_shards));
}

TEST_CASE("shard_of_slot rejects slots outside the table", "[slot_map]") {
  auto m = slot_map::modulo(2);
  CHECK_THROWS_AS(m.shard_of_slot(-1), std::out_of_range);
  CHECK_THROWS_AS(m.shard_of_slot(slot_count), std::out_of_range);
}

TEST_CASE("party ids carry the host's slot", "[slot_map]") {
  CHECK(make_party_id(1, 0) == 16384);
  CHECK(make_party_id(1, 8957) == 16384 + 8957);
  CHECK(make_party_id(3, slot_count - 1) == 3 * 16384 + 16383);
  CHECK(slot_of_party(make_party_id(42, 923)) == 923);
  CHECK(slot_of_party(make_party_id(7, 0)) == 0);
  CHECK(slot_of_party(16383) == 16383);

  // A party routes to the shard of its host without a lookup.
  auto m = slot_map::modulo(4);
  auto pid = make_party_id(5, slot_of("KOICA001"));
  CHECK(m.shard_of_party(pid) == m.shard_of_key("KOICA001"));
  CHECK(m.shard_of_party(pid) == 1);
}

TEST_CASE("plan_rebalance follows the old app (spec §7, S24)",
          "[slot_map][rebalance]") {
  SECTION("[10,2,4,4]: shard 0 moves out 5, shard 1 moves in 3") {
    auto plan = plan_rebalance({10, 2, 4, 4});
    CHECK(plan.current_distribution == std::vector<int64_t>{10, 2, 4, 4});
    CHECK(plan.average_users_per_shard == 5.0);
    REQUIRE(plan.steps.size() == 2);
    CHECK(plan.steps[0].shard == 0);
    CHECK(plan.steps[0].action == "move_out");
    CHECK(plan.steps[0].count == 5);
    CHECK(plan.steps[1].shard == 1);
    CHECK(plan.steps[1].action == "move_in");
    CHECK(plan.steps[1].count == 3);
  }
  SECTION("counts are truncated like Python's int()") {
    // avg 10/3 = 3.33…: 7 > 4.0 → int(3.67) = 3; 1 < 2.67 → int(2.33) = 2;
    // 2 < 2.67 → int(1.33) = 1.
    auto plan = plan_rebalance({7, 1, 2});
    CHECK(plan.average_users_per_shard == Approx(10.0 / 3.0));
    REQUIRE(plan.steps.size() == 3);
    CHECK((plan.steps[0].shard == 0 && plan.steps[0].action == "move_out"
           && plan.steps[0].count == 3));
    CHECK((plan.steps[1].shard == 1 && plan.steps[1].action == "move_in"
           && plan.steps[1].count == 2));
    CHECK((plan.steps[2].shard == 2 && plan.steps[2].action == "move_in"
           && plan.steps[2].count == 1));
  }
  SECTION("the 0.8 and 1.2 bounds are exclusive") {
    // avg 10: 12 is not > 12 and 8 is not < 8.
    auto plan = plan_rebalance({12, 8, 10, 10});
    CHECK(plan.average_users_per_shard == 10.0);
    CHECK(plan.steps.empty());
  }
  SECTION("balanced and empty inputs give no steps") {
    CHECK(plan_rebalance({3, 3, 3}).steps.empty());
    auto zero = plan_rebalance({0, 0});
    CHECK(zero.average_users_per_shard == 0.0);
    CHECK(zero.steps.empty());
    auto none = plan_rebalance({});
    CHECK(none.current_distribution.empty());
    CHECK(none.average_users_per_shard == 0.0);
    CHECK(none.steps.empty());
  }
}
