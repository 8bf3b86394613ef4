#pragma once

// Job rules (spec §5, the old Celery tasks): the kinds, their arguments,
// time limits and retry policy. CAF-free.

#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "messages/errc.hpp"

namespace lunch::jobs {

inline constexpr const char* pending = "pending";
inline constexpr const char* running = "running";
inline constexpr const char* succeeded = "succeeded";
inline constexpr const char* failed = "failed";
inline constexpr const char* cancelled = "cancelled";

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

/// The policy of every kind, with the defaults where `configured` is
/// silent.
policies policies_with(const policies& configured);

/// The pause before attempt `attempt` + 1, after attempt `attempt` failed.
int64_t retry_delay_ms(const kind_policy& p, int32_t attempt);

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

/// §5 notify result: success_rate in percent, 0 for no users.
double success_rate(int64_t success, int64_t total);

} // namespace lunch::jobs
