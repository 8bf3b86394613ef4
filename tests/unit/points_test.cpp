#include <catch2/catch.hpp>

#include "actors/user/points.hpp"

using namespace lunch;

namespace {

points_award award(int32_t shard, int64_t ledger_id, int64_t points) {
  return points_award{"1", shard, ledger_id, points};
}

} // namespace

TEST_CASE("level_for follows system A of spec §8.1 (S21)", "[points]") {
  CHECK(level_for(0) == 1);
  CHECK(level_for(999) == 1);
  CHECK(level_for(1000) == 2);
  CHECK(level_for(2999) == 2);
  CHECK(level_for(3000) == 3);
  CHECK(level_for(5999) == 3);
  CHECK(level_for(6000) == 4);
  CHECK(level_for(9999) == 4);
  CHECK(level_for(10000) == 5);
  CHECK(level_for(19999) == 5);
  CHECK(level_for(20000) == 6);
  CHECK(level_for(1000000) == 6);
  CHECK(level_for(-5) == 1);
}

TEST_CASE("point amounts of parties", "[points]") {
  CHECK(points_party_created == 50);
  CHECK(points_party_joined == 30);
}

TEST_CASE("points_tally starts from the scan", "[points]") {
  points_tally t;
  CHECK(t.total() == 0);
  t.reset({{0, 80, 12}, {1, 0, 0}, {2, 50, 3}});
  CHECK(t.total() == 130);
  SECTION("an empty scan is zero") {
    t.reset({});
    CHECK(t.total() == 0);
  }
}

TEST_CASE("points_tally counts each award exactly once", "[points]") {
  points_tally t;

  SECTION("an award that arrived before the scan and is inside it") {
    // S5: the party-created award commits (ledger id 7 on shard 1) and is
    // announced before the entity's scan finishes; the scan includes it.
    CHECK(t.apply(award(1, 7, points_party_created)));
    t.reset({{0, 0, 0}, {1, 50, 7}});
    CHECK(t.total() == 50);
    // Replaying the buffered announcement after the reset changes nothing.
    CHECK_FALSE(t.apply(award(1, 7, points_party_created)));
    CHECK(t.total() == 50);
  }

  SECTION("an award committed after the scan has a higher id and counts") {
    t.reset({{0, 50, 7}, {1, 0, 0}});
    CHECK(t.apply(award(0, 9, points_party_joined)));
    CHECK(t.total() == 80);
  }

  SECTION("an award the scan already saw is ignored") {
    t.reset({{0, 80, 9}});
    CHECK_FALSE(t.apply(award(0, 9, points_party_joined)));
    CHECK_FALSE(t.apply(award(0, 4, points_party_created)));
    CHECK(t.total() == 80);
  }

  SECTION("a duplicate announcement is ignored") {
    t.reset({{0, 0, 0}, {1, 0, 0}});
    CHECK(t.apply(award(1, 3, 30)));
    CHECK_FALSE(t.apply(award(1, 3, 30)));
    CHECK(t.total() == 30);
  }

  SECTION("marks are per shard: the same id on another shard counts") {
    t.reset({{0, 50, 5}, {1, 0, 0}});
    CHECK(t.apply(award(1, 5, 30)));
    CHECK_FALSE(t.apply(award(0, 5, 50)));
    CHECK(t.total() == 80);
  }

  SECTION("a shard beyond the scan's marks grows the table") {
    t.reset({{0, 10, 1}});
    CHECK(t.apply(award(3, 1, 30)));
    CHECK_FALSE(t.apply(award(3, 1, 30)));
    CHECK(t.apply(award(2, 1, 50)));
    CHECK(t.total() == 90);
  }

  SECTION("marks may come in any shard order") {
    t.reset({{2, 30, 4}, {0, 50, 2}});
    CHECK(t.total() == 80);
    CHECK_FALSE(t.apply(award(2, 4, 30)));
    CHECK_FALSE(t.apply(award(0, 2, 50)));
    CHECK(t.apply(award(1, 1, 30)));
    CHECK(t.total() == 110);
  }

  SECTION("a full interleaving: before, during and after the scan") {
    // Awards a (id 3) and b (id 5) on shard 0 arrive before the scan result;
    // the scan saw a but not b (b committed after the scan read shard 0).
    CHECK(t.apply(award(0, 3, 50)));
    CHECK(t.apply(award(0, 5, 30)));
    t.reset({{0, 50, 3}, {1, 30, 2}});
    CHECK(t.total() == 80);
    // The entity replays what it buffered during the scan.
    CHECK_FALSE(t.apply(award(0, 3, 50)));
    CHECK(t.apply(award(0, 5, 30)));
    // Later awards, one duplicated.
    CHECK(t.apply(award(1, 6, 30)));
    CHECK_FALSE(t.apply(award(1, 6, 30)));
    CHECK_FALSE(t.apply(award(1, 2, 30)));
    CHECK(t.total() == 140);
    CHECK(level_for(t.total()) == 1);
  }

  SECTION("an award before any reset counts, a reset then rebases") {
    CHECK(t.apply(award(0, 1, 50)));
    CHECK(t.total() == 50);
    t.reset({{0, 50, 1}});
    CHECK(t.total() == 50);
  }
}
