#pragma once

// The node's supervision tree, built from its config:
//
//   node (root)            one_for_one
//   ├── catalog                          the catalog connection (detached)
//   ├── shards             one_for_one   the shards this node holds a
//   │   │                                lease for, added and removed by
//   │   │                                the cluster actor
//   │   └── shards/N       rest_for_one  per shard, in start order:
//   │       ├── shard/N                  the owner (single writer)
//   │       └── entities/N               user and party entities
//   ├── gateway                          routes commands; its door (the
//   │                                    public API) is published
//   └── cluster                          membership, leases, failover
//
// Why these strategies: see README "Supervision tree".

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include <caf/fwd.hpp>

#include "config/node_config.hpp"
#include "messages/router_protocol.hpp"
#include "messages/supervision_protocol.hpp"

namespace lunch::db {
class standby_pool;
} // namespace lunch::db

namespace lunch {

class node_directory;
class fault_injector;
class lease_table;
struct cluster_progress;

/// Where the gateway is published, and how that went (shared with the
/// gateway's start function, which republishes after a restart).
struct publication {
  std::mutex mtx;
  gateway_actor door;               // what is published (the public API)
  std::optional<uint16_t> port;     // set once published
  std::optional<std::string> error; // set if publishing failed
};

struct running_node {
  supervisor_actor root;
  std::shared_ptr<node_directory> directory;
  std::shared_ptr<fault_injector> faults;    // null unless debug is on
  std::shared_ptr<publication> published;    // null when not published
  std::shared_ptr<lease_table> leases;       // shards this node holds
  std::shared_ptr<db::standby_pool> standby; // null when turned off
  std::shared_ptr<cluster_progress> progress;
  int64_t incarnation = 0;
  std::function<void()> on_left; // the node left the cluster: stop it
  int32_t shard_count = 0;

  /// The current gateway (it may have been restarted), or invalid: the
  /// node's internal handle, for in-process callers (tests, lunchd).
  router_actor gateway() const;
};

/// Starts the tree. With `publish`, the gateway is published at the
/// config's listen address (again after each restart of it), and peers can
/// reach this node. `on_left` runs once the node has handed off its shards
/// after `lunchctl cluster leave` (lunchd stops then).
running_node start_node(caf::actor_system& sys, const config::node_config& cfg,
                        std::vector<int32_t> slot_table, bool publish,
                        std::function<void()> on_left = {});

/// Waits (polling, up to `timeout`) until the gateway runs and the cluster
/// actor is ready (every shard lease held by a live node, this node's own
/// shards serving), and when publishing, until the gateway is published or
/// publishing failed. Returns the gateway, or an invalid
/// handle with `error` set.
router_actor await_gateway(const running_node& node,
                           std::chrono::milliseconds timeout,
                           std::string& error);

/// Sends the root an exit message and waits until the whole tree is gone.
void stop_node(caf::actor_system& sys, const running_node& node);

} // namespace lunch
