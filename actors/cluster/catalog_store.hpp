#pragma once

// All SQL on the catalog's cluster tables (membership, leases, events).
// Each method runs in the caller's transaction; the catalog actor is the
// only caller at run time.

#include <cstdint>
#include <string>
#include <vector>

#include <pqxx/transaction_base>

#include "messages/cluster_model.hpp"

namespace lunch::catalog {

/// Every node of a cluster must use the same heartbeat interval and
/// timeout (CAF declares a peer with other settings dead). The first node
/// records its settings; a node with different ones is refused with a
/// message naming both values — unless no node is alive (a cluster being
/// started again may change them).
void agree_on_heartbeats(pqxx::transaction_base& tx, int64_t interval_ms,
                         int64_t timeout_ms);

cluster_view read_view(pqxx::transaction_base& tx);

/// Records this process as node `me.name` (state up, a new incarnation).
void register_node(pqxx::transaction_base& tx, const node_info& me);

/// Refreshes the heartbeat of this incarnation; false when the catalog no
/// longer lists it as up or leaving (another node declared it dead).
bool heartbeat(pqxx::transaction_base& tx, const node_info& me);

/// Marks `dead` nodes down, then gives every orphaned shard — owner
/// missing, down, left or of an older incarnation — to a `live` node by
/// placement (epoch + 1). Only nodes the caller confirmed dead are marked
/// down: a live node it merely cannot see keeps its shards. Returns the
/// view as this transaction leaves it (no second read).
cluster_view assign_orphans(pqxx::transaction_base& tx, const std::string& me,
                            const std::vector<node_info>& live,
                            const std::vector<node_info>& dead);

/// Moves `shard` from `from` to `to` (epoch + 1) if `from` still holds it
/// at `epoch`; returns false otherwise.
bool hand_off(pqxx::transaction_base& tx, int32_t shard, int64_t epoch,
              const node_info& from, const node_info& to);

/// Sets the state (leaving, left) of this incarnation.
void set_state(pqxx::transaction_base& tx, const node_info& me);

void record(pqxx::transaction_base& tx, const std::string& node,
            const std::string& kind, int32_t shard, int64_t epoch,
            const std::string& detail);

std::vector<cluster_event> events(pqxx::transaction_base& tx, int32_t limit);

} // namespace lunch::catalog
