#pragma once

// The node's live actors by role, typed. Supervisors keep the entries (by
// the child's name in the tree, see actor_directory); everyone else asks
// for a role and gets the typed handle of its current incarnation, or an
// invalid handle while it restarts. The names of the tree are defined here
// once.

#include <cstdint>
#include <string>

#include <caf/actor_cast.hpp>

#include "messages/cluster_protocol.hpp"
#include "messages/event_protocol.hpp"
#include "messages/job_protocol.hpp"
#include "messages/recommend_protocol.hpp"
#include "messages/region_protocol.hpp"
#include "messages/router_protocol.hpp"
#include "messages/schedule_protocol.hpp"
#include "messages/shard_protocol.hpp"
#include "messages/supervision_protocol.hpp"
#include "runtime/actor_directory.hpp"

namespace lunch {

class node_directory : public actor_directory {
public:
  // -- the names of the supervision tree -----------------------------------

  static constexpr const char* root_name = "node";
  static constexpr const char* catalog_name = "catalog";
  static constexpr const char* shards_name = "shards";
  static constexpr const char* gateway_name = "gateway";
  static constexpr const char* recommender_name = "recommend";
  static constexpr const char* job_runner_name = "jobs";
  static constexpr const char* scheduler_name = "scheduler";
  static constexpr const char* cluster_name = "cluster";

  /// "shards/2": the supervisor of one shard.
  static std::string shard_name(int32_t shard) {
    return "shards/" + std::to_string(shard);
  }

  /// "shard/2": the shard's owner (its single writer).
  static std::string owner_name(int32_t shard) {
    return "shard/" + std::to_string(shard);
  }

  /// "entities/2": the region of the shard's entities.
  static std::string region_name(int32_t shard) {
    return "entities/" + std::to_string(shard);
  }

  /// "events/2": the relay of the shard's outbox.
  static std::string relay_name(int32_t shard) {
    return "events/" + std::to_string(shard);
  }

  // -- typed look-ups ------------------------------------------------------

  router_actor gateway() const {
    return typed<router_actor>(gateway_name);
  }

  shard_owner_actor owner(int32_t shard) const {
    return typed<shard_owner_actor>(owner_name(shard));
  }

  region_actor region(int32_t shard) const {
    return typed<region_actor>(region_name(shard));
  }

  event_relay_actor relay(int32_t shard) const {
    return typed<event_relay_actor>(relay_name(shard));
  }

  recommender_actor recommender() const {
    return typed<recommender_actor>(recommender_name);
  }

  job_interface job_runner() const {
    return typed<job_interface>(job_runner_name);
  }

  schedule_interface scheduler() const {
    return typed<schedule_interface>(scheduler_name);
  }

  cluster_actor cluster() const {
    return typed<cluster_actor>(cluster_name);
  }

  catalog_actor catalog() const {
    return typed<catalog_actor>(catalog_name);
  }

  supervisor_actor root() const {
    return typed<supervisor_actor>(root_name);
  }

  /// The supervisor of the shards this node serves (it takes dynamic
  /// children, so its handle stays untyped).
  caf::actor shards() const {
    return get(shards_name);
  }

private:
  template <class Handle>
  Handle typed(const std::string& name) const {
    return caf::actor_cast<Handle>(get(name));
  }
};

} // namespace lunch
