#pragma once

// The recommender's state and the functions its handlers share
// (recommender_world.cpp: the world replica and the cache;
// recommender_build.cpp: builds; recommender_refresh.cpp: the cache's
// continuous refresh and its figures).

#include <chrono>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include <caf/all.hpp>

#include "actors/recommend/builder_actor.hpp"
#include "actors/recommend/rec_world.hpp"
#include "actors/recommend/recommender_actor.hpp"
#include "actors/recommend/refresh_queue.hpp"
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

/// A cached (day, user) result and when it was computed (an order, not a
/// time: a new cycle queues the oldest computed first).
struct cache_entry {
  rec::ranked_head head;
  int64_t computed = 0;
};

/// The cache's refresh and its counters (lunchctl cache stats). A change
/// drops the entries it invalidates and queues their keys; a refresh batch
/// computes queued keys again; a batch that finds the queue empty begins a
/// cycle: every entry of today or later is queued (which picks up drift:
/// pattern scores follow membership counts, which any day's change moves),
/// past days' entries are dropped.
struct cache_refresh_state {
  rec::refresh_queue queue;
  int64_t next_computed = 0;
  int64_t hits = 0;   // cached reads answered from the cache
  int64_t misses = 0; // cached reads computed on demand
  int64_t cycle = 0;
  int64_t cycle_refreshed = 0;
  int64_t cycle_total = 0; // queued at the cycle's start + invalidated since
  int64_t refreshed_total = 0;
  std::optional<steady::time_point> last_batch;
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
  std::unordered_map<rec::day_t, std::unordered_map<int32_t, cache_entry>>
    cache;
  cache_refresh_state refresh;
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

/// Applies a committed change and drops the cache entries it can alter
/// (their keys wait in the refresh queue).
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

// -- recommender_refresh.cpp --------------------------------------------------

/// Stores a computed head (a read, a build, a refresh); its key leaves the
/// refresh queue.
void put_entry(recommender_state& st, rec::day_t day, int32_t user,
               const rec::ranked_head& head);

/// Drops the entries of `day` (every day if `day` is empty) and queues the
/// keys of those of today or later for a refresh.
void invalidate(recommender_state& st, std::optional<rec::day_t> day);

/// Forgets every entry and queued key (a load renumbers the users).
void forget_cache(recommender_state& st);

/// One refresh batch: up to `batch` queued keys computed again with the
/// world as it is now; an empty queue first begins a new cycle.
caf::result<rec_refresh_report> refresh_batch(self_ptr self, int32_t batch);

rec_cache_stats cache_stats(self_ptr self);

} // namespace lunch::recommend_detail
