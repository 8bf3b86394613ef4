#include "runtime/bin/lunchctl/exit_codes.hpp"

namespace lunch::ctl {

exit_status exit_code(errc x) {
  // Every code is listed, so -Wswitch asks for a new one's exit code.
  switch (x) {
    case errc::none:
      return exit_ok;
    case errc::not_found:
    case errc::already_exists:
    case errc::party_full:
    case errc::already_joined:
    case errc::not_member:
    case errc::forbidden:
    case errc::invalid_argument:
    case errc::internal:
      return exit_domain;
    case errc::unavailable:
    case errc::timeout:
    case errc::gave_up:
    case errc::fenced:
      return exit_unreachable;
  }
  return exit_domain;
}

} // namespace lunch::ctl
