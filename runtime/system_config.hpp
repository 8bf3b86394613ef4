#pragma once

#include <cstdint>

#include <caf/fwd.hpp>

namespace lunch::runtime {

/// BASP heartbeat settings. Nodes use the cluster's (node config); clients
/// beat often and give nodes a long time, so that a node never drops a
/// client and a client never gives up on a node before its own timeout.
struct heartbeats {
  int64_t interval_ms = 50;
  int64_t timeout_ms = 60000;
};

/// Prepares a CAF config for lunchd or lunchctl: loads the middleman,
/// registers every wire type under the same name (both sides must), the
/// error renderer, the heartbeats and the scheduler size (0 = one worker
/// per core).
void configure(caf::actor_system_config& cfg, int32_t threads,
               heartbeats hb = {});

} // namespace lunch::runtime
