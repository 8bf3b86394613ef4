#pragma once

// The SQL of the scheduler: its lease and the schedules' slots in the
// catalog (schedule_schema.cpp: catalog version 4). Every function runs in
// the caller's transaction.

#include <cstdint>
#include <string>
#include <vector>

#include <pqxx/transaction_base>

#include "actors/jobs/job_rules.hpp"
#include "actors/scheduler/schedule_rules.hpp"
#include "messages/schedule_protocol.hpp"

namespace lunch::sched {

struct lease_outcome {
  bool held = false;    // this scheduler is the active one
  bool taken = false;   // … and became so in this transaction
  std::string owner;    // the holder (this node when held)
  std::string previous; // the holder before a takeover
};

/// Takes or renews the lease for this scheduler (`token`, on `node`) and
/// keeps it locked until the transaction ends. Taken when it is free,
/// expired, held by a node the cluster lists as down or left, or by an
/// earlier scheduler of this node (which is gone).
lease_outcome hold_lease(pqxx::transaction_base& tx, const std::string& node,
                         const std::string& token, int64_t lease_ms);

/// Gives the lease up (a clean stop): another node takes it at once.
void release_lease(pqxx::transaction_base& tx, const std::string& token);

struct fired_slot {
  std::string schedule;
  seconds_t slot;
  int64_t job = 0;
};

/// Fires every schedule whose latest slot at `now` is later than its last
/// fired one: submits its job, records the slot. A schedule seen for the
/// first time starts from `now` (its past slots are not fired). Call with
/// the lease held in this transaction.
std::vector<fired_slot>
fire_due(pqxx::transaction_base& tx, const std::vector<schedule_spec>& specs,
         const date::time_zone* zone, seconds_t now, const std::string& node,
         const jobs::policies& policies);

/// Submits a schedule's job now (a manual run); its slots are untouched.
job_record trigger(pqxx::transaction_base& tx, const schedule_spec& spec,
                   const std::string& node, const jobs::policies& policies);

/// Every schedule with its next and last run, and the lease holder.
schedule_table
table(pqxx::transaction_base& tx, const std::vector<schedule_spec>& specs,
      const std::string& zone_name, const date::time_zone* zone, seconds_t now);

} // namespace lunch::sched
