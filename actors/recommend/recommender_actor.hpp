#pragma once

#include <cstdint>
#include <memory>
#include <string>

#include <caf/fwd.hpp>
#include <caf/timespan.hpp>

#include "messages/gateway_protocol.hpp"
#include "messages/recommend_protocol.hpp"

namespace lunch {

class actor_directory;

struct recommender_settings {
  std::string node;
  int32_t shard_count = 1;
  uint64_t seed = 0;     // the configured seed (0: random terms off)
  int32_t builders = 1;  // builder actors to spawn
  caf::timespan timeout; // loading the world from the shards
  caf::timespan build_timeout;
  std::shared_ptr<actor_directory> directory; // "gateway"
};

/// The recommender's name in the tree and the directory.
inline const char* recommender_name = recommend_name;

/// Spawns the node's recommender (messages/recommend_protocol.hpp) and its
/// builders, linked to it.
caf::actor spawn_recommender(caf::local_actor* parent,
                             recommender_settings settings);

} // namespace lunch
