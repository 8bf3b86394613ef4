#pragma once

// The cluster's scheduler (actors/scheduler/scheduler_actor.hpp), answered
// by every node's scheduler from the catalog (any node answers for the
// cluster; the gateway passes these on):
//
//   (sch_list_atom)        -> schedule_table: every schedule with its next
//       and last run in the scheduler's time zone, and the node whose
//       scheduler is active
//   (sch_trig_atom, name)  -> job_record: that schedule's job submitted now
//       (a manual run; the slots are untouched) | not_found

#include <cstdint>
#include <string>
#include <vector>

#include <caf/atom.hpp>
#include <caf/meta/type_name.hpp>
#include <caf/replies_to.hpp>
#include <caf/typed_actor.hpp>

#include "messages/job_inspect.hpp"

namespace lunch {

using sch_list_atom = caf::atom_constant<caf::atom("sch_list")>;
using sch_trig_atom = caf::atom_constant<caf::atom("sch_trig")>;

/// One schedule as `lunchctl schedule list` shows it. Times are wall times
/// in the scheduler's zone ("2026-11-22 00:00:00 KST"), "" for never.
struct schedule_view {
  std::string name;
  std::string kind;
  std::string args;      // JSON object text
  std::string when;      // "every day 00:00", "sun 02:00"
  std::string next_run;  // the next slot
  std::string last_slot; // the last slot fired
  int64_t last_job = 0;  // the job that slot submitted (0: none)
  std::string last_run;  // the last submission, slot or manual
  int64_t last_run_job = 0;
  int64_t fired = 0;  // slots fired so far
  int64_t manual = 0; // manual runs (schedule trigger)
};

struct schedule_table {
  std::string timezone;
  std::string owner;         // the node whose scheduler holds the lease
  int64_t lease_left_ms = 0; // until it expires unless renewed (<0: expired)
  std::vector<schedule_view> schedules;
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, schedule_view& x) {
  return f(caf::meta::type_name("lunch::schedule_view"), x.name, x.kind, x.args,
           x.when, x.next_run, x.last_slot, x.last_job, x.last_run,
           x.last_run_job, x.fired, x.manual);
}

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, schedule_table& x) {
  return f(caf::meta::type_name("lunch::schedule_table"), x.timezone, x.owner,
           x.lease_left_ms, x.schedules);
}

using schedule_interface = caf::typed_actor<
  caf::replies_to<sch_list_atom>::with<schedule_table>,
  caf::replies_to<sch_trig_atom, std::string>::with<job_record>>;

/// The node's scheduler, in the directory under this name.

} // namespace lunch
