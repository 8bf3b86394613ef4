#pragma once

#include <cstdint>
#include <optional>

#include <caf/fwd.hpp>

#include "actors/entity/entity_context.hpp"
#include "messages/model.hpp"

namespace lunch {

/// Activates the entity of party `id`, linked to `parent` (its region). All
/// changes of one party pass through it one at a time, so concurrent joins
/// can never exceed max_members. With `created` (the party its owner just
/// inserted) it starts loaded, and its first request reads nothing.
party_entity_actor
spawn_party_entity(caf::local_actor* parent, int64_t id, entity_context ctx,
                   std::optional<party_record> created = std::nullopt);

} // namespace lunch
