#include "messages/errc.hpp"

namespace lunch {

const char* to_string(errc x) {
  switch (x) {
    case errc::none:
      return "none";
    case errc::not_found:
      return "not_found";
    case errc::already_exists:
      return "already_exists";
    case errc::party_full:
      return "party_full";
    case errc::already_joined:
      return "already_joined";
    case errc::not_member:
      return "not_member";
    case errc::forbidden:
      return "forbidden";
    case errc::invalid_argument:
      return "invalid_argument";
    case errc::unavailable:
      return "unavailable";
    case errc::timeout:
      return "timeout";
    case errc::internal:
      return "internal";
    case errc::gave_up:
      return "gave_up";
    case errc::fenced:
      return "fenced";
  }
  return "internal";
}

} // namespace lunch
