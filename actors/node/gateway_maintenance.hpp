#pragma once

// The gateway's data jobs (spec §5 cleanup_expired_data_async and
// process_user_analytics_async; messages/maintenance_protocol.hpp): checked
// here, then sent to the region of every shard, which passes them to the
// shard owner. Each shard's part of a write carries its own request id
// ("<request_id>:<shard>"), so a resend after a failover, or a repeat of
// the whole call, is applied once per shard.

#include <cstdint>
#include <string>
#include <vector>

#include <caf/all.hpp>

#include "actors/node/gateway_state.hpp"

namespace lunch {

/// Deletes, on every shard, the parties dated more than 7 days before
/// `today` (YYYY-MM-DD) and the notifications older than 30 days; the
/// counts of every shard, in shard order. If a shard fails, the call fails
/// naming it (the others' deletions stay; resend with the same request id).
caf::result<std::vector<cleanup_counts>>
cleanup_expired_data(gateway_self self, const std::string& today,
                     const request_id& rid);

/// Writes the `day` analytics row of every user (or only `only_user`):
/// every shard is scanned, each user's counts summed and sent to the
/// user's shard with the preferences read there.
caf::result<analytics_summary>
process_user_analytics(gateway_self self, const std::string& day,
                       const std::string& only_user, const request_id& rid);

/// `user`'s analytics row of `day` ("" = the latest).
caf::result<user_analytics> read_user_analytics(gateway_self self,
                                                const std::string& user,
                                                const std::string& day);

} // namespace lunch
