#pragma once

// lunchctl's exit codes (docs/lunchctl.md), in one place: scripts branch
// on them, so an error code's exit code must not depend on the command.

#include "messages/errc.hpp"

namespace lunch::ctl {

/// 0 ok, 1 domain error, 2 usage error, 3 node/shard unreachable or timeout.
enum exit_status : int {
  exit_ok = 0,
  exit_domain = 1,
  exit_usage = 2,
  exit_unreachable = 3,
};

/// The exit code for an error the node (or lunchctl itself) reports.
exit_status exit_code(errc x);

} // namespace lunch::ctl
