#pragma once

#include <string>

#include <caf/fwd.hpp>

#include "messages/cluster_protocol.hpp"

namespace lunch {

/// Spawns the node's catalog actor: a detached actor (its own thread) that
/// holds the one connection to the catalog database used at run time. A
/// catalog that is down fails the request (`unavailable`) without ending
/// the actor: the next request connects again. The data path never waits
/// for it; only membership and lease changes do.
catalog_actor spawn_catalog_actor(caf::local_actor* parent, std::string dsn);

} // namespace lunch
