#pragma once

// The JSON shapes of recommendation answers, as the old app's endpoints
// returned them (spec §3.2 items 24–26).

#include <vector>

#include <nlohmann/json.hpp>

#include "messages/recommend_results.hpp"

namespace lunch::ctl {

/// `[{proposed_date, recommended_group: [...]}]` (smart-recommendations).
nlohmann::json to_json(const std::vector<rec_item>& xs);
/// `{date: [items]}` for several dates.
nlohmann::json to_json(const std::vector<rec_day>& xs);
/// date-recommendations, plus `for_user`.
nlohmann::json to_json(const std::vector<daily_group>& xs);
/// suggest-groups: `[{group_id, users: [...]}]`.
nlohmann::json to_json(const std::vector<suggest_group>& xs);
nlohmann::json to_json(const rec_progress& x);

} // namespace lunch::ctl
