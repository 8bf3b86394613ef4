#pragma once

// Who may act for the cluster when the network splits (CAF-free).
//
// The members are this node, the peers it reaches, and every node the
// catalog lists as up or leaving whose catalog heartbeat is fresh, except
// nodes found gone (a connect to them was refused: nothing listens there).
// A crashed node thus leaves the membership at once (refused) or when its
// heartbeat goes stale (its host is gone too); a node that still
// heartbeats the catalog but cannot be reached stays a member: that is a
// partition.
//
// A node holds the majority when it reaches (itself included) more than
// half of the members, or exactly half including the oldest member (the
// earliest start in the catalog, then the lowest name), so an even split
// has one winning side. Only a node holding the majority declares others
// down, takes over shards or registers; one that does not stops serving.

#include <cstdint>
#include <set>
#include <string>
#include <vector>

#include "messages/cluster_model.hpp"

namespace lunch {

struct quorum_input {
  std::string me;
  std::vector<node_info> catalog;  // as last read
  std::set<std::string> reachable; // peers that said hello, not `me`
  std::set<std::string> gone;      // refused a connect since last seen
  int64_t stale_ms = 0;            // heartbeat age past which a node is gone
};

struct quorum_verdict {
  bool majority = false;
  std::vector<std::string> members;   // sorted, `me` included
  std::vector<std::string> reachable; // sorted, `me` included
  std::string oldest;

  /// "2 of 3 members reachable: node0, node1" for logs and errors.
  std::string describe() const;
};

quorum_verdict judge_quorum(const quorum_input& in);

} // namespace lunch
