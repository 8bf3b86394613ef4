#pragma once

#include <chrono>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include <caf/actor.hpp>
#include <caf/fwd.hpp>
#include <caf/timespan.hpp>

#include "messages/router_protocol.hpp"

namespace lunch {

class node_directory;
class fault_injector;

struct gateway_settings {
  std::string node;
  std::string host;
  uint16_t port = 0;
  int32_t shard_count = 1;
  std::vector<int32_t> slot_table; // slot → shard, from the catalog
  caf::timespan timeout;
  std::shared_ptr<node_directory> directory; // finds the live regions
  std::shared_ptr<fault_injector> faults;    // null: debug commands refused
};

/// Spawns the node's gateway (a child of the root supervisor). It routes
/// every command to the region that serves its shard: this node's own
/// (found in the directory; while it restarts, requests fail at once with
/// `unavailable`) or a peer's, as the cluster actor reports the routes.
/// Requests for a shard that is moving or failing over wait for its next
/// owner (up to the request timeout), and a request whose node died is
/// sent once more to the new owner when that is safe.
router_actor spawn_gateway(caf::local_actor* parent, gateway_settings settings);

/// Spawns the gateway's published door, linked to it: it accepts the
/// public API (messages/gateway_protocol.hpp) and nothing else, and
/// delegates each command to `gateway`, which answers the client directly.
/// Internal messages sent to the published port are refused there
/// (`unexpected_message`) and reach no actor of the node.
gateway_actor spawn_public_door(caf::local_actor* parent, router_actor gateway);

} // namespace lunch
