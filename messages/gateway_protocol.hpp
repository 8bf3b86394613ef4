#pragma once

// The public API: what a node publishes (its gateway's door) and what
// lunchctl calls. Every command is routed by key (slot map) to the shard
// region that owns it, or asked of every shard and merged. The node's own
// actors reach the gateway through a wider interface that is never
// published (messages/router_protocol.hpp): no client can send that.
//
//   (usr_*_atom, ...)                   users: messages/user_protocol.hpp
//   (pty_*_atom, ...)                   lunch parties:
//                                          messages/party_protocol.hpp
//   (cal_*_atom, ...)                   calendar entries:
//                                          messages/calendar_protocol.hpp
//   (shd_map_atom | shd_stats_atom | shd_plan_atom | nod_status_atom)
//                                       the slot map, the shards and this
//                                       node: messages/shard_protocol.hpp
//   (ntf_add_atom | ntf_list_atom | ntf_read_atom | ntf_readall_atom |
//    ntf_delete_atom | ntf_clear_atom, ...)  the notification inbox:
//                                          messages/notification_protocol.hpp
//   (mnt_clean_atom | mnt_analytics_atom | mnt_get_atom, ...)  the cleanup
//                                          and user analytics (spec §5):
//                                          messages/maintenance_protocol.hpp
//   (rec_get_atom | rec_days_atom | rec_suggst_atom, ...)  a user's
//                                          recommendations (owner node)
//   (rec_daily_atom | rec_score_atom | rec_build_atom | rec_prog_atom, ...)
//                                          this node's recommender:
//                                          messages/recommend_protocol.hpp
//   (cache_refresh_atom, batch)         -> [rec_refresh_report]  one
//                                          refresh batch (1..100000 keys)
//                                          on every node's recommendation
//                                          cache
//   (cache_stats_atom)                  -> [rec_cache_stats]  every node's
//                                          cache figures; both by node name,
//                                          this node and every node serving
//                                          shards (one that does not answer
//                                          within the request timeout is
//                                          listed with `error` set)
//   (job_*_atom | sch_*_atom, ...)      jobs and schedules, answered by this
//                                          node's job runner and scheduler:
//                                          messages/job_protocol.hpp,
//                                          messages/schedule_protocol.hpp
//   (dbg_crash_atom | dbg_heal_atom | dbg_tree_atom, ...)  fault injection
//                                          and the supervision tree:
//                                          messages/supervision_protocol.hpp
//   (clu_status_atom | clu_events_atom | clu_leave_atom, ...)  the cluster
//                                          as an operator sees it:
//                                          messages/cluster_protocol.hpp
//   Every write carries a request id last (empty: none): applied at most
//   once per id; a repeat gets the original result, and a write whose node
//   died is sent to the new owner once (without an id it fails
//   `unavailable`).

#include <cstdint>
#include <string>
#include <vector>

#include <caf/replies_to.hpp>
#include <caf/typed_actor.hpp>

#include "messages/atoms.hpp"
#include "messages/calendar_protocol.hpp"
#include "messages/cluster_protocol.hpp"
#include "messages/inspect.hpp"
#include "messages/job_protocol.hpp"
#include "messages/maintenance_protocol.hpp"
#include "messages/model.hpp"
#include "messages/notification_protocol.hpp"
#include "messages/party_protocol.hpp"
#include "messages/recommend_inspect.hpp"
#include "messages/recommend_protocol.hpp"
#include "messages/schedule_protocol.hpp"
#include "messages/shard_protocol.hpp"
#include "messages/supervision_protocol.hpp"
#include "messages/user_protocol.hpp"

namespace lunch {

/// The public API: what a node publishes and lunchctl calls. Nothing here
/// lets a client reach the node's internal traffic (router_protocol.hpp).
using gateway_actor
  = user_public::extend_with<party_public, calendar_interface, shard_public,
                             cluster_public, debug_public, recommend_public,
                             recommend_node_interface, notification_interface,
                             job_interface, maintenance_gateway_interface,
                             cache_gateway_interface, schedule_interface>;

} // namespace lunch
