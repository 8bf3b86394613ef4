#pragma once

#include <cstdint>

#include <caf/fwd.hpp>

namespace lunch::runtime {

/// Prepares a CAF config for lunchd or lunchctl: loads the middleman,
/// registers every wire type under the same name (both sides must), the
/// error renderer, and the scheduler size (0 = one worker per core).
void configure(caf::actor_system_config& cfg, int32_t threads);

} // namespace lunch::runtime
