#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <string>

#include <caf/fwd.hpp>

#include "messages/shard_protocol.hpp"

namespace lunch::db {
class standby_pool;
} // namespace lunch::db

namespace lunch {

class node_directory;
class fault_injector;
class lease_table;
class shard_store;

struct shard_owner_settings {
  int32_t shard = 0;
  std::string dsn;
  std::string node;                          // this node's name
  std::shared_ptr<lease_table> leases;       // the epoch this node holds
  std::shared_ptr<node_directory> directory; // finds the cluster actor
  std::shared_ptr<fault_injector> faults;    // null unless debug is on
  std::shared_ptr<db::standby_pool> standby; // ready connections, or null
};

/// Spawns the owner of one shard over its PostgreSQL database
/// (pg_shard_store), on its own thread (detached). It connects as it starts
/// and quits with `unavailable` when it cannot, or when its connection
/// breaks later (after failing every request it holds): its supervisor
/// restarts it with backoff. It is not linked to `parent`.
///
/// Fencing: as it starts, it writes this node's lease epoch into the shard
/// database (`shard_fence`; a stale owner still holding a transaction open
/// there is disconnected), and every batch it commits first checks that
/// the epoch is still its own. An owner whose epoch was overtaken quits
/// with `fenced` and tells the cluster actor, which stops the shard here.
/// Asked to stop, it commits its open batch first.
shard_owner_actor spawn_shard_owner(caf::local_actor* parent,
                                    shard_owner_settings settings);

/// Opens the store of a starting owner (again after each restart).
using shard_store_factory
  = std::function<std::unique_ptr<shard_store>(const shard_owner_settings&)>;

/// The owner over a store of the caller's choosing, on its own thread if
/// `detached` (a blocking database), else on the caller's scheduler: the
/// deterministic tests run it on CAF's test coordinator with an in-memory
/// store.
shard_owner_actor
spawn_shard_owner(caf::local_actor* parent, shard_owner_settings settings,
                  shard_store_factory open_store, bool detached);

} // namespace lunch
