#pragma once

// The job runner's state, shared by its behaviour (job_runner.cpp) and the
// kinds' steps (job_kinds.cpp).

#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <string>
#include <vector>

#include <caf/typed_event_based_actor.hpp>

#include "actors/jobs/job_db_actor.hpp"
#include "actors/jobs/job_runner.hpp"

namespace lunch {

// Private messages of the runner. Never leave the node.
using job_tick_atom = caf::atom_constant<caf::atom("job_tick")>;
using job_beat_atom = caf::atom_constant<caf::atom("job_beat")>;
using job_flush_atom = caf::atom_constant<caf::atom("job_flush")>;
using job_step_atom = caf::atom_constant<caf::atom("job_step")>;

using job_runner_actor
  = job_interface::extend<caf::reacts_to<job_tick_atom>,
                          caf::reacts_to<job_beat_atom>,
                          caf::reacts_to<job_flush_atom>,
                          caf::reacts_to<job_step_atom, int64_t, int64_t>>;

/// One job running here. `generation` tells this run from a later one of
/// the same job (after a hard limit), whose callbacks must not mix.
struct job_run {
  job_record job;
  int64_t generation = 0;
  std::chrono::steady_clock::time_point started;
  std::string stop; // why the run must stop at its next step, or ""
  bool stop_cancels = false;
  // notify: the recipients in a stable order, and the counts so far
  std::vector<std::string> users;
  int64_t success = 0;
  int64_t failures = 0;
  std::function<void()> resume; // the step `after` delays
};

struct job_runner_state {
  job_runner_settings cfg;
  std::string runner; // node name + a random token of this start
  job_db_actor db;
  std::map<int64_t, job_run> runs;
  std::vector<job_outcome> finished; // not yet written
  int64_t next_generation = 1;
  bool claiming = false;
  bool claim_again = false;
  bool flushing = false;
  static inline const char* name = "lunch.job_runner";
};

using runner_ptr = job_runner_actor::stateful_pointer<job_runner_state>;

/// The run of job `id` if it is still generation `gen`, else null.
job_run* run_of(runner_ptr self, int64_t id, int64_t gen);

/// Ends a run: succeeded with `result` (JSON).
void succeed(runner_ptr self, int64_t id, int64_t gen, std::string result);

/// Ends a run with an error: retried after a pause if the kind allows
/// another attempt, else failed.
void fail(runner_ptr self, int64_t id, int64_t gen, std::string error);

/// Records progress (and the partial result, JSON or ""), then calls
/// `next` to go on. A run that must end (cancelled, or past its soft limit)
/// ends there instead; a run taken from this runner (its lease lapsed) is
/// dropped silently.
void report(runner_ptr self, int64_t id, int64_t gen, int64_t current,
            int64_t total, std::string status, std::string partial,
            std::function<void()> next);

/// Runs `step` for the run after `delay` (if it is still this run).
void after(runner_ptr self, int64_t id, int64_t gen, caf::timespan delay,
           std::function<void()> step);

/// Starts the first step of a claimed job's kind (job_kinds.cpp).
void start_kind(runner_ptr self, int64_t id, int64_t gen);

} // namespace lunch
