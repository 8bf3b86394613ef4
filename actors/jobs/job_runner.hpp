#pragma once

// The node's job runner ("jobs", a child of node): claims pending jobs
// from the catalog (any node may take any job), runs up to `workers` of
// them at once as message-driven steps through the gateway, records their
// progress, and finishes, retries (the kind's policy, with backoff) or
// cancels them. It beats for the jobs it runs every second; a job whose
// runner stops beating for `lease_ms`, or whose node the cluster marks
// down, goes back to pending and is resumed by whichever node claims it
// next (each kind's steps are idempotent: notify deduplicates per job and
// user). Time limits are checked with each beat (to within a second):
// past the soft limit the run stops at its next step and fails; past the
// hard limit it is abandoned and fails.
//
// Answers job_interface (messages/job_protocol.hpp) for the gateway.

#include <cstdint>
#include <memory>
#include <string>

#include <caf/fwd.hpp>
#include <caf/timespan.hpp>

#include "actors/jobs/job_rules.hpp"
#include "messages/job_protocol.hpp"

namespace lunch {

class node_directory;

struct job_runner_settings {
  std::string node;
  std::string catalog;     // DSN: the runner opens its own connection
  int32_t workers = 256;   // jobs run at once on this node
  caf::timespan poll;      // looks for pending jobs this often
  caf::timespan lease;     // a runner silent this long lost its jobs
  caf::timespan timeout;   // of every request a step makes
  jobs::policies policies; // every kind's limits and retries
  std::shared_ptr<node_directory> directory; // "gateway"
};

/// Spawns the runner and its database actor (linked to it).
caf::actor spawn_job_runner(caf::local_actor* parent,
                            job_runner_settings settings);

} // namespace lunch
