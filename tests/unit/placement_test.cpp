#include <map>

#include <catch2/catch.hpp>

#include "actors/cluster/placement.hpp"

using namespace lunch;
using owners = std::vector<std::string>;

namespace {

placement_member up(std::string name, std::vector<int32_t> allowed = {}) {
  return {std::move(name), true, std::move(allowed)};
}

placement_member leaving(std::string name) {
  return {std::move(name), false, {}};
}

} // namespace

TEST_CASE("placement: a lone node takes every shard", "[placement]") {
  CHECK(place_shards(4, {up("node0")}, {"", "", "", ""})
        == owners{"node0", "node0", "node0", "node0"});
}

TEST_CASE("placement: joins take a fair share, moving as few as possible",
          "[placement]") {
  // node1 joins node0, which holds all four: node0 keeps its lowest two.
  auto two = place_shards(4, {up("node0"), up("node1")},
                          {"node0", "node0", "node0", "node0"});
  CHECK(two == owners{"node0", "node0", "node1", "node1"});
  // node2 joins: 4 = 2 + 1 + 1; node0 (most, then first by name) keeps 2.
  auto three = place_shards(4, {up("node0"), up("node1"), up("node2")}, two);
  CHECK(three == owners{"node0", "node0", "node1", "node2"});
}

TEST_CASE("placement: stable on its own output", "[placement]") {
  std::vector<placement_member> live{up("a"), up("b"), up("c")};
  auto first = place_shards(7, live, owners(7));
  CHECK(place_shards(7, live, first) == first);
  // 7 = 3 + 2 + 2
  std::map<std::string, int> counts;
  for (auto& o : first)
    ++counts[o];
  CHECK(counts == std::map<std::string, int>{{"a", 3}, {"b", 2}, {"c", 2}});
}

TEST_CASE("placement: a dead node's shards go to the survivors below quota",
          "[placement]") {
  // node1 (shards 2 and 3 after a rebalance) died; node0 holds 0 and 1.
  auto after = place_shards(4, {up("node0"), up("node2")},
                            {"node0", "node0", "", ""});
  CHECK(after == owners{"node0", "node0", "node2", "node2"});
  // The same when the dead owner is still named: only live members count.
  CHECK(place_shards(4, {up("node0"), up("node2")},
                     {"node0", "node0", "node1", "node1"})
        == after);
}

TEST_CASE("placement: a leaving node keeps nothing", "[placement]") {
  CHECK(place_shards(4, {leaving("node0"), up("node1"), up("node2")},
                     {"node0", "node0", "node1", "node2"})
        == owners{"node1", "node2", "node1", "node2"});
  CHECK(place_shards(2, {leaving("node0")}, {"node0", "node0"})
        == owners{"", ""});
}

TEST_CASE("placement: allowed shards are respected", "[placement]") {
  // node1 may only own shard 0; node0 only 1..3.
  auto placed = place_shards(4, {up("node0", {1, 2, 3}), up("node1", {0})},
                             owners(4));
  CHECK(placed == owners{"node1", "node0", "node0", "node0"});
  // Nobody may own shard 3: it stays unowned.
  CHECK(place_shards(4, {up("node0", {0, 1}), up("node1", {2})}, owners(4))
        == owners{"node0", "node0", "node1", ""});
  CHECK(may_own(up("x", {2}), 2));
  CHECK(!may_own(up("x", {2}), 1));
  CHECK(may_own(up("x"), 63));
}

TEST_CASE("placement: a node keeps standbys for the shards it owns or would "
          "take",
          "[placement]") {
  using flags = std::vector<bool>;
  std::vector<placement_member> live{up("node0"), up("node1"), up("node2")};
  owners now{"node0", "node0", "node1", "node2"};
  // Its own shards (an owner's restart takes the standby), and: node0
  // lost, its shards go one to node1, one to node2; node1 lost, its shard
  // to node2; node2 lost, its shard to node1. node0, which holds two, takes
  // nothing more.
  CHECK(standby_shards(4, live, now, "node0")
        == flags{true, true, false, false});
  CHECK(standby_shards(4, live, now, "node1")
        == flags{true, false, true, true});
  CHECK(standby_shards(4, live, now, "node2")
        == flags{false, true, true, true});
  // A joining node holds nothing yet: the shard placement hands it now,
  // and those it would take from a lost owner.
  live.push_back(up("node3"));
  CHECK(place_shards(4, live, now)
        == owners{"node0", "node3", "node1", "node2"});
  CHECK(standby_shards(4, live, now, "node3") == flags{true, true, true, true});
  // An unowned shard: whoever placement gives it to.
  CHECK(standby_shards(2, {up("a"), up("b")}, {"a", ""}, "b")
        == flags{true, true});
  CHECK(standby_shards(2, {up("a"), up("b")}, {"a", ""}, "a")
        == flags{true, false});
}
