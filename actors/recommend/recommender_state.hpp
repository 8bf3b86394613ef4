#pragma once

// The recommender's state and the functions its handlers share
// (recommender_world.cpp: the world replica and the cache;
// recommender_build.cpp: builds).

#include <chrono>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <unordered_map>
#include <vector>

#include <caf/all.hpp>

#include "actors/recommend/builder_actor.hpp"
#include "actors/recommend/rec_world.hpp"
#include "actors/recommend/recommender_actor.hpp"
#include "actors/recommend/smart.hpp"

namespace lunch::recommend_detail {

using steady = std::chrono::steady_clock;

/// A build this node coordinates.
struct build_record {
  rec_progress progress;
  steady::time_point started;
  std::map<int32_t, rec_part_done> shards; // latest figures per shard
  std::map<int32_t, int64_t> shard_users;  // users per shard, when known
};

/// One shard's share of a build, running on this node's builders.
struct part_run {
  rec_part_spec spec;
  caf::typed_response_promise<rec_part_done> rp;
  steady::time_point started;
  int64_t users_total = 0;
  int64_t users_done = 0;
  int64_t entries = 0;
  size_t chunks_left = 0;
  bool failed = false;
};

struct recommender_state {
  recommender_settings cfg;
  // The world replica. Builders hold it while they run, so a change makes
  // a copy first when the world is shared (copy-on-write).
  std::shared_ptr<rec::world> world;
  std::map<int32_t, std::vector<int32_t>> shard_users; // per loaded shard
  bool loading = false;
  std::string loading_for; // build id of the load in flight
  std::string loaded_for;  // build id of the last load
  std::vector<std::function<void(const caf::error&)>> waiters;
  std::vector<rec_change> held_changes; // arrived while loading
  // Cache validity: the world's generation (bumped by a load, which
  // renumbers users) and the version of the last change per day.
  int64_t generation = 0;
  int64_t version = 0;
  int64_t all_days_version = 0;
  std::unordered_map<rec::day_t, int64_t> day_version;
  std::unordered_map<rec::day_t, std::unordered_map<int32_t, rec::ranked_head>>
    cache;
  std::vector<builder_actor> builders;
  size_t next_builder = 0;
  std::map<std::string, build_record> builds;
  int64_t build_seq = 0;
  static inline const char* name = "lunch.recommend";
};

using self_ptr = recommender_actor::stateful_pointer<recommender_state>;

// -- recommender_world.cpp ----------------------------------------------------

/// Runs `then` once the world is loaded: at once if it is, after a load
/// otherwise. A non-empty `build_id` asks for a load made for that build
/// (a build reads the shards afresh).
void with_world(self_ptr self, const std::string& build_id,
                std::function<void(const caf::error&)> then);

/// Applies a committed change and drops the cache entries it can alter.
void apply_change(self_ptr self, const rec_change& change);

/// The ranked head of (user, day) with the configured seed (n = 0: no
/// groups): from the cache, or computed now and cached.
rec::ranked_head cached_rank(self_ptr self, int32_t user, rec::day_t day);

/// Stores a builder's result unless a load or a change made it stale.
void store(self_ptr self, const rec_chunk_entry& entry, int64_t generation,
           int64_t version);

// -- recommender_build.cpp ----------------------------------------------------

caf::result<rec_progress> start_build(self_ptr self,
                                      const rec_build_spec& spec);
caf::result<rec_progress> build_progress(self_ptr self, const std::string& id);
caf::typed_response_promise<rec_part_done> run_part(self_ptr self,
                                                    const rec_part_spec& spec);
void on_tick(self_ptr self, const std::string& build_id, int32_t shard,
             int64_t users_done, int64_t entries, int64_t users_total);

} // namespace lunch::recommend_detail
