#pragma once

// Shards: the public view of the slot map and the shards, and the shard
// owner, the single writer of one shard database. The owner runs on its
// own thread (detached) because every message is a blocking PostgreSQL
// round trip. Writes are group-committed: replies leave after the commit.
// Its interface is the composition of the features' shard fragments
// (user, party, calendar, points, notification, maintenance protocols)
// and its own:
//
//   (shd_stats_atom)                     -> shard_stats
//   (rec_snapshot_atom, today)           -> rec_shard_snapshot, read in a
//       transaction of its own (repeatable read, read-only) after the open
//       batch has committed
//   (evt_pending_atom, after_id, limit)  -> [domain_event] of the outbox
//                                           after `after_id`, in id order
//   (evt_cursor_atom)                    -> [event_cursor] of every
//                                           subscriber seen so far
//   (evt_cursor_atom, [event_cursor])    -> bool  moves cursors forward
//   (db_seen_atom, request_id)           -> bool  applied before?
//   (dbg_crash_atom)                     -> ()  throw (fault injection)
//
// Every write takes a request id last (empty: none). An id seen before
// (request_log, written in the write's own transaction) is not applied
// again: the original reply, stored with it, is the answer.
//
// Events: every write appends its domain events to the shard's outbox in
// its own transaction (actors/events/events.hpp); once a batch with events
// has committed, the owner nudges the shard's event relay, which reads and
// delivers them. A repeated request id applies nothing, so it writes no
// event.
//
// It connects when it starts and quits with `unavailable` when it cannot or
// when its connection breaks; its supervisor restarts it with backoff.
//
// Public (the gateway):
//   (shd_map_atom)    -> [slot_range]
//   (shd_stats_atom)  -> [shard_stats]  every shard; one that cannot answer
//                                       has `error` set
//   (shd_plan_atom)   -> rebalance_plan
//   (nod_status_atom) -> node_status

#include <cstdint>
#include <string>
#include <vector>

#include <caf/replies_to.hpp>
#include <caf/typed_actor.hpp>

#include "messages/atoms.hpp"
#include "messages/calendar_protocol.hpp"
#include "messages/event_inspect.hpp"
#include "messages/inspect.hpp"
#include "messages/maintenance_protocol.hpp"
#include "messages/notification_protocol.hpp"
#include "messages/party_protocol.hpp"
#include "messages/points_protocol.hpp"
#include "messages/recommend_inspect.hpp"
#include "messages/user_protocol.hpp"

namespace lunch {

using shard_public = caf::typed_actor<
  caf::replies_to<shd_map_atom>::with<std::vector<slot_range>>,
  caf::replies_to<shd_stats_atom>::with<std::vector<shard_stats>>,
  caf::replies_to<shd_plan_atom>::with<rebalance_plan>,
  caf::replies_to<nod_status_atom>::with<node_status>>;

/// What only the owner answers: its stats, the snapshot, the outbox and
/// the request log.
using shard_owner_own = caf::typed_actor<
  caf::replies_to<shd_stats_atom>::with<shard_stats>,
  caf::replies_to<rec_snapshot_atom, std::string>::with<rec_shard_snapshot>,
  caf::replies_to<evt_pending_atom, int64_t,
                  int32_t>::with<std::vector<domain_event>>,
  caf::replies_to<evt_cursor_atom>::with<std::vector<event_cursor>>,
  caf::replies_to<evt_cursor_atom, std::vector<event_cursor>>::with<bool>,
  caf::replies_to<db_seen_atom, request_id>::with<bool>,
  caf::reacts_to<dbg_crash_atom>>;

using shard_owner_actor
  = user_shard::extend_with<party_shard, calendar_interface, points_shard,
                            notification_interface, maintenance_shard_interface,
                            shard_owner_own>;

} // namespace lunch
