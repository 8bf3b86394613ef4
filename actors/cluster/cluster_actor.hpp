#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include <caf/fwd.hpp>
#include <caf/timespan.hpp>

#include "messages/cluster_protocol.hpp"

namespace lunch {

class node_directory;
class lease_table;

/// Set by the cluster actor; read by lunchd and the tests.
struct cluster_progress {
  std::atomic<bool> registered{false}; // in the catalog (once per process)
  std::atomic<bool> ready{false};      // every lease held, own shards up
};

struct cluster_settings {
  node_info me; // name, host, pid, incarnation, allowed shards
  /// The published port, once known (0: not published, no peers).
  std::function<uint16_t()> port;
  int32_t shard_count = 1;
  caf::timespan tick;     // catalog heartbeat and reconciliation period
  caf::timespan confirm;  // reconnect attempt before declaring a peer dead
  caf::timespan connect;  // each step of a connect to a peer (probe, hello)
  caf::timespan heard;    // a peer counts for acting if it answered since
  caf::timespan stale;    // heartbeat age past which a listed node is gone
  caf::timespan db_stale; // ... and a reachable one cannot reach the database
  caf::timespan timeout;  // every other request
  std::vector<std::pair<std::string, uint16_t>> seeds;
  std::shared_ptr<node_directory> directory; // "catalog", "shards", ...
  std::shared_ptr<lease_table> leases;
  std::shared_ptr<cluster_progress> progress;
  std::function<void()> on_left; // this node handed off all and may stop
  /// Told the shards this node would take (placement.hpp standby_shards)
  /// whenever the view changes them; unset: nobody keeps standbys.
  std::function<void(std::vector<bool>)> keep_standby;
};

/// Spawns the node's cluster actor (a child of the root supervisor):
/// membership (catalog rows + BASP connections to every peer, monitored),
/// failure confirmation (a peer whose connection drops is dead only if a
/// fresh connect fails too), shard leases (starts and stops `shards/N` as
/// the catalog's leases say), failover (orphaned shards go to live nodes),
/// rebalancing (one shard at a time, handed off by its owner) and leave.
caf::actor spawn_cluster_actor(caf::local_actor* parent,
                               cluster_settings settings);

} // namespace lunch
