#pragma once

// The rules of the data jobs (spec §5 cleanup_expired_data_async and
// process_user_analytics_async). CAF-free.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "actors/shard/slot_map.hpp"
#include "messages/maintenance_model.hpp"

namespace lunch {

/// Parties dated more than this many days before today are deleted.
inline constexpr int32_t party_retention_days = 7;

/// Notifications created more than this many days ago are deleted.
inline constexpr int32_t notification_retention_days = 30;

/// The first party date the cleanup keeps: `today` (YYYY-MM-DD) minus
/// `party_retention_days`, as a real date (month and year boundaries, leap
/// days); nothing if `today` is not a real date.
std::optional<std::string> party_cutoff(std::string_view today);

/// The request id of one shard's part of a fan-out: "<rid>:<shard>", or ""
/// without a request id.
std::string shard_request_id(const std::string& request_id, int32_t shard);

/// The cleanup's counts summed over the shards (shard -1): the old task's
/// {expired_parties, expired_notifications} are `parties` and
/// `notifications`.
cleanup_counts sum_cleanup(const std::vector<cleanup_counts>& per_shard);

/// Every user's counts summed over the shards' scans, ordered by id.
std::vector<analytics_counts>
merge_counts(const std::vector<std::vector<analytics_counts>>& per_shard);

/// Each user's counts handed to the shard of their key: one list per
/// shard (index = shard), each in the order given.
std::vector<std::vector<analytics_counts>>
split_by_shard(const std::vector<analytics_counts>& counts,
               const slot_map& slots);

/// The preference types of the analytics rows, in the order they are shown
/// (the old user_preference types).
const std::vector<std::string>& preference_types();

} // namespace lunch
