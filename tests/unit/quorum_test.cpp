#include <catch2/catch.hpp>

#include "actors/cluster/quorum.hpp"

using namespace lunch;
using names = std::vector<std::string>;

namespace {

// A catalog row: up, heartbeat `age_ms` ago, started at second `started`.
node_info row(std::string name, int started, int64_t age_ms = 100,
              std::string state = "up") {
  node_info n;
  n.name = std::move(name);
  n.state = std::move(state);
  n.heartbeat_age_ms = age_ms;
  n.started_at = "2026-12-06T12:00:0" + std::to_string(started) + ".000Z";
  return n;
}

quorum_input three(std::string me, std::set<std::string> reachable) {
  quorum_input in;
  in.me = std::move(me);
  in.catalog = {row("node0", 0), row("node1", 1), row("node2", 2)};
  in.reachable = std::move(reachable);
  in.stale_ms = 1500;
  return in;
}

} // namespace

TEST_CASE("quorum: a whole cluster holds the majority everywhere", "[quorum]") {
  auto v = judge_quorum(three("node1", {"node0", "node2"}));
  CHECK(v.majority);
  CHECK(v.members == names{"node0", "node1", "node2"});
  CHECK(v.reachable == names{"node0", "node1", "node2"});
  CHECK(v.oldest == "node0");
  CHECK(v.describe() == "3 of 3 members reachable: node0, node1, node2");
}

TEST_CASE("quorum: a node cut off from its peers is the minority", "[quorum]") {
  // node2 still heartbeats the catalog (the peers stay members) but
  // reaches nobody: it must step aside; the two others go on.
  auto cut = judge_quorum(three("node2", {}));
  CHECK_FALSE(cut.majority);
  CHECK(cut.members == names{"node0", "node1", "node2"});
  CHECK(cut.reachable == names{"node2"});
  CHECK(judge_quorum(three("node0", {"node1"})).majority);
  CHECK(judge_quorum(three("node1", {"node0"})).majority);
}

TEST_CASE("quorum: crashed nodes leave the membership", "[quorum]") {
  // Refused connects: gone at once, so the survivor of two crashes of
  // three serves on.
  auto in = three("node1", {});
  in.gone = {"node0", "node2"};
  auto v = judge_quorum(in);
  CHECK(v.majority);
  CHECK(v.members == names{"node1"});
  // A host that vanished (no refusal): gone once its heartbeat is stale.
  in.gone.clear();
  in.catalog[0].heartbeat_age_ms = 1501;
  in.catalog[2].heartbeat_age_ms = 1501;
  CHECK(judge_quorum(in).majority);
  // node0 still fresh: 1 of 2, and node0 is older.
  in.catalog[0].heartbeat_age_ms = 1500;
  CHECK_FALSE(judge_quorum(in).majority);
  // node2 still fresh instead: 1 of 2, but node1 is the older.
  in.catalog[0].heartbeat_age_ms = 1501;
  in.catalog[2].heartbeat_age_ms = 1500;
  CHECK(judge_quorum(in).majority);
}

TEST_CASE("quorum: nodes down or left in the catalog are no members",
          "[quorum]") {
  auto in = three("node2", {});
  in.catalog[0].state = "down";
  in.catalog[1].state = "left";
  CHECK(judge_quorum(in).majority);
  in.catalog[1].state = "leaving"; // still a member while it hands off
  CHECK_FALSE(judge_quorum(in).majority);
}

TEST_CASE("quorum: an even split goes to the side of the oldest member",
          "[quorum]") {
  quorum_input in;
  in.catalog = {row("node0", 3), row("node1", 1), row("node2", 2),
                row("node3", 4)};
  in.stale_ms = 1500;
  // node1 started first: its side wins, whatever the names.
  in.me = "node1";
  in.reachable = {"node3"};
  CHECK(judge_quorum(in).majority);
  in.me = "node0";
  in.reachable = {"node2"};
  auto other = judge_quorum(in);
  CHECK_FALSE(other.majority);
  CHECK(other.oldest == "node1");
  // Same start: the lowest name decides.
  for (auto& n : in.catalog)
    n.started_at = "2026-12-06T12:00:00.000Z";
  CHECK(judge_quorum(in).majority);
}

TEST_CASE("quorum: a joining node needs the majority too", "[quorum]") {
  // Not in the catalog yet (or evicted): it counts itself, the youngest.
  quorum_input in;
  in.me = "node3";
  in.catalog = {row("node0", 0)};
  in.stale_ms = 1500;
  CHECK_FALSE(judge_quorum(in).majority); // 1 of 2, node0 is older
  in.reachable = {"node0"};
  CHECK(judge_quorum(in).majority);
  in.catalog.clear(); // the first node of a new cluster
  in.reachable.clear();
  CHECK(judge_quorum(in).majority);
}

TEST_CASE("quorum: an evicted node is the youngest, however old", "[quorum]") {
  // node0 was declared down while cut off; its old start does not make
  // its half of a two-node cluster the winning one.
  quorum_input in;
  in.me = "node0";
  in.catalog = {row("node0", 0, 100, "down"), row("node1", 1)};
  in.stale_ms = 1500;
  auto v = judge_quorum(in);
  CHECK_FALSE(v.majority);
  CHECK(v.oldest == "node1");
}
