#pragma once

// Database preparation at node start-up, shared by lunchd and the
// in-process integration tests. The actor tree: actors/node/node_root.hpp.

#include <cstdint>
#include <vector>

#include "config/node_config.hpp"

namespace lunch {

/// Connects to the catalog and to every shard, migrates their schemas (each
/// store's versions, kept beside the store) and returns the slot table. Throws
/// config::config_error with one line that names the config field, e.g.
/// "shards[2]: cannot connect: ...".
std::vector<int32_t> prepare_databases(const config::node_config& cfg);

} // namespace lunch
