#pragma once

#include <cstdint>

#include <caf/fwd.hpp>

#include "actors/entity/entity_context.hpp"

namespace lunch {

/// Activates the entity of party `id`, linked to `parent` (its region). All
/// changes of one party pass through it one at a time, so concurrent joins
/// can never exceed max_members.
party_entity_actor spawn_party_entity(caf::local_actor* parent, int64_t id,
                                      entity_context ctx);

} // namespace lunch
