#pragma once

// Background jobs (spec §5), answered by every node's gateway from the
// catalog (actors/jobs/job_runner.hpp runs them):
//
//   (job_submit_atom, kind, args_json)  -> job_record (pending)
//       | invalid_argument (unknown kind, bad arguments)
//   (job_submit_atom, kind, args_json, count) -> [first id, last id]
//       `count` identical jobs in one insert (the dispatch benchmark)
//   (job_status_atom, id)               -> job_record | not_found
//   (job_cancel_atom, id)               -> job_record: a pending job is
//       cancelled at once, a running one at its next step
//   (job_list_atom, active_only, limit) -> [job_record] newest first
//   (job_workers_atom)                  -> [job_worker_stats] per node

#include <cstdint>
#include <string>
#include <vector>

#include <caf/replies_to.hpp>
#include <caf/typed_actor.hpp>

#include "messages/atoms.hpp"
#include "messages/job_inspect.hpp"

namespace lunch {

using job_interface = caf::typed_actor<
  caf::replies_to<job_submit_atom, std::string, std::string>::with<job_record>,
  caf::replies_to<job_submit_atom, std::string, std::string,
                  int32_t>::with<std::vector<int64_t>>,
  caf::replies_to<job_status_atom, int64_t>::with<job_record>,
  caf::replies_to<job_cancel_atom, int64_t>::with<job_record>,
  caf::replies_to<job_list_atom, bool, int32_t>::with<std::vector<job_record>>,
  caf::replies_to<job_workers_atom>::with<std::vector<job_worker_stats>>>;

/// The node's job runner, in the directory under this name.

} // namespace lunch
