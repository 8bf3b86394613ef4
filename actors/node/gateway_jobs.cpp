#include "actors/node/gateway_jobs.hpp"

#include "messages/errors.hpp"
#include "runtime/node_directory.hpp"

namespace lunch {

job_interface job_runner_of(gateway_self self) {
  return self->state.settings.directory->job_runner();
}

schedule_interface scheduler_of(gateway_self self) {
  return self->state.settings.directory->scheduler();
}

caf::error job_runner_restarting() {
  return make_error(errc::unavailable, "the job runner is restarting");
}

} // namespace lunch
