#pragma once

// Serialisation of the job records for CAF (registered in
// runtime/system_config.cpp).

#include <caf/meta/type_name.hpp>

#include "messages/job_model.hpp"

namespace lunch {

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, job_record& x) {
  return f(caf::meta::type_name("lunch::job_record"), x.id, x.kind, x.args,
           x.state, x.current, x.total, x.status, x.result, x.error, x.attempts,
           x.max_attempts, x.owner, x.submitted_at, x.started_at, x.finished_at,
           x.cancel_requested);
}

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, job_worker_stats& x) {
  return f(caf::meta::type_name("lunch::job_worker_stats"), x.node, x.running,
           x.done, x.failed);
}

} // namespace lunch
