#pragma once

#include <chrono>
#include <cstdint>
#include <string>
#include <vector>

#include <caf/fwd.hpp>
#include <caf/timespan.hpp>

#include "messages/gateway_protocol.hpp"

namespace lunch {

struct gateway_settings {
  std::string node;
  std::string host;
  uint16_t port = 0;
  std::vector<std::string> shard_dsns;
  std::vector<int32_t> slot_table; // slot → shard, from the catalog
  caf::timespan timeout;
  caf::timespan passivate_after;
};

/// Spawns the node's gateway, which starts one region per shard. Stop it
/// with an exit message; its regions, owners and entities stop with it.
gateway_actor spawn_gateway(caf::actor_system& sys, gateway_settings settings);

} // namespace lunch
