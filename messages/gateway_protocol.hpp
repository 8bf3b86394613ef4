#pragma once

// The public API: what a node publishes (its gateway's door) and what
// lunchctl calls. Every command is routed by key (slot map) to the shard
// region that owns it, or asked of every shard and merged. The node's own
// actors reach the gateway through a wider interface that is never
// published (messages/router_protocol.hpp): no client can send that.
//
//   (usr_create_atom, user_profile)     -> user_view
//   (usr_get_atom, user_id)             -> user_view
//   (usr_update_atom, user_patch)       -> user_view
//   (usr_delete_atom, user_id)          -> user_view
//   (usr_search_atom, term, limit)      -> [user_summary]   all shards
//   (usr_shard_atom, key)               -> key_location
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

/// Users (spec §2.1, §7).
using user_public = caf::typed_actor<
  caf::replies_to<usr_create_atom, user_profile>::with<user_view>,
  caf::replies_to<usr_get_atom, std::string>::with<user_view>,
  caf::replies_to<usr_update_atom, user_patch>::with<user_view>,
  caf::replies_to<usr_delete_atom, std::string>::with<user_view>,
  caf::replies_to<usr_search_atom, std::string,
                  int32_t>::with<std::vector<user_summary>>,
  caf::replies_to<usr_shard_atom, std::string>::with<key_location>,
  caf::replies_to<usr_create_atom, user_profile, std::string>::with<user_view>,
  caf::replies_to<usr_update_atom, user_patch, std::string>::with<user_view>,
  caf::replies_to<usr_delete_atom, std::string, std::string>::with<user_view>>;

/// Lunch parties (spec §2.4, §3.2).
using party_public = caf::typed_actor<
  caf::replies_to<pty_create_atom, party_record>::with<party_view>,
  caf::replies_to<pty_get_atom, int64_t>::with<party_view>,
  caf::replies_to<pty_join_atom, int64_t, std::string>::with<party_view>,
  caf::replies_to<pty_leave_atom, int64_t, std::string>::with<party_view>,
  caf::replies_to<pty_update_atom, party_patch>::with<party_view>,
  caf::replies_to<pty_delete_atom, int64_t, std::string>::with<party_view>,
  caf::replies_to<pty_mine_atom, std::string,
                  bool>::with<std::vector<party_view>>,
  caf::replies_to<pty_list_atom, party_filter>::with<std::vector<party_record>>,
  caf::replies_to<pty_create_atom, party_record, std::string>::with<party_view>,
  caf::replies_to<pty_join_atom, int64_t, std::string,
                  std::string>::with<party_view>,
  caf::replies_to<pty_leave_atom, int64_t, std::string,
                  std::string>::with<party_view>,
  caf::replies_to<pty_update_atom, party_patch, std::string>::with<party_view>,
  caf::replies_to<pty_delete_atom, int64_t, std::string,
                  std::string>::with<party_view>>;

/// Personal calendar entries.
using calendar_public = caf::typed_actor<
  caf::replies_to<cal_add_atom, calendar_entry>::with<calendar_entry>,
  caf::replies_to<cal_list_atom,
                  std::string>::with<std::vector<calendar_entry>>,
  caf::replies_to<cal_delete_atom, std::string, int64_t>::with<calendar_entry>,
  caf::replies_to<cal_add_atom, calendar_entry,
                  std::string>::with<calendar_entry>,
  caf::replies_to<cal_delete_atom, std::string, int64_t,
                  std::string>::with<calendar_entry>>;

/// Shards and this node (spec §7).
using shard_public = caf::typed_actor<
  caf::replies_to<shd_map_atom>::with<std::vector<slot_range>>,
  caf::replies_to<shd_stats_atom>::with<std::vector<shard_stats>>,
  caf::replies_to<shd_plan_atom>::with<rebalance_plan>,
  caf::replies_to<nod_status_atom>::with<node_status>>;

/// The cluster, as an operator sees it.
using cluster_public = caf::typed_actor<
  caf::replies_to<clu_status_atom>::with<cluster_status>,
  caf::replies_to<clu_events_atom, int32_t>::with<std::vector<cluster_event>>,
  caf::replies_to<clu_leave_atom, std::string>::with<std::string>>;

/// Fault injection (refused unless the node config allows it).
using debug_public = caf::typed_actor<
  caf::replies_to<dbg_crash_atom, std::string, bool>::with<std::string>,
  caf::replies_to<dbg_heal_atom, std::string>::with<bool>,
  caf::replies_to<dbg_tree_atom>::with<std::vector<tree_line>>>;

/// The public API: what a node publishes and lunchctl calls. Nothing here
/// lets a client reach the node's internal traffic (router_protocol.hpp).
using gateway_actor = user_public::extend_with<
  party_public, calendar_public, shard_public, cluster_public, debug_public,
  recommend_public, recommend_node_interface, notification_gateway_interface,
  job_interface, maintenance_gateway_interface, cache_gateway_interface,
  schedule_interface>;

} // namespace lunch
