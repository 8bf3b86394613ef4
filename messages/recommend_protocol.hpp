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
//   (rec_change_atom, rec_change)           -> ()
// A seed of −1 means the node's configured seed; any other seed is
// computed on demand and not cached.

#include <cstdint>
#include <string>
#include <vector>

#include <caf/actor.hpp>
#include <caf/atom.hpp>
#include <caf/meta/type_name.hpp>
#include <caf/replies_to.hpp>
#include <caf/typed_actor.hpp>

#include "messages/atoms.hpp"
#include "messages/recommend_inspect.hpp"
#include "messages/recommend_results_inspect.hpp"

namespace lunch {

/// The directory name of a node's recommender (`recommend` in the tree).
inline const char* recommend_name = "recommend";

using rec_get_atom = caf::atom_constant<caf::atom("rec_get")>;
using rec_days_atom = caf::atom_constant<caf::atom("rec_days")>;
using rec_suggst_atom = caf::atom_constant<caf::atom("rec_suggst")>;
using rec_daily_atom = caf::atom_constant<caf::atom("rec_daily")>;
using rec_score_atom = caf::atom_constant<caf::atom("rec_score")>;
using rec_build_atom = caf::atom_constant<caf::atom("rec_build")>;
using rec_prog_atom = caf::atom_constant<caf::atom("rec_prog")>;
using rec_part_atom = caf::atom_constant<caf::atom("rec_part")>;
using rec_tick_atom = caf::atom_constant<caf::atom("rec_tick")>;

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

/// Requests for one user's (or one shard's) recommendations: routed to the
/// node that owns the shard, whose region hands them to its recommender.
using recommend_user_interface = caf::typed_actor<
  caf::replies_to<rec_get_atom, std::string, std::string,
                  int64_t>::with<std::vector<rec_item>>,
  caf::replies_to<rec_days_atom, std::string, std::string, int32_t,
                  int64_t>::with<std::vector<rec_day>>,
  caf::replies_to<rec_suggst_atom, std::string,
                  std::string>::with<std::vector<suggest_group>>,
  caf::replies_to<rec_part_atom, rec_part_spec>::with<rec_part_done>>;

/// Requests any node's recommender answers; the gateway passes them on.
using recommend_node_interface = caf::typed_actor<
  caf::replies_to<rec_daily_atom, std::string,
                  int64_t>::with<std::vector<daily_group>>,
  caf::replies_to<rec_score_atom, std::vector<std::string>,
                  std::string>::with<int64_t>,
  caf::replies_to<rec_build_atom, rec_build_spec>::with<rec_progress>,
  caf::replies_to<rec_prog_atom, std::string>::with<rec_progress>>;

using recommender_actor
  = recommend_user_interface::extend_with<recommend_node_interface>::extend<
    caf::reacts_to<rec_tick_atom, std::string, int32_t, int64_t, int64_t,
                   int64_t>,
    caf::reacts_to<rec_change_atom, rec_change>>;

} // namespace lunch
