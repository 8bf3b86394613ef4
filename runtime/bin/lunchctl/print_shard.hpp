#pragma once

// What `lunchctl shard` and `lunchctl node` print: the slot map, shard
// sizes, the rebalance plan and the node's status, as JSON and as tables.

#include <vector>

#include <nlohmann/json.hpp>

#include "messages/model.hpp"

namespace lunch::ctl {

/// {slots, shards, ranges: [{first, last, shard}], slots_per_shard}.
nlohmann::json to_json(const std::vector<slot_range>& xs);
nlohmann::json to_json(const std::vector<shard_stats>& xs);
nlohmann::json to_json(const rebalance_plan& x);
nlohmann::json to_json(const node_status& x);

/// Slots per shard; the ranges themselves too while there are few.
void print_slot_map(const std::vector<slot_range>& xs);
void print_shard_stats(const std::vector<shard_stats>& xs);
void print_rebalance_plan(const rebalance_plan& x);
void print_node_status(const node_status& x);

} // namespace lunch::ctl
