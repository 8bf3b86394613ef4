#pragma once

// A builder: ranks the candidates of a chunk of users on a set of days
// (spec §4.2) against an immutable world. Builders are detached (their own
// threads, at a lower priority), so a long build never occupies the
// scheduler threads that answer requests. Node-local messages only; they
// (builder_actor) are in messages/recommend_protocol.hpp.

#include <caf/fwd.hpp>

#include "actors/recommend/rec_world.hpp"
#include "actors/recommend/smart.hpp"
#include "messages/recommend_protocol.hpp"

namespace lunch {

/// Spawns a detached builder linked to `parent`.
builder_actor spawn_builder(caf::local_actor* parent);

} // namespace lunch
