#pragma once

// CAF glue for lunch::errc: errors cross the wire as category "lunch" with
// the message text as context.

#include <string>

#include <caf/error.hpp>
#include <caf/fwd.hpp>

#include "messages/errc.hpp"

namespace lunch {

caf::error make_error(errc code, std::string message = {});

inline caf::error make_error(const outcome& x) {
  return make_error(x.code, x.message);
}

/// Maps any CAF error to our codes: ours pass through, a request timeout
/// becomes `timeout`, a dead or unreachable receiver becomes `unavailable`.
errc errc_of(const caf::error& e);

/// The message text of one of our errors ("" for CAF's own).
std::string message_of(const caf::error& e);

/// Registers the "lunch" category renderer.
void register_error_renderer(caf::actor_system_config& cfg);

} // namespace lunch
