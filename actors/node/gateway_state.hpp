#pragma once

// The gateway's state and handle types, shared by its files
// (gateway_actor.cpp, gateway_debug.cpp, routing.hpp).

#include <chrono>
#include <cstdint>
#include <deque>
#include <functional>
#include <string>
#include <unordered_map>
#include <vector>

#include <caf/typed_event_based_actor.hpp>

#include "actors/node/brief_cache.hpp"
#include "actors/node/gateway_actor.hpp"
#include "actors/shard/slot_map.hpp"
#include "messages/region_protocol.hpp"
#include "messages/router_protocol.hpp"

namespace lunch {

// Private: a request waiting for its shard's next owner gives up.
using park_expired_atom = caf::atom_constant<caf::atom("gw_parked")>;

using gateway_impl
  = router_actor::extend<caf::reacts_to<park_expired_atom, uint64_t>>;

/// Who serves a shard, as far as this gateway knows.
struct route_entry {
  int64_t epoch = -1;
  std::string node;    // the owner node ("" unknown)
  region_actor region; // invalid: no owner serving right now (wait)
};

/// A request waiting for its shard to get a serving owner.
struct parked_request {
  uint64_t id = 0;
  std::function<void()> resume;
  std::function<void(caf::error)> fail;
};

/// A request sent to a region, until it is answered.
struct inflight_request {
  std::string node;
  std::function<void()> lost; // its node died before it was answered
};

/// A read handed to a peer's region, whose answer goes from there straight
/// to the client: kept until its deadline, to be sent again if that node
/// dies first.
struct handed_read {
  std::chrono::steady_clock::time_point deadline;
  std::string node;
  std::function<void()> again;
};

struct gateway_state {
  gateway_settings settings;
  slot_map slots = slot_map::modulo(1);
  std::vector<route_entry> routes;                 // by shard
  std::vector<std::vector<parked_request>> parked; // by shard
  // Why this node serves no shard ("" while it holds the majority): every
  // routed request gets it as `unavailable` at once.
  std::string stepped_aside;
  std::unordered_map<uint64_t, inflight_request> inflight;
  uint64_t next_id = 1;
  std::deque<handed_read> handed;         // oldest first
  std::vector<region_actor> regions;      // this node's live regions (cache)
  std::vector<region_actor> closed_doors; // stand-ins while restarting
  // Members' briefs for party writes' replies (actors/node/brief_cache.hpp).
  brief_cache briefs{65536, std::chrono::seconds(10)};
  std::chrono::steady_clock::time_point started
    = std::chrono::steady_clock::now();
  static inline const char* name = "lunch.gateway";
};

using gateway_self = gateway_impl::stateful_pointer<gateway_state>;

} // namespace lunch
