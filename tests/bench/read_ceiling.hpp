#pragma once

// The ceiling of writes.sh's cached reads: a bare CAF 0.17 remote
// request/response loop. `lunchbench --serve-echo` publishes an actor
// that answers `usr_get` at once with a bench user's view (the same
// messages, so the same serialisation, as a cached read), and the same
// client drives it with the same window as the node's reads. What a read
// through the node costs beyond that is the gateway, the region and the
// entity.

#include <cstdint>
#include <functional>
#include <string>

#include <caf/replies_to.hpp>
#include <caf/typed_actor.hpp>

#include "messages/gateway_protocol.hpp"

namespace lunch::bench {

/// What the reads need of their target: the node's gateway, or the echo.
using read_target
  = caf::typed_actor<caf::replies_to<usr_get_atom, user_key>::with<user_view>>;

/// Publishes the echo at host:port (0: any free port), prints
/// "ready PORT" on stdout and serves until SIGINT or SIGTERM. `view_of`
/// makes the answer. Returns the exit code.
int serve_echo(const std::string& host, uint16_t port, int32_t threads,
               std::function<user_view(const user_key&)> view_of);

} // namespace lunch::bench
