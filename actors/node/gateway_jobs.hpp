#pragma once

// The gateway's job commands (lunchctl job ...): handed to this node's job
// runner, which answers them from the catalog (any node answers for every
// job). While the runner restarts they fail with `unavailable`.

#include "actors/node/gateway_state.hpp"
#include "messages/job_protocol.hpp"

namespace lunch {

/// This node's job runner, or an invalid handle while it restarts.
job_interface job_runner_of(gateway_self self);

/// The answer when there is no runner.
caf::error job_runner_restarting();

/// Hands a job command to this node's runner, which answers the client.
template <class T, class... Ts>
caf::result<T> to_job_runner(gateway_self self, const Ts&... xs) {
  if (auto runner = job_runner_of(self))
    return self->delegate(runner, xs...);
  return job_runner_restarting();
}

} // namespace lunch
