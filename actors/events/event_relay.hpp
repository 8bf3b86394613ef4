#pragma once

// The event relay of one shard ("events/N", the last child of shards/N):
// delivers the shard's outbox (actors/events/events.hpp) to every
// subscriber at least once, in order per entity. It reads the events from
// the shard owner, from each subscriber's cursor on; the owner nudges it
// after every commit that wrote events, and it also looks every
// `poll_interval` in case a nudge was lost. Subscribers:
//   notifications  inserts the event's notices through the gateway (to the
//                  recipient's shard; a dedupe key per event and recipient,
//                  so a repeated delivery inserts nothing), acked by the
//                  recipient's shard; a failure is retried with backoff
//   recommend      hands the change notices to the gateway, which spreads
//                  them to every node's recommender
// Cursors are saved in the shard database (outbox_cursors) as they move.
// After a crash, a restart or a failover to another node, the new relay
// starts from the saved cursors: events delivered since the last save are
// delivered again, which the subscribers absorb.
//
// With fault injection armed for "events/N" the relay holds its
// deliveries (as if its node died right after the commit).
//
// Its messages (event_relay_actor) are in messages/event_protocol.hpp.

#include <cstdint>
#include <memory>
#include <string>

#include <caf/fwd.hpp>
#include <caf/timespan.hpp>

#include "messages/event_protocol.hpp"

namespace lunch {

class node_directory;
class fault_injector;

struct event_relay_settings {
  int32_t shard = 0;
  caf::timespan timeout;       // of every request the relay makes
  caf::timespan poll_interval; // reads the outbox at least this often
  // The first read waits this long: a new owner serves the requests that
  // waited through its takeover before the backlog the relay brings.
  caf::timespan start_delay;
  std::shared_ptr<node_directory> directory; // owner(N), gateway()
  std::shared_ptr<fault_injector> faults;    // null unless debug is on
};

/// Spawns the relay of one shard; its owner must be running.
caf::actor spawn_event_relay(caf::local_actor* parent,
                             event_relay_settings settings);

} // namespace lunch
