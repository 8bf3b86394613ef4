#pragma once

// The shard owner: the single writer of one shard database. It runs on its
// own thread (detached) because every message is a blocking PostgreSQL
// round trip. Writes are group-committed: replies leave after the commit.
//
//   (db_load_atom, user_id)              -> user_lookup
//   (db_insert_atom, user_profile)       -> user_profile | already_exists
//   (db_save_atom, user_profile)         -> user_profile | not_found
//   (db_delete_atom, user_id)            -> bool | not_found
//       deletes the user row; the gateway purged the user's parties,
//       memberships and ledger rows on every shard first
//   (db_purge_atom, user_id)             -> [party ids touched]
//       removes a deleted user's memberships and ledger rows here
//   (pts_scan_atom, user_id)             -> points_mark
//   (usr_search_atom, term, limit)       -> [user_summary]
//   (db_insert_atom, party_record)       -> party_created  (host +50 points)
//   (db_load_atom, party_id)             -> party_lookup
//   (db_addmem_atom, party_id, user_id, points)
//                                        -> points_award | party_full, …
//   (db_rmmem_atom, party_id, user_id)   -> bool
//   (db_save_atom, party_record)         -> bool
//   (db_delete_atom, party_id)           -> bool
//   (pty_mine_atom, user_id)             -> [party_record] (memberships here)
//   (pty_list_atom, party_filter)        -> [party_record]
//   (shd_stats_atom)                     -> shard_stats
//   (db_insert_atom, calendar_entry)     -> calendar_entry | not_found
//   (cal_list_atom, user_id)             -> [calendar_entry] by (date, id)
//                                           | not_found
//   (db_delete_atom, user_id, entry_id)  -> calendar_entry (the removed
//                                           one) | not_found
//   (ntf_*_atom, ...)                    the notification inbox
//                                           (messages/notification_protocol.hpp)
//   (mnt_*_atom, ...)                    the cleanup and user analytics
//                                           (messages/maintenance_protocol.hpp)
//   (rec_snapshot_atom, today)           -> rec_shard_snapshot, read in a
//       transaction of its own (repeatable read, read-only) after the open
//       batch has committed
//   (evt_pending_atom, after_id, limit)  -> [domain_event] of the outbox
//                                           after `after_id`, in id order
//   (evt_cursor_atom)                    -> [event_cursor] of every
//                                           subscriber seen so far
//   (evt_cursor_atom, [event_cursor])    -> bool  moves cursors forward
//   (dbg_crash_atom)                     -> ()  throw (fault injection)
//
// Every write takes a request id last ("" for none). An id seen before
// (request_log, written in the write's own transaction) is not applied
// again: the original reply, stored with it, is the answer.
//   (db_seen_atom, request_id)           -> bool  applied before?
//
// Events: every write appends its domain events to the shard's outbox in
// its own transaction (actors/events/events.hpp); once a batch with events
// has committed, the owner nudges the shard's event relay, which reads and
// delivers them. A repeated request id applies nothing, so it writes no
// event.
//
// It connects when it starts and quits with `unavailable` when it cannot or
// when its connection breaks; its supervisor restarts it with backoff.

#include <cstdint>
#include <string>
#include <vector>

#include <caf/replies_to.hpp>
#include <caf/typed_actor.hpp>

#include "messages/atoms.hpp"
#include "messages/event_inspect.hpp"
#include "messages/inspect.hpp"
#include "messages/maintenance_protocol.hpp"
#include "messages/model.hpp"
#include "messages/notification_protocol.hpp"
#include "messages/recommend_inspect.hpp"

namespace lunch {

struct user_lookup {
  bool found = false;
  user_profile profile;
};

struct party_lookup {
  bool found = false;
  party_record party;
};

struct party_created {
  party_record party;
  points_award award;
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, user_lookup& x) {
  return f(caf::meta::type_name("lunch::user_lookup"), x.found, x.profile);
}

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, party_lookup& x) {
  return f(caf::meta::type_name("lunch::party_lookup"), x.found, x.party);
}

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, party_created& x) {
  return f(caf::meta::type_name("lunch::party_created"), x.party, x.award);
}

using shard_owner_actor = caf::typed_actor<
  caf::replies_to<db_load_atom, std::string>::with<user_lookup>,
  caf::replies_to<db_insert_atom, user_profile,
                  std::string>::with<user_profile>,
  caf::replies_to<db_save_atom, user_profile, std::string>::with<user_profile>,
  caf::replies_to<db_delete_atom, std::string, std::string>::with<bool>,
  caf::replies_to<db_purge_atom, std::string>::with<std::vector<int64_t>>,
  caf::replies_to<pts_scan_atom, std::string>::with<points_mark>,
  caf::replies_to<usr_search_atom, std::string,
                  int32_t>::with<std::vector<user_summary>>,
  caf::replies_to<db_insert_atom, party_record,
                  std::string>::with<party_created>,
  caf::replies_to<db_load_atom, int64_t>::with<party_lookup>,
  caf::replies_to<db_addmem_atom, int64_t, std::string, int64_t,
                  std::string>::with<points_award>,
  caf::replies_to<db_rmmem_atom, int64_t, std::string, std::string>::with<bool>,
  caf::replies_to<db_save_atom, party_record, std::string>::with<bool>,
  caf::replies_to<db_delete_atom, int64_t, std::string>::with<bool>,
  caf::replies_to<pty_mine_atom, std::string>::with<std::vector<party_record>>,
  caf::replies_to<pty_list_atom, party_filter>::with<std::vector<party_record>>,
  caf::replies_to<shd_stats_atom>::with<shard_stats>,
  caf::replies_to<db_seen_atom, std::string>::with<bool>,
  caf::replies_to<db_insert_atom, calendar_entry,
                  std::string>::with<calendar_entry>,
  caf::replies_to<cal_list_atom,
                  std::string>::with<std::vector<calendar_entry>>,
  caf::replies_to<db_delete_atom, std::string, int64_t,
                  std::string>::with<calendar_entry>,
  caf::replies_to<rec_snapshot_atom, std::string>::with<rec_shard_snapshot>,
  caf::replies_to<evt_pending_atom, int64_t,
                  int32_t>::with<std::vector<domain_event>>,
  caf::replies_to<evt_cursor_atom>::with<std::vector<event_cursor>>,
  caf::replies_to<evt_cursor_atom, std::vector<event_cursor>>::with<bool>,
  caf::reacts_to<dbg_crash_atom>>::
  // The notification inbox (messages/notification_protocol.hpp); the
  // cleanup and user analytics (messages/maintenance_protocol.hpp).
  extend_with<notification_shard_interface, maintenance_shard_interface>;

} // namespace lunch
