#pragma once

// The event relay of one shard (actors/events/event_relay.hpp): it reads
// the shard's outbox through the owner and delivers each event to its
// subscribers.
//
//   (evt_new_atom)    -> ()  the owner committed events: read the outbox now
//   (dbg_crash_atom)  -> ()  throw (fault injection)

#include <caf/replies_to.hpp>
#include <caf/typed_actor.hpp>

#include "messages/atoms.hpp"

namespace lunch {

using event_relay_actor = caf::typed_actor<caf::reacts_to<evt_new_atom>,
                                           caf::reacts_to<dbg_crash_atom>>;

} // namespace lunch
