#pragma once

// What `lunchctl user` prints: users in the old app's shape
// (docs/lunchctl.md), as JSON and as "key: value" lines or a table.

#include <vector>

#include <nlohmann/json.hpp>

#include "messages/model.hpp"

namespace lunch::ctl {

nlohmann::json to_json(const user_view& x);
/// `user prefs`: the preferences under the old app's camelCase names.
nlohmann::json prefs_json(const user_profile& x);
/// `user search`: {users: [...], count}.
nlohmann::json to_json(const std::vector<user_summary>& xs);
/// `user shard`: {key, slot, shard}.
nlohmann::json to_json(const key_location& x);

/// Reads a user from `user get --json` output (or the seed file): list
/// fields may be JSON arrays or comma strings.
user_profile profile_from_json(const nlohmann::json& j);

void print_user(const user_view& x);
void print_prefs(const user_profile& x);
void print_users(const std::vector<user_summary>& xs);
void print_key_location(const key_location& x);

} // namespace lunch::ctl
