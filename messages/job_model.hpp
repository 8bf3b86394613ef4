#pragma once

// Background jobs (spec §5: the old Celery tasks), as the catalog's `jobs`
// table keeps them. CAF-free; `messages/job_inspect.hpp` adds the
// serialisation.

#include <cstdint>
#include <string>

namespace lunch {

/// One job. `args` and `result` are JSON texts ("" for none).
struct job_record {
  int64_t id = 0;
  std::string kind;    // recommendations, user-analytics, cleanup, notify, noop
  std::string args;    // JSON object
  std::string state;   // pending, running, succeeded, failed, cancelled
  int64_t current = 0; // progress
  int64_t total = 0;   // progress; 0 = unknown
  std::string status;  // progress text
  std::string result;  // JSON, once succeeded
  std::string error;   // why it failed (the last attempt's error)
  int32_t attempts = 0; // runs started
  int32_t max_attempts = 1;
  std::string owner;        // the node running it (or that ran it last)
  std::string submitted_at; // ISO-8601 UTC
  std::string started_at;
  std::string finished_at;
  bool cancel_requested = false;
};

/// Jobs by the node that ran them last (`lunchctl job workers`).
struct job_worker_stats {
  std::string node;
  int64_t running = 0;
  int64_t done = 0;   // succeeded
  int64_t failed = 0; // failed or cancelled
};

} // namespace lunch
