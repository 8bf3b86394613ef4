#pragma once

// What `lunchctl party` prints: parties in the old app's shape
// (docs/lunchctl.md), as JSON and as "key: value" lines or tables.

#include <vector>

#include <nlohmann/json.hpp>

#include "messages/model.hpp"

namespace lunch::ctl {

/// A party with its members.
nlohmann::json to_json(const party_view& x);
/// A party in a list: no members, their count.
nlohmann::json summary_json(const party_record& x);

/// The party's fields, then a table of its members.
void print_party(const party_view& x);
/// One row per party.
void print_party_list(const std::vector<party_record>& xs);

} // namespace lunch::ctl
