#pragma once

// The event relay of a shard ("events/N"; actors/events/event_relay.hpp
// spawns it): node-local, never published. It delivers the shard's outbox
// to the subscribers (see actors/events/events.hpp).
//
//   (evt_new_atom)    -> ()   new events were committed (the shard owner
//                             nudges the relay after such a commit)
//   (dbg_crash_atom)  -> ()   fault injection (lunchctl debug crash)

#include <caf/replies_to.hpp>
#include <caf/typed_actor.hpp>

#include "messages/atoms.hpp"

namespace lunch {

using event_relay_actor = caf::typed_actor<caf::reacts_to<evt_new_atom>,
                                           caf::reacts_to<dbg_crash_atom>>;

} // namespace lunch
