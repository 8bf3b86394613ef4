#pragma once

// Points (spec §8.1): a user's total is the sum of the ledger rows on every
// shard (a join is recorded on the party's shard). A user entity counts it
// once (a scan of every shard), then adds each committed award exactly once
// (points_tally: an award counts only above the shard's counted ledger id).
// An award takes one path: from the writer that committed it (the region
// for a new party's host, the party entity for a joiner) through the
// node's router to the region of the user's shard, which passes it to the
// user's entity if one is active. It is a plain send: an entity activated
// later, restarted or moved with its shard scans the ledgers anyway.
//
// entity and region:
//   (pts_award_atom, points_award)  -> ()  a committed award to count (the
//                                      region: only an active entity)
// region and shard owner:
//   (pts_scan_atom, user_key)       -> points_mark  this shard's ledger sum
// router (the node's internal bus; never published):
//   (pts_award_atom, points_award)  -> ()  to the region of the user's
//                                      shard, wherever it is served
//   (pts_scan_atom, user_key)       -> [points_mark]  every shard that
//                                      answers, for an entity loading its
//                                      total

#include <vector>

#include <caf/replies_to.hpp>
#include <caf/typed_actor.hpp>

#include "messages/atoms.hpp"
#include "messages/inspect.hpp"

namespace lunch {

using points_entity
  = caf::typed_actor<caf::reacts_to<pts_award_atom, points_award>>;

using points_shard = caf::typed_actor<
  caf::replies_to<pts_scan_atom, user_key>::with<points_mark>>;

using points_region = points_shard::extend_with<points_entity>;

using points_internal = points_entity::extend<
  caf::replies_to<pts_scan_atom, user_key>::with<std::vector<points_mark>>>;

} // namespace lunch
