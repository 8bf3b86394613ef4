#pragma once

// The node's internal bus: the gateway as the node's own actors reach it.
// It is the public API (messages/gateway_protocol.hpp) plus the traffic
// only the node's actors send; the handle is found through the node
// directory and is never published, so no client can send these.
//
//   (pts_award_atom, points_award)  -> ()   a committed award, from the
//                                          party entity that committed it,
//                                          to the user's region
//   (pts_scan_atom, user_key)       -> [points_mark]  every shard's ledger
//                                          sum for the user (an entity
//                                          loading its total)
//   (rec_snapshot_atom, today)      -> [rec_shard_snapshot]  every shard,
//                                          in shard order; fails
//                                          (unavailable) if one cannot answer
//   (rec_change_atom, [rec_change]) -> ()   committed changes, from this
//                                          node's relays: to this node's
//                                          recommender and to one region on
//                                          every other node serving shards
//   (usr_changed_atom, user_key)    -> ()   a user changed (the notice came
//                                          to a region from a peer): its
//                                          brief is fetched again
//   (rec_part_atom, rec_part_spec)  -> rec_part_done  a build's part, to
//                                          the shard's owner node
//   (clu_route_atom, shard_route)   -> ()   from this node's cluster actor:
//                                          who serves a shard now
//   (clu_lost_atom, node)           -> ()   from this node's cluster actor:
//                                          that peer died
//   (clu_quorum_atom, why)          -> ()   from this node's cluster actor:
//                                          "" while it holds the majority,
//                                          else why it serves nothing
//   (dbg_crash_atom)                -> ()   throw (fault injection)

#include <string>
#include <vector>

#include <caf/replies_to.hpp>
#include <caf/typed_actor.hpp>

#include "messages/gateway_protocol.hpp"
#include "messages/points_protocol.hpp"

namespace lunch {

using router_internal = points_internal::extend<
  caf::replies_to<rec_snapshot_atom,
                  std::string>::with<std::vector<rec_shard_snapshot>>,
  caf::reacts_to<rec_change_atom, std::vector<rec_change>>,
  caf::reacts_to<usr_changed_atom, user_key>,
  caf::reacts_to<clu_route_atom, shard_route>,
  caf::reacts_to<clu_lost_atom, std::string>,
  caf::reacts_to<clu_quorum_atom, std::string>, caf::reacts_to<dbg_crash_atom>>;

/// The gateway as the node's own actors see it.
using router_actor
  = gateway_actor::extend_with<router_internal, recommend_part_interface>;

} // namespace lunch
