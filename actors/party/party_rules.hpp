#pragma once

// Party rules (spec §9, §3.2 items 14–21, S5–S8, S14). CAF-free.

#include <string>
#include <string_view>
#include <vector>

#include "messages/errc.hpp"
#include "messages/model.hpp"
#include "messages/wire_formats.hpp"

namespace lunch {

/// Well-formed UTF-8 (no overlong forms, surrogates or code points past
/// U+10FFFF): PostgreSQL rejects anything else.
bool is_valid_utf8(std::string_view s);

/// Fields a `party_patch` may name.
const std::vector<std::string>& party_patch_fields();

/// Checks a new party: host, title, restaurant_name, party_date,
/// party_time, meeting_location present (message "<field>: required");
/// date YYYY-MM-DD; time HH:MM; max_members ≥ 1 and ≥ the number of
/// members (host + distinct initial members).
outcome validate_new_party(const party_record& p);

/// Puts the host first in `member_ids`, drops duplicates and the host from
/// the initial members, keeping their order.
void normalize_members(party_record& p);

/// Join: full is checked first (S7), then already a member.
outcome check_join(const party_record& p, std::string_view user);

/// Leave: not a member → not_member; the host of a normal party →
/// forbidden; the host of a random-lunch party → ok, and `deletes_party`.
struct leave_decision {
  outcome result;
  bool deletes_party = false;
};
leave_decision check_leave(const party_record& p, std::string_view user);

/// Only the host may update or delete.
outcome check_host(const party_record& p, std::string_view actor);

/// Validates the named fields (known names, date/time formats,
/// max_members ≥ 1 and ≥ current members) and, if valid, applies them.
outcome apply_patch(party_record& target, const party_patch& patch);

/// Whether `user` is in `member_ids`.
bool is_member(const party_record& p, std::string_view user);

} // namespace lunch
