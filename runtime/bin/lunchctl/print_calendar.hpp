#pragma once

// What `lunchctl calendar` prints: personal schedule entries as JSON and
// as "key: value" lines or a table.

#include <vector>

#include <nlohmann/json.hpp>

#include "messages/recommend_model.hpp"

namespace lunch::ctl {

/// A calendar entry; "until" is null for an entry without an end date.
nlohmann::json to_json(const calendar_entry& x);
nlohmann::json to_json(const std::vector<calendar_entry>& xs);

/// "key: value" lines; an entry without an end date shows an empty until.
void print_calendar_entry(const calendar_entry& x);
/// One row per entry.
void print_calendar(const std::vector<calendar_entry>& xs);

} // namespace lunch::ctl
