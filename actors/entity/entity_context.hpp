#pragma once

#include <cstdint>
#include <memory>

#include <caf/actor_cast.hpp>
#include <caf/timespan.hpp>

#include "messages/region_protocol.hpp"
#include "runtime/node_directory.hpp"

namespace lunch {

class fault_injector;

/// What an entity actor needs from its surroundings, given at activation.
struct entity_context {
  int32_t shard = 0;
  int32_t shard_count = 1;
  shard_owner_actor owner; // lives as long as the entity's region
  region_actor region;
  std::shared_ptr<node_directory> directory;
  std::shared_ptr<fault_injector> faults; // null unless debug is on
  caf::timespan timeout;                  // for every request an entity makes
  caf::timespan passivate_after;          // idle time before it asks to stop

  /// The node's gateway now (it may have been restarted), or an invalid
  /// handle while it is restarting.
  router_actor gateway() const {
    return directory->gateway();
  }
};

} // namespace lunch
