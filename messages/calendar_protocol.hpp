#pragma once

// Personal calendar entries: the same three messages at the gateway (the
// public API), the region and the shard owner of the user's shard. No
// entity: the owner's foreign key is the "does the user exist" check.
// Every write carries its request id last (empty: none).
//
//   (cal_add_atom, calendar_entry, request_id) -> calendar_entry (id,
//       created_at set) | invalid_argument | not_found (no such user)
//   (cal_list_atom, user_key)     -> [calendar_entry] by (date, id) |
//                                    not_found
//   (cal_delete_atom, user_key, entry_id, request_id) -> calendar_entry
//                                    (the removed one) | not_found

#include <cstdint>
#include <vector>

#include <caf/replies_to.hpp>
#include <caf/typed_actor.hpp>

#include "messages/atoms.hpp"
#include "messages/inspect.hpp"
#include "messages/recommend_inspect.hpp"

namespace lunch {

using calendar_interface = caf::typed_actor<
  caf::replies_to<cal_add_atom, calendar_entry,
                  request_id>::with<calendar_entry>,
  caf::replies_to<cal_list_atom, user_key>::with<std::vector<calendar_entry>>,
  caf::replies_to<cal_delete_atom, user_key, int64_t,
                  request_id>::with<calendar_entry>>;

} // namespace lunch
