#pragma once

// The recommender: one per node (`recommend` in the node's tree). It keeps
// the recommendation inputs in memory (a replica loaded from every shard and
// kept current by change notices), caches each (user, date) result of the
// users whose shards this node owns, answers from the cache or computes on
// demand, and runs builds over its builder actors.
//
// Routed by the user's key to the node that owns the user's shard:
//   (rec_get_atom, user, date, seed)        -> [rec_item]   "" = default date
//   (rec_days_atom, user, from, days, seed) -> [rec_day]    dates with groups
//   (rec_suggst_atom, user, date)           -> [suggest_group]
// Answered by any node:
//   (rec_daily_atom, date, seed)            -> [daily_group]
//   (rec_score_atom, [user], date)          -> int64_t (§4.7)
//   (rec_build_atom, rec_build_spec)        -> rec_progress  starts a build
//   (rec_prog_atom, build_id)               -> rec_progress
// Between recommenders (a build's coordinator and the shards' nodes):
//   (rec_part_atom, rec_part_spec)          -> rec_part_done  build the
//       entries of one shard's users; progress ticks go to the coordinator:
//   (rec_tick_atom, build_id, shard, users_done, entries, users_total) -> ()
// From the gateway (local changes and peers' changes):
//   (rec_change_atom, [rec_change])         -> ()  in commit order
// The cache's continuous refresh (from this node's gateway, or a peer's via
// a region of this node):
//   (rec_refresh_atom, batch)               -> rec_refresh_report  one
//       batch: up to `batch` queued (day, user) keys computed again; an
//       empty queue first begins a new cycle over every cached entry
//   (rec_cache_atom)                        -> rec_cache_stats
// The gateway's fan-out of those over every node (lunchctl cache ...):
//   (cache_refresh_atom, batch)             -> [rec_refresh_report]
//   (cache_stats_atom)                      -> [rec_cache_stats]
//       this node and every node serving shards, by node name; a node that
//       does not answer within the request timeout is listed with `error`
// A seed of −1 means the node's configured seed; any other seed is
// computed on demand and not cached.
//
// A recommender's builders (node-local, never published; spawned by
// actors/recommend/builder_actor.hpp): a chunk of users ranked on a set of
// days against an immutable world, shared by pointer:
//   (rec_chunk_atom, rec_chunk)             -> rec_chunk_result

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include <caf/actor.hpp>
#include <caf/allowed_unsafe_message_type.hpp>
#include <caf/atom.hpp>
#include <caf/meta/type_name.hpp>
#include <caf/replies_to.hpp>
#include <caf/typed_actor.hpp>

#include "messages/atoms.hpp"
#include "messages/recommend_inspect.hpp"
#include "messages/recommend_results_inspect.hpp"

namespace lunch {

/// The directory name of a node's recommender (`recommend` in the tree).

using rec_get_atom = caf::atom_constant<caf::atom("rec_get")>;
using rec_days_atom = caf::atom_constant<caf::atom("rec_days")>;
using rec_suggst_atom = caf::atom_constant<caf::atom("rec_suggst")>;
using rec_daily_atom = caf::atom_constant<caf::atom("rec_daily")>;
using rec_score_atom = caf::atom_constant<caf::atom("rec_score")>;
using rec_build_atom = caf::atom_constant<caf::atom("rec_build")>;
using rec_prog_atom = caf::atom_constant<caf::atom("rec_prog")>;
using rec_part_atom = caf::atom_constant<caf::atom("rec_part")>;
using rec_tick_atom = caf::atom_constant<caf::atom("rec_tick")>;
using rec_refresh_atom = caf::atom_constant<caf::atom("rec_refsh")>;
using rec_cache_atom = caf::atom_constant<caf::atom("rec_cache")>;
using cache_refresh_atom = caf::atom_constant<caf::atom("cache_rfsh")>;
using cache_stats_atom = caf::atom_constant<caf::atom("cache_stat")>;

/// One shard's share of a build, sent to the node that owns the shard.
struct rec_part_spec {
  std::string build_id;
  int32_t shard = 0;
  std::string today;
  std::string from;
  int32_t days = 0;
  int64_t seed = 0;
  caf::actor coordinator; // receives rec_tick progress
};

struct rec_part_done {
  int32_t shard = 0;
  int64_t users = 0;
  int64_t entries = 0;
  int64_t elapsed_ms = 0;
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, rec_part_spec& x) {
  return f(caf::meta::type_name("lunch::rec_part_spec"), x.build_id, x.shard,
           x.today, x.from, x.days, x.seed, x.coordinator);
}

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, rec_part_done& x) {
  return f(caf::meta::type_name("lunch::rec_part_done"), x.shard, x.users,
           x.entries, x.elapsed_ms);
}

/// One refresh batch on one node.
struct rec_refresh_report {
  std::string node;
  int64_t refreshed = 0; // entries computed again in this batch
  int64_t queued = 0;    // keys still waiting after it
  std::string error;     // the node did not answer (gateway fan-out only)
};

/// A node's recommendation cache. `memory_bytes` is an estimate: entries ×
/// (key + entry + hash-node overhead) plus the refresh queue's nodes.
struct rec_cache_stats {
  std::string node;
  int64_t entries = 0; // cached (day, user) heads
  int64_t days = 0;    // distinct days among them
  int64_t hits = 0;    // cached reads answered from the cache
  int64_t misses = 0;  // cached reads computed on demand
  int64_t memory_bytes = 0;
  int64_t cycle = 0;              // refresh cycles begun
  int64_t cycle_refreshed = 0;    // refreshed in the current cycle
  int64_t cycle_total = 0;        // queued at its start + invalidated since
  int64_t queued = 0;             // keys waiting for a refresh
  int64_t refreshed_total = 0;    // since the recommender started
  int64_t last_batch_ms_ago = -1; // −1: no batch yet
  std::string error; // the node did not answer (gateway fan-out only)
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, rec_refresh_report& x) {
  return f(caf::meta::type_name("lunch::rec_refresh_report"), x.node,
           x.refreshed, x.queued, x.error);
}

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, rec_cache_stats& x) {
  return f(caf::meta::type_name("lunch::rec_cache_stats"), x.node, x.entries,
           x.days, x.hits, x.misses, x.memory_bytes, x.cycle, x.cycle_refreshed,
           x.cycle_total, x.queued, x.refreshed_total, x.last_batch_ms_ago,
           x.error);
}

/// Requests for one user's recommendations: routed to the node that owns
/// the user's shard, whose region hands them to its recommender.
using recommend_public = caf::typed_actor<
  caf::replies_to<rec_get_atom, std::string, std::string,
                  int64_t>::with<std::vector<rec_item>>,
  caf::replies_to<rec_days_atom, std::string, std::string, int32_t,
                  int64_t>::with<std::vector<rec_day>>,
  caf::replies_to<rec_suggst_atom, std::string,
                  std::string>::with<std::vector<suggest_group>>>;

/// One shard's part of a build, sent by the building node's recommender to
/// the shard's owner node (node-internal: never published).
using recommend_part_interface = caf::typed_actor<
  caf::replies_to<rec_part_atom, rec_part_spec>::with<rec_part_done>>;

/// What a region hands to its node's recommender.
using recommend_user_interface
  = recommend_public::extend_with<recommend_part_interface>;

/// Requests any node's recommender answers; the gateway passes them on.
using recommend_node_interface = caf::typed_actor<
  caf::replies_to<rec_daily_atom, std::string,
                  int64_t>::with<std::vector<daily_group>>,
  caf::replies_to<rec_score_atom, std::vector<std::string>,
                  std::string>::with<int64_t>,
  caf::replies_to<rec_build_atom, rec_build_spec>::with<rec_progress>,
  caf::replies_to<rec_prog_atom, std::string>::with<rec_progress>>;

/// A node's recommendation cache: one refresh batch, and its figures.
/// Regions pass them to their node's recommender (a peer's gateway reaches
/// a node through one of its regions).
using recommend_cache_interface = caf::typed_actor<
  caf::replies_to<rec_refresh_atom, int32_t>::with<rec_refresh_report>,
  caf::replies_to<rec_cache_atom>::with<rec_cache_stats>>;

/// The gateway's side: every node's cache (lunchctl cache refresh|stats).
using cache_gateway_interface = caf::typed_actor<
  caf::replies_to<cache_refresh_atom,
                  int32_t>::with<std::vector<rec_refresh_report>>,
  caf::replies_to<cache_stats_atom>::with<std::vector<rec_cache_stats>>>;

using recommender_actor
  = recommend_user_interface::extend_with<recommend_node_interface,
                                          recommend_cache_interface>::
    extend<caf::reacts_to<rec_tick_atom, std::string, int32_t, int64_t, int64_t,
                          int64_t>,
           caf::reacts_to<rec_change_atom, std::vector<rec_change>>>;

// -- builders (node-local) ----------------------------------------------------

namespace rec {
class world;           // actors/recommend/rec_world.hpp
struct day_candidates; // actors/recommend/smart.hpp
} // namespace rec

using rec_chunk_atom = caf::atom_constant<caf::atom("rec_chunk")>;

/// The candidates of each day of a build.
using available_days = std::vector<rec::day_candidates>;

struct rec_chunk {
  std::shared_ptr<const rec::world> world;
  std::shared_ptr<const available_days> days;
  std::vector<int32_t> users; // world indexes
  uint64_t seed = 0;
};

struct rec_chunk_entry {
  int32_t user = 0;
  rec::day_t day = 0;
  rec::ranked_head head;
};

struct rec_chunk_result {
  std::vector<rec_chunk_entry> entries;
  int64_t users = 0;
};

using builder_actor = caf::typed_actor<
  caf::replies_to<rec_chunk_atom, rec_chunk>::with<rec_chunk_result>>;

} // namespace lunch

// Chunks share the world by pointer: node-local, never serialised.
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(lunch::rec_chunk)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(lunch::rec_chunk_result)
