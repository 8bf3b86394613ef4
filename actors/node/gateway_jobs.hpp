#pragma once

// The gateway's job and schedule commands (lunchctl job ..., schedule ...):
// handed to this node's job runner or scheduler, which answer them from the
// catalog (any node answers for the cluster). While they restart the
// commands fail with `unavailable`.

#include "actors/node/gateway_state.hpp"
#include "messages/errors.hpp"
#include "messages/job_protocol.hpp"
#include "messages/schedule_protocol.hpp"

namespace lunch {

/// This node's job runner, or an invalid handle while it restarts.
job_interface job_runner_of(gateway_self self);

/// The answer when there is no runner.
caf::error job_runner_restarting();

/// This node's scheduler, or an invalid handle while it restarts.
schedule_interface scheduler_of(gateway_self self);

/// Hands a schedule command to this node's scheduler, which answers from
/// the catalog.
template <class T, class... Ts>
caf::result<T> to_scheduler(gateway_self self, const Ts&... xs) {
  if (auto sched = scheduler_of(self))
    return self->delegate(sched, xs...);
  return make_error(errc::unavailable, "the scheduler is restarting");
}

/// Hands a job command to this node's runner, which answers the client.
template <class T, class... Ts>
caf::result<T> to_job_runner(gateway_self self, const Ts&... xs) {
  if (auto runner = job_runner_of(self))
    return self->delegate(runner, xs...);
  return job_runner_restarting();
}

} // namespace lunch
