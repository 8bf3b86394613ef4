#pragma once

// The JSON shapes of recommendation answers, as the old app's endpoints
// returned them (spec §3.2 items 24–26), fields in the old app's order.
// lunchctl prints them; lunchrec-eval prints them byte for byte as the
// Python reference does.

#include <vector>

#include <nlohmann/json.hpp>

#include "messages/recommend_results.hpp"

namespace lunch::ctl {

/// `{proposed_date, recommended_group: [...]}`: one smart group.
nlohmann::ordered_json to_json(const rec_item& x);
/// `[{proposed_date, recommended_group: [...]}]` (smart-recommendations).
nlohmann::ordered_json to_json(const std::vector<rec_item>& xs);
/// `{date: [items]}` for several dates.
nlohmann::ordered_json to_json(const std::vector<rec_day>& xs);
/// date-recommendations, plus `for_user`.
nlohmann::ordered_json to_json(const std::vector<daily_group>& xs);
/// suggest-groups: `[{group_id, users: [...]}]`.
nlohmann::ordered_json to_json(const std::vector<suggest_group>& xs);
nlohmann::ordered_json to_json(const rec_progress& x);

} // namespace lunch::ctl
