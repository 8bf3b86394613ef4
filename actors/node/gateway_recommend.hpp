#pragma once

// The gateway's side of recommendations: the inputs of every shard in one
// answer (a snapshot), and the change notices that keep a node's
// recommendation actor up to date between snapshots.

#include <string>
#include <vector>

#include <caf/all.hpp>

#include "actors/node/gateway_state.hpp"

namespace lunch {

/// Every shard's recommendation inputs, in shard order; `unavailable` (or
/// `timeout`) naming the shards that did not answer.
caf::result<std::vector<rec_shard_snapshot>>
recommend_snapshot(gateway_self self, const std::string& today);

/// Changes committed by one of this node's shard owners, in commit order:
/// to this node's recommend actor and to one region of every other node
/// serving shards, which hands them to that node's recommend actor (and no
/// further). Missing receivers are skipped: notices are fire-and-forget.
void spread_changes(gateway_self self, const std::vector<rec_change>& changes);

} // namespace lunch
