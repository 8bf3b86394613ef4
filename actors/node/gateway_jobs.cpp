#include "actors/node/gateway_jobs.hpp"

#include "messages/errors.hpp"
#include "runtime/actor_directory.hpp"

namespace lunch {

job_interface job_runner_of(gateway_self self) {
  return caf::actor_cast<job_interface>(
    self->state.settings.directory->get(job_runner_name));
}

schedule_interface scheduler_of(gateway_self self) {
  return caf::actor_cast<schedule_interface>(
    self->state.settings.directory->get(scheduler_name));
}

caf::error job_runner_restarting() {
  return make_error(errc::unavailable, "the job runner is restarting");
}

} // namespace lunch
