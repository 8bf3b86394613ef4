#pragma once

#include <cstdint>
#include <memory>
#include <string>

#include <caf/fwd.hpp>
#include <caf/timespan.hpp>

#include "messages/recommend_protocol.hpp"

namespace lunch {

class node_directory;

struct recommender_settings {
  std::string node;
  int32_t shard_count = 1;
  uint64_t seed = 0;     // the configured seed (0: random terms off)
  int32_t builders = 1;  // builder actors to spawn
  caf::timespan timeout; // loading the world from the shards
  caf::timespan build_timeout;
  std::shared_ptr<node_directory> directory; // "gateway"
};

/// The answer for a request that found no recommender.
caf::error recommender_restarting();

/// Spawns the node's recommender (messages/recommend_protocol.hpp) and its
/// builders, linked to it.
caf::actor spawn_recommender(caf::local_actor* parent,
                             recommender_settings settings);

} // namespace lunch
