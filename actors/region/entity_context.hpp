#pragma once

#include <cstdint>

#include <caf/timespan.hpp>

#include "messages/entity_protocol.hpp"
#include "messages/gateway_protocol.hpp"

namespace lunch {

/// What an entity actor needs from its surroundings, given at activation.
struct entity_context {
  int32_t shard = 0;
  int32_t shard_count = 1;
  shard_owner_actor owner;
  gateway_actor gateway;
  region_actor region;
  caf::timespan timeout;         // for every request an entity makes
  caf::timespan passivate_after; // idle time before it asks to stop
};

} // namespace lunch
