#pragma once

// The notification inbox (spec §10.1): the messages of the gateway, and
// those the gateway sends to the region of the recipient's shard, which
// passes them straight to the shard owner (no entity: the owner's foreign
// key is the "does the user exist" check).
//
// Region and shard owner (every write takes a request id last, "" for
// none; the owner applies an id once):
//   (ntf_add_atom, notification, dedupe_key, request_id) -> bool
//       true if inserted, false if the dedupe key was used before;
//       not_found (no such user)
//   (ntf_add_atom, [notification], [dedupe_key], request_id)
//       -> [inserted, duplicates, missing_users]   every recipient on this
//       shard; one statement
//   (ntf_list_atom, user, unread_only) -> notification_inbox  not_found
//   (ntf_read_atom, id, request_id)    -> notification (now read) | not_found
//   (ntf_readall_atom, user, request_id) -> int64_t (marked) | not_found
//   (ntf_delete_atom, id, request_id)  -> bool (true) | not_found
//   (ntf_clear_atom, user, request_id) -> int64_t (read ones deleted)
//                                         | not_found
//
// Gateway: the same, and every write also without a request id. Adds route
// by the recipient's shard (a batch is split by shard, one owner request
// per shard, and the counts summed), ids by their slot like party ids. A
// dedupe key ("" for none) makes an add safe to send again after a
// failover, like a request id.

#include <cstdint>
#include <string>
#include <vector>

#include <caf/replies_to.hpp>
#include <caf/typed_actor.hpp>

#include "messages/atoms.hpp"
#include "messages/notification_inspect.hpp"

namespace lunch {

using notification_shard_interface = caf::typed_actor<
  caf::replies_to<ntf_add_atom, notification, std::string,
                  std::string>::with<bool>,
  caf::replies_to<ntf_add_atom, std::vector<notification>,
                  std::vector<std::string>,
                  std::string>::with<std::vector<int64_t>>,
  caf::replies_to<ntf_list_atom, std::string, bool>::with<notification_inbox>,
  caf::replies_to<ntf_read_atom, int64_t, std::string>::with<notification>,
  caf::replies_to<ntf_readall_atom, std::string, std::string>::with<int64_t>,
  caf::replies_to<ntf_delete_atom, int64_t, std::string>::with<bool>,
  caf::replies_to<ntf_clear_atom, std::string, std::string>::with<int64_t>>;

using notification_gateway_interface = notification_shard_interface::extend<
  caf::replies_to<ntf_add_atom, notification, std::string>::with<bool>,
  caf::replies_to<ntf_add_atom, std::vector<notification>,
                  std::vector<std::string>>::with<std::vector<int64_t>>,
  caf::replies_to<ntf_read_atom, int64_t>::with<notification>,
  caf::replies_to<ntf_readall_atom, std::string>::with<int64_t>,
  caf::replies_to<ntf_delete_atom, int64_t>::with<bool>,
  caf::replies_to<ntf_clear_atom, std::string>::with<int64_t>>;

} // namespace lunch
