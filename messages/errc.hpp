#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace lunch {

/// Error codes shared by every actor and by lunchctl. CAF-free on purpose:
/// domain logic returns these, `messages/errors.hpp` turns them into
/// `caf::error`. Values are part of the wire format: never renumber.
enum class errc : uint8_t {
  none = 0,
  /// The user, party or other key does not exist.
  not_found = 1,
  /// A user with that id exists already.
  already_exists = 2,
  /// The party has reached `max_members`.
  party_full = 3,
  /// The user is a member of the party already.
  already_joined = 4,
  /// The user is not a member of the party.
  not_member = 5,
  /// Only the host may do this (or: a normal party's host may not leave).
  forbidden = 6,
  /// A field is missing or malformed.
  invalid_argument = 7,
  /// A shard database (or the node) cannot be reached right now.
  unavailable = 8,
  /// A request took longer than its timeout.
  timeout = 9,
  /// An unexpected database error (a bug or a broken invariant).
  internal = 10,
  /// A supervisor gave up: a child failed more often than its restart
  /// intensity allows (the reason a supervisor escalates with).
  gave_up = 11,
  /// This node no longer holds the shard's lease: a newer owner fenced it
  /// out of the shard database.
  fenced = 12,
};

/// Stable snake_case name, used on the wire to lunchctl's `--json` output.
const char* to_string(errc x);

} // namespace lunch

namespace lunch {

/// The result of a domain check: `errc::none` or a code with a message that
/// names the offending field, e.g. {invalid_argument, "party_time: ..."}.
struct outcome {
  errc code = errc::none;
  std::string message;

  bool ok() const {
    return code == errc::none;
  }
};

inline outcome fail(errc code, std::string message) {
  return outcome{code, std::move(message)};
}

/// invalid_argument naming the field: "<field>: <why>".
inline outcome invalid_field(std::string_view field, std::string_view why) {
  std::string msg{field};
  msg += ": ";
  msg += why;
  return fail(errc::invalid_argument, std::move(msg));
}

} // namespace lunch
