#include "actors/jobs/job_schema.hpp"

namespace lunch::jobs {

std::vector<db::migration> catalog_schema() {
  return {
    // 3: background jobs (spec §5). A node claims pending jobs with SKIP
    // LOCKED; `runner` is the claiming process (node name + a random token
    // per start), so a restarted node never mistakes its predecessor's jobs
    // for its own. A running job whose runner stopped beating, or whose node
    // the cluster marked down, goes back to pending.
    {3,
     [](pqxx::work& tx) {
       tx.exec(R"(CREATE TABLE jobs (
      id bigserial PRIMARY KEY,
      kind text NOT NULL,
      args json NOT NULL DEFAULT '{}',
      state text NOT NULL DEFAULT 'pending' CHECK (state IN
        ('pending', 'running', 'succeeded', 'failed', 'cancelled')),
      progress_current bigint NOT NULL DEFAULT 0,
      progress_total bigint NOT NULL DEFAULT 0,
      status text NOT NULL DEFAULT '',
      result json,
      error text NOT NULL DEFAULT '',
      attempts integer NOT NULL DEFAULT 0,
      max_attempts integer NOT NULL DEFAULT 1,
      owner text NOT NULL DEFAULT '',
      runner text NOT NULL DEFAULT '',
      cancel_requested boolean NOT NULL DEFAULT false,
      not_before timestamptz NOT NULL DEFAULT now(),
      submitted_at timestamptz NOT NULL DEFAULT now(),
      started_at timestamptz,
      heartbeat_at timestamptz,
      finished_at timestamptz))");
       tx.exec(
         "CREATE INDEX jobs_pending ON jobs (id) WHERE state = 'pending'");
       tx.exec(
         "CREATE INDEX jobs_running ON jobs (runner) WHERE state = 'running'");
     }},
  };
}

} // namespace lunch::jobs
