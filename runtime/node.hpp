#pragma once

// Start-up and shutdown of a node, shared by lunchd and the in-process
// integration tests.

#include <cstdint>
#include <vector>

#include <caf/fwd.hpp>

#include "actors/node/gateway_actor.hpp"
#include "config/node_config.hpp"

namespace lunch::runtime {

/// Connects to the catalog and to every shard, migrates their schemas and
/// returns the slot table. Throws config::config_error with one line that
/// names the config field, e.g. "shards[2]: cannot connect: ...".
std::vector<int32_t> prepare_databases(const config::node_config& cfg);

/// The gateway's settings for a node config and its slot table.
gateway_settings make_gateway_settings(const config::node_config& cfg,
                                       std::vector<int32_t> slot_table);

/// Stops a gateway and waits until it and all its children are gone.
void stop_gateway(caf::actor_system& sys, const gateway_actor& gateway);

} // namespace lunch::runtime
