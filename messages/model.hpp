#pragma once

// The domain records that travel between actors and reach lunchctl.
// CAF-free: domain logic and tests use them without the actor runtime;
// `messages/inspect.hpp` adds the serialisation for the wire.

#include <cstdint>
#include <string>
#include <vector>

namespace lunch {

/// A person (spec §2.1). Lists are stored as arrays, not comma strings.
struct user_profile {
  std::string employee_id;
  std::string nickname;
  std::string email;
  std::string gender;    // "" | 남 | 여 | 기타
  std::string age_group; // "" | 10대 … 60대
  std::string
    main_dish_genre; // comma list kept verbatim (spec §4.2 compares it)
  std::vector<std::string> lunch_styles; // the old `lunch_preference`
  std::vector<std::string> food_preferences;
  std::vector<std::string> allergies;
  std::string preferred_time; // HH:MM
  std::vector<std::string> frequent_areas;
  std::vector<std::string> notification_settings;
  std::string created_at; // ISO-8601 UTC, set by the shard
};

/// Names the fields of `values` that a partial update sets.
struct user_patch {
  user_profile values;
  std::vector<std::string> fields;
};

/// A user as shown to callers: profile plus derived points and placement.
struct user_view {
  user_profile profile;
  int64_t total_points = 0;
  int32_t current_level = 1;
  int32_t shard = 0;
};

/// One row of a cross-shard user search (spec §7).
struct user_summary {
  std::string employee_id;
  std::string nickname;
  std::string main_dish_genre;
  int32_t shard = 0;
};

/// A lunch party (spec §2.4). `member_ids` holds the host first, then the
/// other members in join order.
struct party_record {
  int64_t id = 0;
  std::string host_employee_id;
  std::string title;
  std::string restaurant_name;
  std::string restaurant_address;
  std::string party_date; // YYYY-MM-DD
  std::string party_time; // HH:MM
  std::string meeting_location;
  int32_t max_members = 4;
  bool is_from_match = false;
  std::string created_at;
  std::vector<std::string> member_ids;
};

/// Partial update of a party by `actor_id` (must be the host).
struct party_patch {
  int64_t id = 0;
  std::string actor_id;
  party_record values;
  std::vector<std::string> fields;
};

/// A party member as shown in a party (spec §3.2 item 16).
struct member_view {
  std::string employee_id;
  std::string nickname;
  std::string lunch_preference; // comma-joined lunch styles
  std::string main_dish_genre;
  bool is_host = false;
};

/// A party with its members resolved; `deleted` is set when the operation
/// removed it (a random-lunch host leaving, or delete).
struct party_view {
  party_record party;
  std::vector<member_view> members;
  bool deleted = false;
};

/// Which parties `party list` returns (spec §3.2 item 14).
struct party_filter {
  std::string employee_id; // empty: all normal parties
  bool is_from_match = false;
  int32_t limit = 100;
};

/// Where a key lives.
struct key_location {
  std::string key;
  int32_t slot = 0;
  int32_t shard = 0;
};

/// A run of consecutive slots owned by one shard.
struct slot_range {
  int32_t first = 0;
  int32_t last = 0;
  int32_t shard = 0;
};

/// Row counts and size of one shard database.
struct shard_stats {
  int32_t shard = 0;
  bool reachable = false;
  int64_t user_count = 0;
  int64_t party_count = 0;
  int64_t member_count = 0;
  int64_t bytes = 0;
  std::string error;
};

/// One entry of the rebalance plan (spec §7): shards outside 0.8–1.2×avg.
struct rebalance_step {
  int32_t shard = 0;
  std::string action; // move_out | move_in
  int64_t count = 0;
};

struct rebalance_plan {
  std::vector<int64_t> current_distribution;
  double average_users_per_shard = 0;
  std::vector<rebalance_step> steps;
};

/// What `node status` reports.
struct node_status {
  std::string node;
  std::string host;
  int32_t port = 0;
  int32_t shard_count = 0;
  int64_t uptime_ms = 0;
  int64_t active_users = 0;
  int64_t active_parties = 0;
  std::vector<int32_t> unreachable_shards;
};

/// Points of one user recorded in one shard's ledger: the sum and the
/// highest ledger id counted, so later awards are added exactly once.
struct points_mark {
  int32_t shard = 0;
  int64_t sum = 0;
  int64_t max_id = 0;
};

/// A committed award, announced to the user's entity after the commit.
struct points_award {
  std::string employee_id;
  int32_t shard = 0;
  int64_t ledger_id = 0;
  int64_t points = 0;
};

} // namespace lunch
