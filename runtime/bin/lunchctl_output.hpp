#pragma once

// What lunchctl prints: JSON documents in the old app's response shapes
// (docs/lunchctl.md) and human-readable tables.

#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "messages/cluster_model.hpp"
#include "messages/model.hpp"
#include "messages/recommend_model.hpp"

namespace lunch::ctl {

nlohmann::json to_json(const user_view& x);
nlohmann::json prefs_json(const user_profile& x);
nlohmann::json to_json(const std::vector<user_summary>& xs);
nlohmann::json to_json(const party_view& x);
nlohmann::json summary_json(const party_record& x);
nlohmann::json to_json(const key_location& x);
nlohmann::json to_json(const std::vector<slot_range>& xs, int32_t shards);
nlohmann::json to_json(const std::vector<shard_stats>& xs);
nlohmann::json to_json(const rebalance_plan& x);
nlohmann::json to_json(const node_status& x);
/// `cluster status`: nodes (with the shards each owns) and leases.
nlohmann::json to_json(const std::string& answered_by,
                       const std::vector<node_info>& nodes,
                       const std::vector<shard_lease>& leases,
                       const std::vector<std::string>& connected);
nlohmann::json to_json(const std::vector<cluster_event>& xs);
/// A calendar entry; "until" is null for an entry without an end date.
nlohmann::json to_json(const calendar_entry& x);

/// Reads a user from `user get --json` output (or the seed file): list
/// fields may be JSON arrays or comma strings.
user_profile profile_from_json(const nlohmann::json& j);

/// Prints rows as aligned columns (wide Hangul/CJK characters count 2).
void print_table(const std::vector<std::string>& header,
                 const std::vector<std::vector<std::string>>& rows);

/// Prints "key: value" lines for a flat JSON object.
void print_fields(const nlohmann::json& object);

void print_party(const party_view& x);

} // namespace lunch::ctl
