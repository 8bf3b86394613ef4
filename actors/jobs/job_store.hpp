#pragma once

// The SQL of the catalog's `jobs` table. Every function runs in the
// caller's transaction; a job that does not exist is a not_found
// domain_error.

#include <cstdint>
#include <string>
#include <vector>

#include <pqxx/transaction_base>

#include "messages/job_model.hpp"

namespace lunch::jobs {

/// `count` copies of one job; returns their ids' first and last.
std::pair<int64_t, int64_t>
submit(pqxx::transaction_base& tx, const std::string& kind,
       const std::string& args, int32_t max_attempts, int32_t count);

job_record get(pqxx::transaction_base& tx, int64_t id);

/// Newest first; `active`: only pending and running ones.
std::vector<job_record> list(pqxx::transaction_base& tx, bool active,
                             int32_t limit);

std::vector<job_worker_stats> workers(pqxx::transaction_base& tx);

/// Pending jobs whose time has come, oldest first, at most `limit`, now
/// running under `runner` on `node`.
std::vector<job_record> claim(pqxx::transaction_base& tx,
                              const std::string& node,
                              const std::string& runner, int32_t limit);

/// Progress of a job this runner holds; `partial` (JSON, "" = keep) is the
/// result so far, for a resumed run. Returns whether a cancel was asked,
/// or false with `held` false when the job is no longer this runner's.
bool progress(pqxx::transaction_base& tx, const std::string& runner, int64_t id,
              int64_t current, int64_t total, const std::string& status,
              const std::string& partial, bool& held);

/// A run that ended: `state` is succeeded, failed or cancelled (`result`
/// JSON or "", `error` or "").
struct ended_run {
  int64_t id;
  std::string state;
  std::string result;
  std::string error;
};

/// Records ended runs, in one statement; runs the runner no longer holds
/// are left alone.
void finish(pqxx::transaction_base& tx, const std::string& runner,
            const std::vector<ended_run>& runs);

/// A run failed and will be tried again after `delay_ms`.
void retry(pqxx::transaction_base& tx, const std::string& runner, int64_t id,
           const std::string& error, int64_t delay_ms);

/// Marks this runner's running jobs alive; returns those asked to cancel.
std::vector<int64_t> heartbeat(pqxx::transaction_base& tx,
                               const std::string& runner);

/// Running jobs whose runner is silent for `lease_ms`, or whose node is
/// down or left, back to pending (their progress kept). Returns their ids.
std::vector<int64_t> recover(pqxx::transaction_base& tx, int64_t lease_ms);

/// Cancels a pending job at once, asks a running one to stop; a finished
/// one is returned as it is.
job_record cancel(pqxx::transaction_base& tx, int64_t id);

} // namespace lunch::jobs
