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
caf::result<calendar_entry> add_calendar_entry(gateway_self self,
                                               calendar_entry e,
                                               const std::string& request_id);

/// `user`'s entries by (date, id); not_found if there is no such user.
caf::result<std::vector<calendar_entry>> list_calendar(gateway_self self,
                                                       const std::string& user);

/// Removes entry `id` of `user` and returns it.
caf::result<calendar_entry>
delete_calendar_entry(gateway_self self, const std::string& user, int64_t id,
                      const std::string& request_id);

} // namespace lunch
