#pragma once

// The kinds of background jobs (spec §5, the old Celery tasks) and the
// format of their arguments, as `job submit KIND --args JSON`, the
// scheduler's schedules and the config (`jobs.kinds.KIND`) name them; and
// the limits a kind's policy holds. CAF-free. How runs use the policies:
// actors/jobs/job_rules.hpp.

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "messages/errc.hpp"

namespace lunch::jobs {

/// recommendations, user-analytics, cleanup, notify, noop.
const std::vector<std::string>& kinds();

/// Time limits and retries of one kind (config `jobs.kinds.<kind>`). The
/// defaults are the old app's (soft 1500 s, hard 1800 s), with the retries
/// it lacked: 3 attempts, 1 s doubling to at most 60 s between them.
struct kind_policy {
  int64_t soft_limit_ms = 1500000; // asked to stop, fails "soft time limit"
  int64_t hard_limit_ms = 1800000; // abandoned, fails "hard time limit"
  int32_t max_attempts = 3;
  int64_t retry_backoff_ms = 1000;
};

using policies = std::map<std::string, kind_policy>;

/// Checks a submit: the kind is known and `args` (a JSON object text, ""
/// for {}) fits it; writes the arguments with defaults filled in.
///   notify          {"users": [ids] | "all", "type", "title", "message",
///                    "related_id", "related_type", "batch", "pause_ms"}
///   cleanup         {"today": YYYY-MM-DD}
///   user-analytics  {"user": id, "date": YYYY-MM-DD}
///   recommendations {"from": YYYY-MM-DD, "days": 1..60}
///   noop            {"sleep_ms": 0..600000}
outcome normalize_args(const std::string& kind, const std::string& args,
                       std::string& normalized);

} // namespace lunch::jobs
