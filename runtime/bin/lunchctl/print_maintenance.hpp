#pragma once

// What `lunchctl analytics` and `lunchctl maintenance` print: the old
// Celery tasks' results (spec §5) as JSON, fields in the old order, and as
// tables.

#include <vector>

#include <nlohmann/json.hpp>

#include "messages/maintenance_model.hpp"

namespace lunch::ctl {

/// `analytics get`: the old `analytics:user:{id}:{date}` value plus the
/// user and day it belongs to: {employee_id, date, party_count (every
/// membership: joined + hosted, as the old party_member count),
/// hosted_count, points_earned, points_today, preferences: {type: [values]}
/// (lunch_preference, food_preference, allergies, preferred_time,
/// frequent_areas), last_updated (ISO-8601 UTC)}.
nlohmann::ordered_json to_json(const user_analytics& x);

/// "key: value" lines of the stored row, one per preference type.
void print_analytics(const user_analytics& x);

/// `maintenance cleanup`: {expired_parties, expired_notifications,
/// total_cleared} summed over the shards.
nlohmann::ordered_json to_json(const std::vector<cleanup_counts>& xs);

/// One line per shard (parties, members, notifications), a total line and
/// the summary.
void print_cleanup(const std::vector<cleanup_counts>& xs);

} // namespace lunch::ctl
