#pragma once

// How a node finds a peer's cluster actor. Peers connect to each other's
// published port, where only the public API (the gateway's door) answers;
// the cluster actor is never published. It registers itself in its node's
// CAF registry instead, and a connected peer asks that node's registry for
// it over the BASP connection (what middleman::remote_lookup does, without
// blocking).

#include <caf/atom.hpp>
#include <caf/fwd.hpp>
#include <caf/node_id.hpp>
#include <caf/timespan.hpp>

namespace lunch {

/// The key of the cluster actor in its node's registry.
inline constexpr caf::atom_value cluster_registry_key = caf::atom("lunch_clu");

/// Registers `self` under `cluster_registry_key` until it terminates (a
/// newer incarnation's entry is left alone).
void register_cluster_actor(caf::local_actor* self);

/// A one-shot actor that, asked (caf::get_atom), answers the actor node
/// `nid` registered under `key` (null if none), or `request_timeout` after
/// `timeout`, and then quits. The node must be connected already.
caf::actor spawn_peer_lookup(caf::actor_system& sys, caf::node_id nid,
                             caf::atom_value key, caf::timespan timeout);

} // namespace lunch
