#include "actors/scheduler/schedule_schema.hpp"

namespace lunch::sched {

std::vector<db::migration> catalog_schema() {
  return {
    // 4: the scheduler (the old Celery beat). One lease row: the scheduler
    // that holds it fires the schedules, in the transaction that renews it.
    // `schedules` keeps each schedule's last fired slot (a restart or a
    // takeover goes on from it); `schedule_runs` records every submission,
    // at most one per (schedule, slot).
    {4,
     [](pqxx::work& tx) {
       tx.exec(R"(CREATE TABLE scheduler_lease (
      id boolean PRIMARY KEY DEFAULT true CHECK (id),
      owner text NOT NULL DEFAULT '',
      token text NOT NULL DEFAULT '',
      expires_at timestamptz NOT NULL DEFAULT now(),
      taken_at timestamptz NOT NULL DEFAULT now()))");
       tx.exec("INSERT INTO scheduler_lease DEFAULT VALUES");
       tx.exec(R"(CREATE TABLE schedules (
      name text PRIMARY KEY,
      last_slot timestamptz NOT NULL,
      last_job bigint,
      created_at timestamptz NOT NULL DEFAULT now()))");
       tx.exec(R"(CREATE TABLE schedule_runs (
      id bigserial PRIMARY KEY,
      schedule text NOT NULL,
      slot timestamptz NOT NULL,
      manual boolean NOT NULL,
      job_id bigint NOT NULL,
      fired_by text NOT NULL,
      fired_at timestamptz NOT NULL DEFAULT now()))");
       tx.exec("CREATE UNIQUE INDEX schedule_runs_slot"
               " ON schedule_runs (schedule, slot) WHERE NOT manual");
     }},
  };
}

} // namespace lunch::sched
