#pragma once

// Entity actors and the shard region that activates them.
//
// A user or party entity holds the cached state of one key, loads it from
// its shard owner on activation, serialises every change through itself and
// asks its region to passivate it when idle. The region (one per shard, the
// entity supervisor `entities/N`) is the only way in: it routes by key,
// activates entities on demand, counts their crashes and answers the
// shard-wide queries. It lives as long as its shard owner.
//
// The messages are the features' (user, party, points, calendar,
// notification, maintenance and recommend protocols); the region passes
// calendar entries, the inbox, the data jobs and the shard-wide queries
// straight to the owner, and recommendations to this node's recommender.
// What is the region's own:
//   (shd_stats_atom)                  -> shard_stats  (the owner's)
//   (nod_status_atom)                 -> region_status
//   (rec_snapshot_atom, today)        -> rec_shard_snapshot (this shard)
//   (rec_change_atom, [rec_change])   -> ()  changes committed on a peer
//       node, sent by that node's gateway: passed to this node's
//       "recommend" actor only (never on to other nodes), and a user's
//       change to this node's gateway (usr_changed_atom)
//   (sup_tree_atom)                   -> [tree_line]  itself, as a supervisor
//   (dbg_crash_atom[, user_key | party_id]) -> ()  throw, or make that
//       entity throw
//   (passivate_atom, user_key | party_id, handled) -> bool  an idle entity
//       asks to stop; granted only when it has handled every message the
//       region sent it, so no request is ever stranded in a stopping
//       entity's mailbox

#include <cstdint>
#include <string>
#include <vector>

#include <caf/replies_to.hpp>
#include <caf/typed_actor.hpp>

#include "messages/calendar_protocol.hpp"
#include "messages/maintenance_protocol.hpp"
#include "messages/notification_protocol.hpp"
#include "messages/party_protocol.hpp"
#include "messages/points_protocol.hpp"
#include "messages/recommend_protocol.hpp"
#include "messages/shard_protocol.hpp"
#include "messages/supervision_protocol.hpp"
#include "messages/user_protocol.hpp"

namespace lunch {

struct region_status {
  int32_t shard = 0;
  int64_t active_users = 0;
  int64_t active_parties = 0;
  int64_t entity_crashes = 0;
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, region_status& x) {
  return f(caf::meta::type_name("lunch::region_status"), x.shard,
           x.active_users, x.active_parties, x.entity_crashes);
}

using user_entity_actor = user_entity::extend_with<points_entity>::extend<
  caf::reacts_to<dbg_crash_atom>>;

using party_entity_actor = party_entity::extend<caf::reacts_to<dbg_crash_atom>>;

/// What is the region's own (see above).
using region_own = caf::typed_actor<
  caf::replies_to<shd_stats_atom>::with<shard_stats>,
  caf::replies_to<nod_status_atom>::with<region_status>,
  caf::replies_to<rec_snapshot_atom, std::string>::with<rec_shard_snapshot>,
  caf::reacts_to<rec_change_atom, std::vector<rec_change>>,
  caf::replies_to<passivate_atom, user_key, int64_t>::with<bool>,
  caf::replies_to<passivate_atom, party_id, int64_t>::with<bool>,
  caf::replies_to<sup_tree_atom>::with<std::vector<tree_line>>,
  caf::reacts_to<dbg_crash_atom>, caf::reacts_to<dbg_crash_atom, user_key>,
  caf::reacts_to<dbg_crash_atom, party_id>>;

using region_actor = user_region::extend_with<
  points_region, party_region, calendar_interface, notification_interface,
  maintenance_shard_interface, recommend_user_interface,
  recommend_cache_interface, region_own>;

} // namespace lunch
