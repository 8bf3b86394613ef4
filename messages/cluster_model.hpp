#pragma once

// The cluster as the catalog records it: nodes and shard leases. CAF-free
// (the inspect functions live in messages/cluster_protocol.hpp).

#include <cstdint>
#include <string>
#include <vector>

namespace lunch {

/// One node's row in the catalog (`cluster_nodes`).
struct node_info {
  std::string name;
  std::string host;
  int32_t port = 0;
  int32_t pid = 0;
  /// Random per process start: a restarted node is a new incarnation, and
  /// leases held by its previous one are orphans.
  int64_t incarnation = 0;
  std::string state;                   // up | leaving | left | down
  std::vector<int32_t> allowed_shards; // empty: any shard
  std::string started_at;              // ISO 8601, UTC
  int64_t heartbeat_age_ms = 0;        // since its last catalog heartbeat
};

/// One shard's lease (`shard_leases`): its owner node and the epoch that
/// fences every older owner out of the shard database.
struct shard_lease {
  int32_t shard = 0;
  std::string owner; // "" = nobody yet
  int64_t incarnation = 0;
  int64_t epoch = 0;
  std::string changed_at;
};

struct cluster_view {
  std::vector<node_info> nodes;
  std::vector<shard_lease> leases; // one per shard, in shard order
};

/// One line of `cluster_events`.
struct cluster_event {
  int64_t id = 0;
  std::string at;
  std::string node; // who recorded it
  std::string kind; // node.up, node.down, node.leaving, node.left,
                    // shard.acquired, shard.moved, shard.released
  int32_t shard = -1;
  int64_t epoch = 0;
  std::string detail;
};

} // namespace lunch
