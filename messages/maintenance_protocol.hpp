#pragma once

// The data jobs of spec §5 (cleanup_expired_data_async and
// process_user_analytics_async): the messages of the gateway, and those
// the gateway sends to the region of every shard, which passes them to the
// shard owner (the cleanup also stops the cached entities of the parties it
// deleted).
//
// Region and shard owner (writes take a request id last, empty for none;
// the owner applies an id once):
//   (mnt_clean_atom, party_cutoff, notification_days, request_id)
//       -> cleanup_counts   deletes the parties dated before party_cutoff
//       (YYYY-MM-DD; members cascade, one party.deleted event each) and the
//       notifications created more than notification_days days ago; one
//       transaction
//   (mnt_scan_atom, day, only_user) -> [analytics_counts]  this shard's
//       rows per employee id (only users with a membership or ledger row
//       here; only_user "" = everyone), ordered by id
//   (mnt_store_atom, day, [analytics_counts], only_user, request_id)
//       -> int64_t   upserts the (user, day) row of every user of this
//       shard (or only only_user), with the counts listed for it or zeros,
//       and the preferences of its users row; how many rows
//   (mnt_get_atom, user, day) -> user_analytics   "" = the latest day |
//       not_found
//
// Gateway:
//   (mnt_clean_atom, today, request_id) -> [cleanup_counts]  every shard,
//       in shard order: parties dated more than 7 days before today,
//       notifications older than 30 days | invalid_argument (today not a
//       date) | unavailable naming the shards that did not answer. Shard i
//       gets the request id "<request_id>:i", so a resend is applied once.
//   (mnt_analytics_atom, day, only_user, request_id) -> analytics_summary
//       scans every shard, sums each user's counts and sends every shard
//       (only the user's, with only_user) its users' sums to store |
//       invalid_argument | not_found (only_user does not exist)
//   (mnt_get_atom, user, day) -> user_analytics (by the user's key)

#include <cstdint>
#include <string>
#include <vector>

#include <caf/replies_to.hpp>
#include <caf/typed_actor.hpp>

#include "messages/atoms.hpp"
#include "messages/inspect.hpp"
#include "messages/maintenance_inspect.hpp"

namespace lunch {

using maintenance_shard_interface = caf::typed_actor<
  caf::replies_to<mnt_clean_atom, std::string, int32_t,
                  request_id>::with<cleanup_counts>,
  caf::replies_to<mnt_scan_atom, std::string,
                  std::string>::with<std::vector<analytics_counts>>,
  caf::replies_to<mnt_store_atom, std::string, std::vector<analytics_counts>,
                  std::string, request_id>::with<int64_t>,
  caf::replies_to<mnt_get_atom, std::string,
                  std::string>::with<user_analytics>>;

using maintenance_gateway_interface = caf::typed_actor<
  caf::replies_to<mnt_clean_atom, std::string,
                  request_id>::with<std::vector<cleanup_counts>>,
  caf::replies_to<mnt_analytics_atom, std::string, std::string,
                  request_id>::with<analytics_summary>,
  caf::replies_to<mnt_get_atom, std::string,
                  std::string>::with<user_analytics>>;

} // namespace lunch
