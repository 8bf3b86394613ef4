#pragma once

// What `lunchctl cluster` prints: members, leases and events, as JSON and
// as tables.

#include <vector>

#include <nlohmann/json.hpp>

#include "messages/cluster_protocol.hpp"

namespace lunch::ctl {

/// `cluster status`: nodes (with the shards each owns) and leases.
nlohmann::json to_json(const cluster_status& x);
nlohmann::json to_json(const std::vector<cluster_event>& xs);

void print_cluster_status(const cluster_status& x);
void print_cluster_events(const std::vector<cluster_event>& xs);

} // namespace lunch::ctl
