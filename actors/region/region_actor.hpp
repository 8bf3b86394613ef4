#pragma once

#include <cstdint>
#include <string>

#include <caf/fwd.hpp>
#include <caf/timespan.hpp>

#include "messages/entity_protocol.hpp"
#include "messages/gateway_protocol.hpp"

namespace lunch {

struct region_settings {
  int32_t shard = 0;
  int32_t shard_count = 1;
  std::string dsn;
  caf::timespan timeout;
  caf::timespan passivate_after;
};

/// Spawns the region of one shard, linked to `parent` (the gateway): it
/// starts and restarts the shard owner and activates entities on demand.
region_actor spawn_region(caf::local_actor* parent, region_settings settings,
                          gateway_actor gateway);

} // namespace lunch
