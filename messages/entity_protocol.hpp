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
// Every write carries a request id as its last argument ("" for none):
// the owner applies an id once and answers a repeat with the original
// result; a repeat refused by a domain rule (already_joined, ...) after a
// failover is answered as the success it was.
//
// user entity:
//   (usr_create_atom, user_profile) -> user_view | already_exists
//   (usr_get_atom, user_id)         -> user_view | not_found
//   (usr_update_atom, user_patch)   -> user_view | not_found |
//                                      invalid_argument
//   (usr_delete_atom, user_id)      -> user_view | not_found
//   (usr_brief_atom, user_id)       -> member_view | not_found
//   (pts_award_atom, points_award)  -> ()   a committed award to count
//   (dbg_crash_atom)                -> ()   throw (fault injection)
// party entity:
//   (pty_get_atom, party_id)        -> party_view | not_found
//   (pty_join_atom, party_id, user) -> party_view | party_full |
//                                      already_joined
//   (pty_leave_atom, party_id, user)   -> party_view | not_member | forbidden
//   (pty_update_atom, party_patch)  -> party_view | forbidden |
//                                      invalid_argument
//   (pty_delete_atom, party_id, user)  -> party_view | forbidden
//   (dbg_crash_atom)                -> ()   throw (fault injection)
// region, in addition to routing all of the above:
//   (usr_brief_atom, [user_id])       -> [member_view]  in the same order;
//       an unknown user's is empty; any other failure fails the batch
//   (pty_create_atom, party_record)   -> party_view
//   (usr_search_atom, term, limit)    -> [user_summary]  (this shard)
//   (pty_mine_atom, user_id)          -> [party_record]  (this shard)
//   (pty_list_atom, party_filter)     -> [party_record]  (this shard)
//   (shd_stats_atom)                  -> shard_stats
//   (db_purge_atom, user_id)          -> [party ids]     a user was deleted
//   (pts_scan_atom, user_id)          -> points_mark
//   (nod_status_atom)                 -> region_status
//   (cal_add_atom, calendar_entry, request_id) -> calendar_entry | not_found
//   (cal_list_atom, user_id)          -> [calendar_entry] | not_found
//   (cal_delete_atom, user_id, entry_id, request_id)
//                                     -> calendar_entry | not_found
//       calendar entries go straight to the owner (no entity: the owner's
//       foreign key is the "does the user exist" check)
//   (ntf_*_atom, ...)                 the notification inbox, also straight
//       to the owner (messages/notification_protocol.hpp)
//   (mnt_*_atom, ...)                 the cleanup and user analytics, to the
//       owner; a cleanup stops the cached entities of the parties it
//       deleted (messages/maintenance_protocol.hpp)
//   (rec_snapshot_atom, today)        -> rec_shard_snapshot (this shard)
//   (rec_change_atom, rec_change)     -> ()  a change committed on a peer
//       node, sent by that node's gateway: passed to this node's
//       "recommend" actor only (never on to other nodes)
//   (rec_get_atom | rec_days_atom | rec_suggst_atom | rec_part_atom, ...)
//       recommendations of this shard's users: this node's recommender
//   (rec_refresh_atom, batch) | (rec_cache_atom)
//       this node's recommendation cache (a peer's gateway asks one region
//       per node): this node's recommender
//   (sup_tree_atom)                   -> [tree_line]  itself, as a supervisor
//   (dbg_crash_atom[, key])           -> ()  throw, or make that entity throw
//   (passivate_atom, key, handled)    -> bool  an idle entity asks to stop;
//       granted only when it has handled every message the region sent it,
//       so no request is ever stranded in a stopping entity's mailbox

#include <cstdint>
#include <string>
#include <vector>

#include <caf/replies_to.hpp>
#include <caf/typed_actor.hpp>

#include "messages/recommend_protocol.hpp"
#include "messages/shard_protocol.hpp"
#include "messages/supervision_protocol.hpp"

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

using user_entity_actor = caf::typed_actor<
  caf::replies_to<usr_create_atom, user_profile, std::string>::with<user_view>,
  caf::replies_to<usr_get_atom, std::string>::with<user_view>,
  caf::replies_to<usr_update_atom, user_patch, std::string>::with<user_view>,
  caf::replies_to<usr_delete_atom, std::string, std::string>::with<user_view>,
  caf::replies_to<usr_brief_atom, std::string>::with<member_view>,
  caf::reacts_to<pts_award_atom, points_award>, caf::reacts_to<dbg_crash_atom>>;

using party_entity_actor = caf::typed_actor<
  caf::replies_to<pty_get_atom, int64_t>::with<party_view>,
  caf::replies_to<pty_join_atom, int64_t, std::string,
                  std::string>::with<party_view>,
  caf::replies_to<pty_leave_atom, int64_t, std::string,
                  std::string>::with<party_view>,
  caf::replies_to<pty_update_atom, party_patch, std::string>::with<party_view>,
  caf::replies_to<pty_delete_atom, int64_t, std::string,
                  std::string>::with<party_view>,
  caf::reacts_to<dbg_crash_atom>>;

using region_actor = caf::typed_actor<
  caf::replies_to<usr_create_atom, user_profile, std::string>::with<user_view>,
  caf::replies_to<usr_get_atom, std::string>::with<user_view>,
  caf::replies_to<usr_update_atom, user_patch, std::string>::with<user_view>,
  caf::replies_to<usr_delete_atom, std::string, std::string>::with<user_view>,
  caf::replies_to<usr_brief_atom, std::string>::with<member_view>,
  caf::replies_to<usr_brief_atom,
                  std::vector<std::string>>::with<std::vector<member_view>>,
  caf::reacts_to<pts_award_atom, points_award>,
  caf::replies_to<pty_get_atom, int64_t>::with<party_view>,
  caf::replies_to<pty_join_atom, int64_t, std::string,
                  std::string>::with<party_view>,
  caf::replies_to<pty_leave_atom, int64_t, std::string,
                  std::string>::with<party_view>,
  caf::replies_to<pty_update_atom, party_patch, std::string>::with<party_view>,
  caf::replies_to<pty_delete_atom, int64_t, std::string,
                  std::string>::with<party_view>,
  caf::replies_to<pty_create_atom, party_record, std::string>::with<party_view>,
  caf::replies_to<usr_search_atom, std::string,
                  int32_t>::with<std::vector<user_summary>>,
  caf::replies_to<pty_mine_atom, std::string>::with<std::vector<party_record>>,
  caf::replies_to<pty_list_atom, party_filter>::with<std::vector<party_record>>,
  caf::replies_to<shd_stats_atom>::with<shard_stats>,
  caf::replies_to<db_purge_atom, std::string>::with<std::vector<int64_t>>,
  caf::replies_to<pts_scan_atom, std::string>::with<points_mark>,
  caf::replies_to<nod_status_atom>::with<region_status>,
  caf::replies_to<cal_add_atom, calendar_entry,
                  std::string>::with<calendar_entry>,
  caf::replies_to<cal_list_atom,
                  std::string>::with<std::vector<calendar_entry>>,
  caf::replies_to<cal_delete_atom, std::string, int64_t,
                  std::string>::with<calendar_entry>,
  caf::replies_to<rec_snapshot_atom, std::string>::with<rec_shard_snapshot>,
  caf::reacts_to<rec_change_atom, rec_change>,
  caf::replies_to<passivate_atom, std::string, int64_t>::with<bool>,
  caf::replies_to<passivate_atom, int64_t, int64_t>::with<bool>,
  caf::replies_to<sup_tree_atom>::with<std::vector<tree_line>>,
  caf::reacts_to<dbg_crash_atom>, caf::reacts_to<dbg_crash_atom, std::string>,
  caf::reacts_to<dbg_crash_atom, int64_t>>::
  // Recommendations of this shard's users: to this node's recommender.
  // Notifications (messages/notification_protocol.hpp) and the data jobs
  // (messages/maintenance_protocol.hpp): to the owner.
  extend_with<recommend_user_interface, recommend_cache_interface,
              notification_shard_interface, maintenance_shard_interface>;

} // namespace lunch
