#pragma once

#include <cstdint>
#include <memory>
#include <string>

#include <caf/fwd.hpp>
#include <caf/timespan.hpp>

#include "messages/region_protocol.hpp"
#include "runtime/supervision_policy.hpp"

namespace lunch {

class node_directory;
class fault_injector;

struct region_settings {
  int32_t shard = 0;
  int32_t shard_count = 1;
  caf::timespan timeout;
  caf::timespan passivate_after;
  /// More entity crashes than this and the region gives up (escalates).
  supervision::intensity entity_intensity;
  std::shared_ptr<node_directory> directory;
  std::shared_ptr<fault_injector> faults; // null unless debug is on
};

/// Spawns the entity region of one shard: the supervisor of its user and
/// party entities, which it activates on demand (the next message for a
/// key starts a crashed or passivated entity again, loading from the
/// database) and counts the crashes of against its intensity. It lives as
/// long as `owner`: its shard supervisor restarts both together.
region_actor spawn_region(caf::local_actor* parent, region_settings settings,
                          shard_owner_actor owner);

} // namespace lunch
