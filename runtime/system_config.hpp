#pragma once

#include <cstdint>

#include <caf/fwd.hpp>

namespace lunch::runtime {

/// BASP heartbeat settings. Nodes use the cluster's (node config). Clients
/// beat often, so that a node does not drop them, and never drop a node
/// themselves (timeout 0): their requests have timeouts, and CAF 0.17
/// counts a connection it opened as silent since the clock's epoch until
/// the node's handshake arrives, so the first check in that window drops
/// it (seen as `cannot reach node: connection_timeout`).
struct heartbeats {
  int64_t interval_ms = 50;
  int64_t timeout_ms = 0;
};

/// Prepares a CAF config for lunchd or lunchctl: loads the middleman,
/// registers every wire type under the same name (both sides must), the
/// error renderer, the heartbeats and the scheduler size (0 = one worker
/// per core).
void configure(caf::actor_system_config& cfg, int32_t threads,
               heartbeats hb = {});

} // namespace lunch::runtime
