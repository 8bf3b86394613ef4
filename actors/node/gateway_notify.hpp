#pragma once

// The gateway's notification inbox commands (spec §10.1; lunchctl notify
// ...; messages/notification_protocol.hpp): checked here, then routed to
// the region of the recipient's shard (by user key, or by the slot an id
// carries), which passes them to the shard owner. A write with a request
// id, and an add with a dedupe key, may be sent again after a failover.

#include <cstdint>
#include <string>
#include <vector>

#include <caf/all.hpp>

#include "actors/node/gateway_state.hpp"

namespace lunch {

/// Adds `n` for `n.employee_id` (defaults filled, then checked): true if
/// inserted, false if `dedupe_key` was used before.
caf::result<bool> add_notification(gateway_self self, notification n,
                                   const std::string& dedupe_key,
                                   const request_id& rid);

/// Adds a batch: one owner request per shard, answers summed into
/// {inserted, duplicates, missing_users}. `dedupe_keys` is empty or one
/// per notification. If a shard fails, the whole call fails (the other
/// shards' rows stay; resend with the same keys or request id).
caf::result<std::vector<int64_t>>
add_notifications(gateway_self self, std::vector<notification> ns,
                  const std::vector<std::string>& dedupe_keys,
                  const request_id& rid);

/// `user`'s unread count and newest 50 (or the unread ones).
caf::result<notification_inbox>
list_notifications(gateway_self self, const user_key& user, bool unread_only);

/// Marks notification `id` read and returns it.
caf::result<notification> read_notification(gateway_self self, int64_t id,
                                            const request_id& rid);

/// Marks all of `user`'s notifications read; how many were unread.
caf::result<int64_t> read_all_notifications(gateway_self self,
                                            const user_key& user,
                                            const request_id& rid);

/// Deletes notification `id` (true).
caf::result<bool> delete_notification(gateway_self self, int64_t id,
                                      const request_id& rid);

/// Deletes `user`'s read notifications; how many.
caf::result<int64_t> clear_read_notifications(gateway_self self,
                                              const user_key& user,
                                              const request_id& rid);

} // namespace lunch
