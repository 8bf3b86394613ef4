#pragma once

// The cluster's scheduler (the old Celery beat): one per node ("scheduler",
// a child of node), at most one of them active. Each looks at the clock
// every `tick` (and at each slot) and, in one catalog transaction, takes or
// renews the scheduler lease and — only while it holds it — submits the job
// of every schedule whose slot has come (schedule_store.hpp). The lease
// passes to another node when its holder's node is marked down, when it
// stops renewing for `lease_ms`, or at once when the holder stops cleanly.
// The active scheduler also drives the continuous refresh of the cached
// recommendations: a batch on every node every `cache_refresh` (through
// this node's gateway).
//
// A detached actor with its own catalog connection. Answers
// schedule_interface (messages/schedule_protocol.hpp) for the gateway.

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include <caf/fwd.hpp>
#include <caf/timespan.hpp>

#include "actors/jobs/job_rules.hpp"
#include "actors/scheduler/schedule_rules.hpp"
#include "messages/schedule_protocol.hpp"

namespace lunch {

class node_directory;

struct scheduler_settings {
  std::string node;
  std::string catalog; // DSN: the scheduler opens its own connection
  std::string timezone;
  std::vector<sched::schedule_spec> schedules;
  caf::timespan tick;
  int64_t lease_ms = 3000;
  caf::timespan timeout;       // of the requests it makes
  caf::timespan cache_refresh; // zero: no refresh
  int32_t cache_refresh_batch = 256;
  jobs::policies policies;                   // the jobs' attempts
  std::shared_ptr<node_directory> directory; // "gateway"
};

/// Spawns the node's scheduler, linked to `parent`.
caf::actor spawn_scheduler(caf::local_actor* parent,
                           scheduler_settings settings);

} // namespace lunch
