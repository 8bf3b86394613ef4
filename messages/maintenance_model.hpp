#pragma once

// The data jobs of the old Celery worker (spec §5): the weekly cleanup of
// expired parties and notifications, and the daily user analytics. CAF-free;
// `messages/maintenance_inspect.hpp` adds the serialisation.

#include <cstdint>
#include <string>
#include <vector>

namespace lunch {

/// What the cleanup deleted on one shard.
struct cleanup_counts {
  int32_t shard = 0;
  int64_t parties = 0;       // parties dated before the cutoff
  int64_t members = 0;       // their member rows (cascaded)
  int64_t notifications = 0; // notifications past their retention
  // The deleted parties, from the owner to its region only (which stops
  // their cached entities and answers with this list empty).
  std::vector<int64_t> party_ids;
};

/// One user's analytics counts on one shard, or summed over all shards.
/// Memberships live on the party's shard and ledger rows on the shard of
/// the action, so every shard counts its own rows.
struct analytics_counts {
  std::string employee_id;
  int64_t parties_joined = 0; // member rows, not as the host
  int64_t parties_hosted = 0; // member rows as the host
  int64_t points_earned = 0;  // the whole ledger
  int64_t points_today = 0;   // ledger rows created on the day (KST)
};

/// What an analytics run wrote.
struct analytics_summary {
  int64_t users = 0;  // rows written (one per user)
  int64_t shards = 0; // shards written to
};

/// One stored row of `user_analytics` (a user on a day).
struct user_analytics {
  std::string employee_id;
  std::string day; // YYYY-MM-DD
  int64_t parties_joined = 0;
  int64_t parties_hosted = 0;
  int64_t points_earned = 0;
  int64_t points_today = 0;
  // JSON object, type -> [values]: lunch_preference, food_preference,
  // allergies, preferred_time, frequent_areas.
  std::string preferences;
  std::string updated_at; // ISO-8601 UTC
};

} // namespace lunch
