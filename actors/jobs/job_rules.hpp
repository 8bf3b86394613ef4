#pragma once

// Job rules (spec §5, the old Celery tasks): states, time limits and retry
// policy. CAF-free. The kinds and their arguments: messages/job_kinds.hpp.

#include <cstdint>
#include <string>

#include "messages/job_kinds.hpp"

namespace lunch::jobs {

inline constexpr const char* pending = "pending";
inline constexpr const char* running = "running";
inline constexpr const char* succeeded = "succeeded";
inline constexpr const char* failed = "failed";
inline constexpr const char* cancelled = "cancelled";

/// The policy of every kind, with the defaults where `configured` is
/// silent.
policies policies_with(const policies& configured);

/// The pause before attempt `attempt` + 1, after attempt `attempt` failed.
int64_t retry_delay_ms(const kind_policy& p, int32_t attempt);

/// §5 notify result: success_rate in percent, 0 for no users.
double success_rate(int64_t success, int64_t total);

} // namespace lunch::jobs
