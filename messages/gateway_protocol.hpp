#pragma once

// The node gateway: the one actor a node publishes. It accepts every
// command, routes it by key (slot map) to the shard region that owns it and
// combines cross-shard answers. lunchctl talks only to this interface.
//
//   (usr_create_atom, user_profile)     -> user_view
//   (usr_get_atom, user_id)             -> user_view
//   (usr_update_atom, user_patch)       -> user_view
//   (usr_delete_atom, user_id)          -> user_view
//   (usr_search_atom, term, limit)      -> [user_summary]   all shards
//   (usr_shard_atom, key)               -> key_location
//   (usr_brief_atom, user_id)           -> member_view
//   (pty_create_atom, party_record)     -> party_view
//   (pty_get_atom, party_id)            -> party_view
//   (pty_join_atom, party_id, user_id)  -> party_view
//   (pty_leave_atom, party_id, user_id) -> party_view (deleted = true when a
//                                          random-lunch host left)
//   (pty_update_atom, party_patch)      -> party_view
//   (pty_delete_atom, party_id, user_id)-> party_view (deleted = true)
//   (pty_mine_atom, user_id, regular)   -> [party_view]     all shards
//   (pty_list_atom, party_filter)       -> [party_record]   all shards
//   (shd_map_atom)                      -> [slot_range]
//   (shd_stats_atom)                    -> [shard_stats]
//   (shd_plan_atom)                     -> rebalance_plan
//   (nod_status_atom)                   -> node_status
//   (pts_award_atom, points_award)      -> ()   from party entities and
//                                          event relays
//   (pts_scan_atom, user_id)            -> [points_mark]    all shards
//   (cal_add_atom, calendar_entry)      -> calendar_entry (id, created_at
//                                          set) | invalid_argument |
//                                          not_found (no such user)
//   (cal_list_atom, user_id)            -> [calendar_entry] by (date, id)
//   (cal_delete_atom, user_id, entry_id)-> calendar_entry (the removed one)
//   (ntf_add_atom | ntf_list_atom | ntf_read_atom | ntf_readall_atom |
//    ntf_delete_atom | ntf_clear_atom, ...)  the notification inbox:
//                                          messages/notification_protocol.hpp
//   (mnt_clean_atom | mnt_analytics_atom | mnt_get_atom, ...)  the cleanup
//                                          and user analytics (spec §5):
//                                          messages/maintenance_protocol.hpp
//   (rec_snapshot_atom, today)          -> [rec_shard_snapshot]  every
//                                          shard, in shard order; fails
//                                          (unavailable) if one cannot answer
//   (rec_change_atom, rec_change)       -> ()  from this node's event
//                                          relays (committed events): passed to
//                                          this node's "recommend" actor and
//                                          to one region on every other node
//                                          serving shards (which passes it
//                                          to that node's "recommend" actor)
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
//   (dbg_crash_atom, path, every_message) -> text   fault injection: make
//                                          the actor named `path` throw
//   (dbg_heal_atom, path)               -> bool  stop an every-message fault
//   (dbg_tree_atom)                     -> [tree_line]  the supervision tree
//       the three debug commands are refused (forbidden) unless the node
//       config has "debug": {"fault_injection": true}
//   (clu_status_atom)                   -> cluster_status  nodes, leases
//   (clu_events_atom, limit)            -> [cluster_event] the latest
//   (clu_leave_atom, node)              -> text  `node` hands off its
//                                          shards, then stops
//   every write above (calendar add/delete too) also with a request id
//   last, e.g.
//   (pty_join_atom, party_id, user_id, request_id): applied at most once
//   per id; a repeat gets the original result, and a write whose node died
//   is sent to the new owner once (without an id it fails `unavailable`)
//   (clu_hello_atom, peer_hello)        -> peer_hello  a peer node connects
//                                          (passed to the cluster actor)
//   (clu_route_atom, shard_route)       -> ()  from this node's cluster
//                                          actor: who serves a shard now
//   (clu_lost_atom, node)               -> ()  from this node's cluster
//                                          actor: that peer died

#include <cstdint>
#include <string>
#include <vector>

#include <caf/replies_to.hpp>
#include <caf/typed_actor.hpp>

#include "messages/atoms.hpp"
#include "messages/cluster_protocol.hpp"
#include "messages/inspect.hpp"
#include "messages/job_protocol.hpp"
#include "messages/maintenance_protocol.hpp"
#include "messages/model.hpp"
#include "messages/notification_protocol.hpp"
#include "messages/recommend_inspect.hpp"
#include "messages/recommend_protocol.hpp"
#include "messages/schedule_protocol.hpp"
#include "messages/supervision_protocol.hpp"

namespace lunch {

using gateway_actor = caf::typed_actor<
  caf::replies_to<usr_create_atom, user_profile>::with<user_view>,
  caf::replies_to<usr_get_atom, std::string>::with<user_view>,
  caf::replies_to<usr_update_atom, user_patch>::with<user_view>,
  caf::replies_to<usr_delete_atom, std::string>::with<user_view>,
  caf::replies_to<usr_search_atom, std::string,
                  int32_t>::with<std::vector<user_summary>>,
  caf::replies_to<usr_shard_atom, std::string>::with<key_location>,
  caf::replies_to<usr_brief_atom, std::string>::with<member_view>,
  caf::replies_to<pty_create_atom, party_record>::with<party_view>,
  caf::replies_to<pty_get_atom, int64_t>::with<party_view>,
  caf::replies_to<pty_join_atom, int64_t, std::string>::with<party_view>,
  caf::replies_to<pty_leave_atom, int64_t, std::string>::with<party_view>,
  caf::replies_to<pty_update_atom, party_patch>::with<party_view>,
  caf::replies_to<pty_delete_atom, int64_t, std::string>::with<party_view>,
  caf::replies_to<pty_mine_atom, std::string,
                  bool>::with<std::vector<party_view>>,
  caf::replies_to<pty_list_atom, party_filter>::with<std::vector<party_record>>,
  caf::replies_to<shd_map_atom>::with<std::vector<slot_range>>,
  caf::replies_to<shd_stats_atom>::with<std::vector<shard_stats>>,
  caf::replies_to<shd_plan_atom>::with<rebalance_plan>,
  caf::replies_to<nod_status_atom>::with<node_status>,
  caf::reacts_to<pts_award_atom, points_award>,
  caf::replies_to<pts_scan_atom, std::string>::with<std::vector<points_mark>>,
  caf::replies_to<cal_add_atom, calendar_entry>::with<calendar_entry>,
  caf::replies_to<cal_list_atom,
                  std::string>::with<std::vector<calendar_entry>>,
  caf::replies_to<cal_delete_atom, std::string, int64_t>::with<calendar_entry>,
  caf::replies_to<rec_snapshot_atom,
                  std::string>::with<std::vector<rec_shard_snapshot>>,
  caf::reacts_to<rec_change_atom, rec_change>,
  caf::replies_to<dbg_crash_atom, std::string, bool>::with<std::string>,
  caf::replies_to<dbg_heal_atom, std::string>::with<bool>,
  caf::replies_to<dbg_tree_atom>::with<std::vector<tree_line>>,
  caf::reacts_to<dbg_crash_atom>,
  caf::replies_to<clu_status_atom>::with<cluster_status>,
  caf::replies_to<clu_events_atom, int32_t>::with<std::vector<cluster_event>>,
  caf::replies_to<clu_leave_atom, std::string>::with<std::string>,
  caf::replies_to<clu_hello_atom, peer_hello>::with<peer_hello>,
  caf::reacts_to<clu_route_atom, shard_route>,
  caf::reacts_to<clu_lost_atom, std::string>,
  // The writes again, with a request id last: applied once, a repeat is
  // answered with the original result (also across failovers).
  caf::replies_to<usr_create_atom, user_profile, std::string>::with<user_view>,
  caf::replies_to<usr_update_atom, user_patch, std::string>::with<user_view>,
  caf::replies_to<usr_delete_atom, std::string, std::string>::with<user_view>,
  caf::replies_to<pty_create_atom, party_record, std::string>::with<party_view>,
  caf::replies_to<pty_join_atom, int64_t, std::string,
                  std::string>::with<party_view>,
  caf::replies_to<pty_leave_atom, int64_t, std::string,
                  std::string>::with<party_view>,
  caf::replies_to<pty_update_atom, party_patch, std::string>::with<party_view>,
  caf::replies_to<pty_delete_atom, int64_t, std::string,
                  std::string>::with<party_view>,
  caf::replies_to<cal_add_atom, calendar_entry,
                  std::string>::with<calendar_entry>,
  caf::replies_to<cal_delete_atom, std::string, int64_t,
                  std::string>::with<calendar_entry>>::
  // Recommendations (messages/recommend_protocol.hpp): by user key or shard
  // to the owner node, or to this node's recommender. The notification
  // inbox (messages/notification_protocol.hpp): by user key or id. Jobs
  // (messages/job_protocol.hpp): to this node's job runner. Cleanup and
  // analytics (messages/maintenance_protocol.hpp): every shard. The
  // recommendation caches of every node (actors/node/gateway_cache.hpp).
  // The schedules (messages/schedule_protocol.hpp): to this node's
  // scheduler.
  extend_with<recommend_user_interface, recommend_node_interface,
              notification_gateway_interface, job_interface,
              maintenance_gateway_interface, cache_gateway_interface,
              schedule_interface>;

} // namespace lunch
