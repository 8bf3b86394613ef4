#include "actors/jobs/job_store.hpp"

#include <nlohmann/json.hpp>
#include <pqxx/result>
#include <pqxx/row>

#include "runtime/db/map_error.hpp"

namespace lunch::jobs {

namespace {

const char* columns
  = "id, kind, args::text, state, progress_current, progress_total, status,"
    " coalesce(result::text, ''), error, attempts, max_attempts, owner,"
    " to_char(submitted_at AT TIME ZONE 'UTC',"
    "         'YYYY-MM-DD\"T\"HH24:MI:SS.MS\"Z\"'),"
    " coalesce(to_char(started_at AT TIME ZONE 'UTC',"
    "         'YYYY-MM-DD\"T\"HH24:MI:SS.MS\"Z\"'), ''),"
    " coalesce(to_char(finished_at AT TIME ZONE 'UTC',"
    "         'YYYY-MM-DD\"T\"HH24:MI:SS.MS\"Z\"'), ''),"
    " cancel_requested";

job_record read_job(const pqxx::row& r) {
  job_record j;
  j.id = r[0].as<int64_t>();
  j.kind = r[1].as<std::string>();
  j.args = r[2].as<std::string>();
  j.state = r[3].as<std::string>();
  j.current = r[4].as<int64_t>();
  j.total = r[5].as<int64_t>();
  j.status = r[6].as<std::string>();
  j.result = r[7].as<std::string>();
  j.error = r[8].as<std::string>();
  j.attempts = r[9].as<int32_t>();
  j.max_attempts = r[10].as<int32_t>();
  j.owner = r[11].as<std::string>();
  j.submitted_at = r[12].as<std::string>();
  j.started_at = r[13].as<std::string>();
  j.finished_at = r[14].as<std::string>();
  j.cancel_requested = r[15].as<bool>();
  return j;
}

std::vector<job_record> read_jobs(const pqxx::result& rows) {
  std::vector<job_record> out;
  for (const auto& r : rows)
    out.push_back(read_job(r));
  return out;
}

db::domain_error no_job(int64_t id) {
  return db::domain_error(errc::not_found,
                          "job " + std::to_string(id) + " not found");
}

} // namespace

std::pair<int64_t, int64_t>
submit(pqxx::transaction_base& tx, const std::string& kind,
       const std::string& args, int32_t max_attempts, int32_t count) {
  auto r = tx.exec_params1(
    "WITH j AS (INSERT INTO jobs (kind, args, max_attempts)"
    " SELECT $1, $2::json, $3 FROM generate_series(1, $4) RETURNING id)"
    " SELECT min(id), max(id) FROM j",
    kind, args, max_attempts, count);
  return {r[0].as<int64_t>(), r[1].as<int64_t>()};
}

job_record get(pqxx::transaction_base& tx, int64_t id) {
  auto rows = tx.exec_params(
    std::string{"SELECT "} + columns + " FROM jobs WHERE id = $1", id);
  if (rows.empty())
    throw no_job(id);
  return read_job(rows[0]);
}

std::vector<job_record> list(pqxx::transaction_base& tx, bool active,
                             int32_t limit) {
  return read_jobs(
    tx.exec_params(std::string{"SELECT "} + columns + " FROM jobs"
                     + (active ? " WHERE state IN ('pending', 'running')" : "")
                     + " ORDER BY id DESC LIMIT $1",
                   limit));
}

std::vector<job_worker_stats> workers(pqxx::transaction_base& tx) {
  std::vector<job_worker_stats> out;
  for (const auto& r :
       tx.exec("SELECT owner, count(*) FILTER (WHERE state = 'running'),"
               " count(*) FILTER (WHERE state = 'succeeded'),"
               " count(*) FILTER (WHERE state IN ('failed', 'cancelled'))"
               " FROM jobs WHERE owner <> '' GROUP BY owner ORDER BY owner"))
    out.push_back({r[0].as<std::string>(), r[1].as<int64_t>(),
                   r[2].as<int64_t>(), r[3].as<int64_t>()});
  return out;
}

std::vector<job_record> claim(pqxx::transaction_base& tx,
                              const std::string& node,
                              const std::string& runner, int32_t limit) {
  // Walk the pending index in id order and stop at `limit`. Left to its
  // statistics, which lag behind a bulk submit (autoanalyze runs at most
  // once a minute), the planner believes few rows are pending and fetches
  // and sorts them all: 33 ms instead of 2 for 256 of 100 000.
  tx.exec("SET LOCAL enable_sort = off");
  return read_jobs(tx.exec_params(
    std::string{"UPDATE jobs SET state = 'running', owner = $1, runner = $2,"
                " attempts = attempts + 1,"
                " started_at = coalesce(started_at, now()),"
                " heartbeat_at = now()"
                " WHERE id IN (SELECT id FROM jobs WHERE state = 'pending'"
                "   AND not_before <= now() ORDER BY id LIMIT $3"
                "   FOR UPDATE SKIP LOCKED) RETURNING "}
      + columns,
    node, runner, limit));
}

bool progress(pqxx::transaction_base& tx, const std::string& runner, int64_t id,
              int64_t current, int64_t total, const std::string& status,
              const std::string& partial, bool& held) {
  auto rows = tx.exec_params(
    "UPDATE jobs SET progress_current = $3, progress_total = $4,"
    " status = $5, result = coalesce(nullif($6, '')::json, result),"
    " heartbeat_at = now()"
    " WHERE id = $2 AND runner = $1 AND state = 'running'"
    " RETURNING cancel_requested",
    runner, id, current, total, status, partial);
  held = !rows.empty();
  return held && rows[0][0].as<bool>();
}

void finish(pqxx::transaction_base& tx, const std::string& runner,
            const std::vector<ended_run>& runs) {
  // One round trip for the whole batch: the runs travel as a JSON array.
  auto doc = nlohmann::json::array();
  for (auto& r : runs)
    doc.push_back({{"id", r.id},
                   {"state", r.state},
                   {"result", r.result},
                   {"error", r.error}});
  tx.exec_params("UPDATE jobs j SET state = x.state,"
                 " result = coalesce(nullif(x.result, '')::json, j.result),"
                 " error = x.error, finished_at = now()"
                 " FROM json_to_recordset($2::json)"
                 "   AS x(id bigint, state text, result text, error text)"
                 " WHERE j.id = x.id AND j.runner = $1 AND j.state = 'running'",
                 runner, doc.dump());
}

void retry(pqxx::transaction_base& tx, const std::string& runner, int64_t id,
           const std::string& error, int64_t delay_ms) {
  tx.exec_params("UPDATE jobs SET state = 'pending', error = $3, runner = '',"
                 " not_before = now() + $4 * interval '1 millisecond',"
                 " status = 'retrying after: ' || $3"
                 " WHERE id = $2 AND runner = $1 AND state = 'running'",
                 runner, id, error, delay_ms);
}

std::vector<int64_t> heartbeat(pqxx::transaction_base& tx,
                               const std::string& runner) {
  std::vector<int64_t> cancelled;
  for (const auto& r : tx.exec_params("UPDATE jobs SET heartbeat_at = now()"
                                      " WHERE runner = $1 AND state = 'running'"
                                      " RETURNING id, cancel_requested",
                                      runner))
    if (r[1].as<bool>())
      cancelled.push_back(r[0].as<int64_t>());
  return cancelled;
}

std::vector<int64_t> recover(pqxx::transaction_base& tx, int64_t lease_ms) {
  std::vector<int64_t> ids;
  for (const auto& r : tx.exec_params(
         "UPDATE jobs SET state = 'pending', runner = '', not_before = now(),"
         " status = 'resumed: node ' || owner || ' stopped running it'"
         " WHERE state = 'running'"
         " AND (heartbeat_at < now() - $1 * interval '1 millisecond'"
         "      OR owner IN (SELECT name FROM cluster_nodes"
         "                   WHERE state IN ('down', 'left')))"
         " RETURNING id",
         lease_ms))
    ids.push_back(r[0].as<int64_t>());
  return ids;
}

job_record cancel(pqxx::transaction_base& tx, int64_t id) {
  auto rows = tx.exec_params(
    std::string{"UPDATE jobs SET"
                " cancel_requested = cancel_requested OR state = 'running',"
                " state = CASE WHEN state = 'pending' THEN 'cancelled'"
                "         ELSE state END,"
                " finished_at = CASE WHEN state = 'pending' THEN now()"
                "               ELSE finished_at END"
                " WHERE id = $1 RETURNING "}
      + columns,
    id);
  if (rows.empty())
    throw no_job(id);
  return read_job(rows[0]);
}

} // namespace lunch::jobs
