#pragma once

// What `lunchctl debug tree` prints: the live supervision tree, as JSON
// and as an indented table.

#include <vector>

#include <nlohmann/json.hpp>

#include "messages/supervision_protocol.hpp"

namespace lunch::ctl {

/// [{depth, name, kind, strategy, state, restarts, detail}], depth first.
nlohmann::json to_json(const std::vector<tree_line>& xs);

/// One row per actor, its name indented with ASCII tree connectors.
void print_tree(const std::vector<tree_line>& xs);

} // namespace lunch::ctl
