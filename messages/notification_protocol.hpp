#pragma once

// The notification inbox (spec §10.1): the messages of the gateway, and
// those the gateway sends to the region of the recipient's shard, which
// passes them straight to the shard owner (no entity: the owner's foreign
// key is the "does the user exist" check).
//
// The same messages at the gateway (the public API), the region and the
// shard owner. Every write carries its request id last (empty: none); the
// owner applies an id once:
//   (ntf_add_atom, notification, dedupe_key, request_id) -> bool
//       true if inserted, false if the dedupe key was used before;
//       not_found (no such user)
//   (ntf_add_atom, [notification], [dedupe_key], request_id)
//       -> [inserted, duplicates, missing_users]   every recipient on this
//       shard; one statement
//   (ntf_list_atom, user_key, unread_only) -> notification_inbox | not_found
//   (ntf_read_atom, id, request_id)    -> notification (now read) | not_found
//   (ntf_readall_atom, user_key, request_id) -> int64_t (marked) | not_found
//   (ntf_delete_atom, id, request_id)  -> bool (true) | not_found
//   (ntf_clear_atom, user_key, request_id) -> int64_t (read ones deleted)
//                                         | not_found
//
// The gateway routes adds by the recipient's shard (a batch is split by
// shard, one owner request per shard, and the counts summed), ids by their
// slot like party ids. A dedupe key ("" for none) makes an add safe to send
// again after a failover, like a request id.

#include <cstdint>
#include <string>
#include <vector>

#include <caf/replies_to.hpp>
#include <caf/typed_actor.hpp>

#include "messages/atoms.hpp"
#include "messages/inspect.hpp"
#include "messages/notification_inspect.hpp"

namespace lunch {

using notification_interface = caf::typed_actor<
  caf::replies_to<ntf_add_atom, notification, std::string,
                  request_id>::with<bool>,
  caf::replies_to<ntf_add_atom, std::vector<notification>,
                  std::vector<std::string>,
                  request_id>::with<std::vector<int64_t>>,
  caf::replies_to<ntf_list_atom, user_key, bool>::with<notification_inbox>,
  caf::replies_to<ntf_read_atom, int64_t, request_id>::with<notification>,
  caf::replies_to<ntf_readall_atom, user_key, request_id>::with<int64_t>,
  caf::replies_to<ntf_delete_atom, int64_t, request_id>::with<bool>,
  caf::replies_to<ntf_clear_atom, user_key, request_id>::with<int64_t>>;

} // namespace lunch
