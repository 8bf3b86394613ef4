#pragma once

#include <cstdint>
#include <string>

#include <caf/fwd.hpp>

#include "messages/shard_protocol.hpp"

namespace lunch {

/// Spawns the owner of shard `shard` on its own thread (detached), linked to
/// `parent`. It connects lazily and reconnects by itself: while the
/// database is down, requests fail at once with `unavailable`.
shard_owner_actor spawn_shard_owner(caf::local_actor* parent, int32_t shard,
                                    std::string dsn);

} // namespace lunch
