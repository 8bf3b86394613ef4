#pragma once

// Where shards should live (CAF-free). Every node computes the same answer
// from the same catalog view, so any of them may act on it; the catalog's
// lease epochs settle races.

#include <cstdint>
#include <string>
#include <vector>

namespace lunch {

struct placement_member {
  std::string name;
  /// False for a node that is leaving: it keeps nothing.
  bool accepting = true;
  std::vector<int32_t> allowed_shards; // empty: any
};

/// The desired owner of every shard ("" when no live node may own it).
///
/// Balanced: with S shards over M accepting nodes, r = S mod M nodes get
/// ⌈S/M⌉ and the others ⌊S/M⌋; the larger quotas go to the nodes that hold
/// the most already (ties by name), so as few shards as possible move.
/// A node keeps the shards it holds up to its quota (lowest shard ids
/// first); the others go, in shard order, to the allowed node furthest
/// below its quota (ties: fewer shards, then name). Stable: placing its
/// own output again changes nothing.
std::vector<std::string>
place_shards(int32_t shard_count, const std::vector<placement_member>& live,
             const std::vector<std::string>& current_owner);

/// The shards `me` should keep a standby connection for: those it owns (a
/// restarted owner takes it), and those placement would give it now (a
/// handoff toward it) or once their owner is lost (the orphans'
/// assignment). A standby elsewhere only
/// costs: every connection of a killed node is a PostgreSQL backend that
/// exits at once, on the CPU the takeover needs.
std::vector<bool> standby_shards(int32_t shard_count,
                                 const std::vector<placement_member>& live,
                                 const std::vector<std::string>& current_owner,
                                 const std::string& me);

/// True when `member` may own `shard` by its allowed list.
bool may_own(const placement_member& member, int32_t shard);

} // namespace lunch
