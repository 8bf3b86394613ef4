#pragma once

// The gateway's user commands (lunchctl user ...): routed by the user's key
// to the region serving its shard, where the user's entity serialises
// them; a search asks every shard, a delete purges every shard first.

#include <cstdint>
#include <string>
#include <vector>

#include <caf/all.hpp>

#include "actors/node/gateway_state.hpp"

namespace lunch {

caf::result<user_view> create_user(gateway_self self, const user_profile& p,
                                   const request_id& rid);

caf::result<user_view> get_user(gateway_self self, const user_key& id);

caf::result<user_view> update_user(gateway_self self, const user_patch& p,
                                   const request_id& rid);

/// Existence first, then the memberships and ledger rows on every shard,
/// then the user row: a failed purge leaves the user intact and the delete
/// can be retried (the purge itself is idempotent).
caf::result<user_view> delete_user(gateway_self self, const user_key& id,
                                   const request_id& rid);

/// The users matching `term` (spec §7) on every shard, by
/// (nickname, id); at most `limit` (1..1000).
caf::result<std::vector<user_summary>>
search_users(gateway_self self, const std::string& term, int32_t limit);

} // namespace lunch
