#pragma once

// The gateway's calendar commands (lunchctl calendar ...): checked here,
// then routed by the user's key to the region serving its shard, which
// passes them to the shard owner. Writes with a request id may be sent
// again after a failover, like every other write.

#include <cstdint>
#include <string>
#include <vector>

#include <caf/all.hpp>

#include "actors/node/gateway_state.hpp"

namespace lunch {

/// A new entry of `e.employee_id` (id and created_at are the shard's).
caf::result<calendar_entry>
add_calendar_entry(gateway_self self, calendar_entry e, const request_id& rid);

/// `user`'s entries by (date, id); not_found if there is no such user.
caf::result<std::vector<calendar_entry>> list_calendar(gateway_self self,
                                                       const user_key& user);

/// Removes entry `id` of `user` and returns it.
caf::result<calendar_entry>
delete_calendar_entry(gateway_self self, const user_key& user, int64_t id,
                      const request_id& rid);

} // namespace lunch
