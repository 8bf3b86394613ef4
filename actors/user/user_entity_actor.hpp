#pragma once

#include <string>

#include <caf/fwd.hpp>

#include "actors/entity/entity_context.hpp"

namespace lunch {

/// Activates the entity of user `id`, linked to `parent` (its region). It
/// loads the user from the shard owner before handling any request.
user_entity_actor spawn_user_entity(caf::local_actor* parent, std::string id,
                                    entity_context ctx);

} // namespace lunch
