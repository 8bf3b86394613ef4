#include "actors/scheduler/schedule_store.hpp"

#include <map>

#include <pqxx/result>
#include <pqxx/row>

#include "actors/jobs/job_store.hpp"
#include "runtime/db/map_error.hpp"

namespace lunch::sched {

namespace {

// The job of a schedule, its arguments checked again (they were when the
// config was read; defaults such as today's date are filled in now).
job_record submit_job(pqxx::transaction_base& tx, const schedule_spec& spec,
                      const jobs::policies& policies) {
  std::string args;
  if (auto r = jobs::normalize_args(spec.kind, spec.args, args); !r.ok())
    throw db::domain_error(r.code, "schedule " + spec.name + ": " + r.message);
  auto ids = jobs::submit(tx, spec.kind, args,
                          policies.at(spec.kind).max_attempts, 1);
  return jobs::get(tx, ids.first);
}

void record_run(pqxx::transaction_base& tx, const std::string& schedule,
                seconds_t slot, bool manual, int64_t job,
                const std::string& node) {
  tx.exec_params("INSERT INTO schedule_runs"
                 " (schedule, slot, manual, job_id, fired_by)"
                 " VALUES ($1, to_timestamp($2), $3, $4, $5)",
                 schedule, to_epoch(slot), manual, job, node);
}

} // namespace

lease_outcome hold_lease(pqxx::transaction_base& tx, const std::string& node,
                         const std::string& token, int64_t lease_ms) {
  // A holder paused in this transaction (SIGSTOP, a VM stall) would keep
  // the row locked: the server ends its session after the lease's time.
  tx.exec("SET LOCAL idle_in_transaction_session_timeout = "
          + std::to_string(lease_ms));
  auto r = tx.exec1(
    "SELECT l.owner, l.token, l.expires_at > now(),"
    " coalesce((SELECT n.state IN ('down', 'left') FROM cluster_nodes n"
    "           WHERE n.name = l.owner), false)"
    " FROM scheduler_lease l FOR UPDATE");
  lease_outcome out;
  auto owner = r[0].as<std::string>();
  auto holder = r[1].as<std::string>();
  bool live = r[2].as<bool>();
  bool owner_gone = r[3].as<bool>();
  bool mine = holder == token;
  bool free = owner.empty() || !live || owner_gone
              || (owner == node && !mine); // this node's former scheduler
  if (!mine && !free) {
    out.owner = owner;
    return out;
  }
  tx.exec_params(
    "UPDATE scheduler_lease SET owner = $1, token = $2,"
    " expires_at = now() + $3 * interval '1 millisecond',"
    " taken_at = CASE WHEN token = $2 THEN taken_at ELSE now() END",
    node, token, lease_ms);
  out.held = true;
  out.taken = !mine;
  out.owner = node;
  out.previous = owner;
  if (out.taken)
    tx.exec_params("INSERT INTO cluster_events (node, kind, detail)"
                   " VALUES ($1, 'scheduler.acquired', $2)",
                   node,
                   owner.empty() ? std::string{"lease taken"}
                                 : "lease taken from " + owner);
  return out;
}

void release_lease(pqxx::transaction_base& tx, const std::string& token) {
  tx.exec_params("UPDATE scheduler_lease SET owner = '', token = '',"
                 " expires_at = now() WHERE token = $1",
                 token);
}

std::vector<fired_slot>
fire_due(pqxx::transaction_base& tx, const std::vector<schedule_spec>& specs,
         const date::time_zone* zone, seconds_t now, const std::string& node,
         const jobs::policies& policies) {
  std::map<std::string, seconds_t> last;
  for (const auto& r :
       tx.exec("SELECT name, extract(epoch FROM last_slot)::bigint"
               " FROM schedules"))
    last.emplace(r[0].as<std::string>(), from_epoch(r[1].as<int64_t>()));
  std::vector<fired_slot> fired;
  for (const auto& spec : specs) {
    auto it = last.find(spec.name);
    if (it == last.end()) {
      // New: starts now. Its latest past slot counts as fired, so a
      // cluster's first start does not run yesterday's work.
      auto base = latest_slot(spec, zone, now).value_or(now);
      tx.exec_params("INSERT INTO schedules (name, last_slot)"
                     " VALUES ($1, to_timestamp($2))",
                     spec.name, to_epoch(base));
      continue;
    }
    auto slot = due_slot(spec, zone, it->second, now);
    if (!slot)
      continue;
    auto job = submit_job(tx, spec, policies);
    // The unique (schedule, slot) index makes a second firing of a slot
    // fail the whole transaction, job included: never twice.
    record_run(tx, spec.name, *slot, false, job.id, node);
    tx.exec_params("UPDATE schedules SET last_slot = to_timestamp($2),"
                   " last_job = $3 WHERE name = $1",
                   spec.name, to_epoch(*slot), job.id);
    fired.push_back({spec.name, *slot, job.id});
  }
  return fired;
}

job_record trigger(pqxx::transaction_base& tx, const schedule_spec& spec,
                   const std::string& node, const jobs::policies& policies) {
  auto job = submit_job(tx, spec, policies);
  auto now = tx.exec1("SELECT extract(epoch FROM now())::bigint");
  record_run(tx, spec.name, from_epoch(now[0].as<int64_t>()), true, job.id,
             node);
  return job;
}

schedule_table table(pqxx::transaction_base& tx,
                     const std::vector<schedule_spec>& specs,
                     const std::string& zone_name, const date::time_zone* zone,
                     seconds_t now) {
  schedule_table out;
  out.timezone = zone_name;
  auto lease = tx.exec1("SELECT owner, (extract(epoch FROM expires_at - now())"
                        " * 1000)::bigint FROM scheduler_lease");
  out.owner = lease[0].as<std::string>();
  out.lease_left_ms = lease[1].as<int64_t>();
  if (out.lease_left_ms < 0)
    out.owner.clear(); // expired: nobody is active right now
  struct row {
    int64_t last_slot = 0;
    int64_t last_job = 0;
    int64_t fired = 0;
    int64_t manual = 0;
    int64_t last_run = 0;
    int64_t last_run_job = 0;
  };
  std::map<std::string, row> rows;
  for (const auto& r :
       tx.exec("SELECT s.name, extract(epoch FROM s.last_slot)::bigint,"
               " coalesce(s.last_job, 0),"
               " (SELECT count(*) FROM schedule_runs r"
               "   WHERE r.schedule = s.name AND NOT r.manual),"
               " (SELECT count(*) FROM schedule_runs r"
               "   WHERE r.schedule = s.name AND r.manual),"
               " coalesce((SELECT extract(epoch FROM r.fired_at)::bigint"
               "   FROM schedule_runs r WHERE r.schedule = s.name"
               "   ORDER BY r.id DESC LIMIT 1), 0),"
               " coalesce((SELECT r.job_id FROM schedule_runs r"
               "   WHERE r.schedule = s.name ORDER BY r.id DESC LIMIT 1), 0)"
               " FROM schedules s"))
    rows[r[0].as<std::string>()] = row{r[1].as<int64_t>(), r[2].as<int64_t>(),
                                       r[3].as<int64_t>(), r[4].as<int64_t>(),
                                       r[5].as<int64_t>(), r[6].as<int64_t>()};
  for (const auto& spec : specs) {
    schedule_view v;
    v.name = spec.name;
    v.kind = spec.kind;
    v.args = spec.args;
    v.when = describe(spec);
    if (auto next = next_slot(spec, zone, now))
      v.next_run = format_local(*next, zone);
    if (auto it = rows.find(spec.name); it != rows.end()) {
      auto& r = it->second;
      // A baseline (the start of a new schedule) is no run.
      if (r.fired > 0) {
        v.last_slot = format_local(from_epoch(r.last_slot), zone);
        v.last_job = r.last_job;
      }
      if (r.last_run_job != 0) {
        v.last_run = format_local(from_epoch(r.last_run), zone);
        v.last_run_job = r.last_run_job;
      }
      v.fired = r.fired;
      v.manual = r.manual;
    }
    out.schedules.push_back(std::move(v));
  }
  return out;
}

} // namespace lunch::sched
