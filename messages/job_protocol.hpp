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
//
// The job runner's database actor (node-local, never published; spawned by
// actors/jobs/job_db_actor.hpp), sent by the runner only:
//
//   (job_submit_atom, kind, args, max_attempts)        -> job_record
//   (job_submit_atom, kind, args, max_attempts, count) -> [first, last id]
//       the kind and arguments already checked
//   (job_status_atom | job_cancel_atom | job_list_atom | job_workers_atom
//    , ...) as above
//   (jdb_claim_atom, node, runner, limit)        -> [job_record]
//   (jdb_prog_atom, runner, id, current, total, status, partial_json)
//       -> int32: 0 running, 1 cancel asked, 2 no longer this runner's
//   (jdb_finish_atom, runner, [job_outcome])     -> bool
//   (jdb_beat_atom, runner)                      -> [ids asked to cancel]
//   (jdb_recov_atom, lease_ms)                   -> [ids back to pending]

#include <cstdint>
#include <string>
#include <vector>

#include <caf/allowed_unsafe_message_type.hpp>
#include <caf/atom.hpp>
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

// -- the job database actor (node-local) --------------------------------------

using jdb_claim_atom = caf::atom_constant<caf::atom("jdb_claim")>;
using jdb_prog_atom = caf::atom_constant<caf::atom("jdb_prog")>;
using jdb_finish_atom = caf::atom_constant<caf::atom("jdb_finish")>;
using jdb_beat_atom = caf::atom_constant<caf::atom("jdb_beat")>;
using jdb_recov_atom = caf::atom_constant<caf::atom("jdb_recov")>;

/// How a run ended. `retry_delay_ms` ≥ 0: back to pending after that long.
struct job_outcome {
  int64_t id = 0;
  std::string state; // succeeded, failed, cancelled
  std::string result;
  std::string error;
  int64_t retry_delay_ms = -1;
};

using job_db_actor = caf::typed_actor<
  caf::replies_to<job_submit_atom, std::string, std::string,
                  int32_t>::with<job_record>,
  caf::replies_to<job_submit_atom, std::string, std::string, int32_t,
                  int32_t>::with<std::vector<int64_t>>,
  caf::replies_to<job_status_atom, int64_t>::with<job_record>,
  caf::replies_to<job_cancel_atom, int64_t>::with<job_record>,
  caf::replies_to<job_list_atom, bool, int32_t>::with<std::vector<job_record>>,
  caf::replies_to<job_workers_atom>::with<std::vector<job_worker_stats>>,
  caf::replies_to<jdb_claim_atom, std::string, std::string,
                  int32_t>::with<std::vector<job_record>>,
  caf::replies_to<jdb_prog_atom, std::string, int64_t, int64_t, int64_t,
                  std::string, std::string>::with<int32_t>,
  caf::replies_to<jdb_finish_atom, std::string,
                  std::vector<job_outcome>>::with<bool>,
  caf::replies_to<jdb_beat_atom, std::string>::with<std::vector<int64_t>>,
  caf::replies_to<jdb_recov_atom, int64_t>::with<std::vector<int64_t>>>;

} // namespace lunch

// Node-local, never serialised.
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(lunch::job_outcome)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(std::vector<lunch::job_outcome>)
