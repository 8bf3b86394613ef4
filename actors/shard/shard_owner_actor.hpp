#pragma once

#include <cstdint>
#include <memory>
#include <string>

#include <caf/fwd.hpp>

#include "messages/shard_protocol.hpp"

namespace lunch {

class fault_injector;

struct shard_owner_settings {
  int32_t shard = 0;
  std::string dsn;
  std::shared_ptr<fault_injector> faults; // null unless debug is on
};

/// The owner's name in the supervision tree: "shard/2".
std::string shard_owner_name(int32_t shard);

/// Spawns the owner of one shard on its own thread (detached). It connects
/// as it starts and quits with `unavailable` when it cannot, or when its
/// connection breaks later (after failing every request it holds): its
/// supervisor restarts it with backoff. It is not linked to `parent`.
shard_owner_actor spawn_shard_owner(caf::local_actor* parent,
                                    shard_owner_settings settings);

} // namespace lunch
