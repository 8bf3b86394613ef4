#pragma once

// The gateway's fault-injection commands (lunchctl debug ...), refused with
// `forbidden` unless the node config has "debug": {"fault_injection": true}.

#include <string>
#include <vector>

#include <caf/all.hpp>

#include "actors/node/gateway_state.hpp"

namespace lunch {

/// Makes the actor named `path` throw: "shard/2", "entities/2", "user/ID",
/// "party/ID", "shards/2", "shards", "gateway", "cluster". With
/// `every_message`, the shard owner or entity throws on every message
/// until healed.
caf::result<std::string> debug_crash(gateway_self self, const std::string& path,
                                     bool every_message);

caf::result<bool> debug_heal(gateway_self self, const std::string& path);

caf::result<std::vector<tree_line>> debug_tree(gateway_self self);

} // namespace lunch
