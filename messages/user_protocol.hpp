#pragma once

// Users (spec §2.1, §7). Every write carries its request id last (empty:
// none): the shard owner applies an id once and answers a repeat with the
// original result; a repeat refused by a domain rule (already_exists, ...)
// after a failover is answered as the success it was.
//
// commands (the public API; the region routes them to the user's entity):
//   (usr_create_atom, user_profile, request_id) -> user_view | already_exists
//                                                  | invalid_argument
//   (usr_get_atom, user_key)                    -> user_view | not_found
//   (usr_update_atom, user_patch, request_id)   -> user_view | not_found |
//                                                  invalid_argument
//   (usr_delete_atom, user_key, request_id)     -> user_view (the last one)
//       the gateway purges the user's memberships and ledger rows on every
//       shard first, then deletes the user
// public, in addition:
//   (usr_search_atom, term, limit)  -> [user_summary] of every shard, by
//                                      nickname
//   (usr_shard_atom, key)           -> key_location  slot and shard of a key
// entity, in addition:
//   (usr_brief_atom, user_key)      -> member_view | not_found
// region (one per shard), in addition:
//   (usr_brief_atom, [user_key])    -> [member_view] in the same order; an
//       unknown user's is empty; any other failure fails the batch
//   (usr_search_atom, term, limit)  -> [user_summary]  this shard
//   (db_purge_atom, user_key)       -> [party ids touched]  a user was
//       deleted: its memberships and ledger rows here go
// shard owner:
//   (db_load_atom, user_key)                 -> user_lookup
//   (db_insert_atom, user_profile, request_id) -> user_profile |
//                                               already_exists
//   (db_save_atom, user_profile, request_id) -> user_profile | not_found
//   (db_delete_atom, user_key, request_id)   -> bool | not_found
//   (db_purge_atom, user_key)                -> [party ids touched]
//   (usr_search_atom, term, limit)           -> [user_summary]

#include <cstdint>
#include <string>
#include <vector>

#include <caf/meta/type_name.hpp>
#include <caf/replies_to.hpp>
#include <caf/typed_actor.hpp>

#include "messages/atoms.hpp"
#include "messages/inspect.hpp"

namespace lunch {

struct user_lookup {
  bool found = false;
  user_profile profile;
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, user_lookup& x) {
  return f(caf::meta::type_name("lunch::user_lookup"), x.found, x.profile);
}

using user_commands = caf::typed_actor<
  caf::replies_to<usr_create_atom, user_profile, request_id>::with<user_view>,
  caf::replies_to<usr_get_atom, user_key>::with<user_view>,
  caf::replies_to<usr_update_atom, user_patch, request_id>::with<user_view>,
  caf::replies_to<usr_delete_atom, user_key, request_id>::with<user_view>>;

using user_public = user_commands::extend<
  caf::replies_to<usr_search_atom, std::string,
                  int32_t>::with<std::vector<user_summary>>,
  caf::replies_to<usr_shard_atom, std::string>::with<key_location>>;

using user_entity = user_commands::extend<
  caf::replies_to<usr_brief_atom, user_key>::with<member_view>>;

using user_region = user_commands::extend<
  caf::replies_to<usr_brief_atom,
                  std::vector<user_key>>::with<std::vector<member_view>>,
  caf::replies_to<usr_search_atom, std::string,
                  int32_t>::with<std::vector<user_summary>>,
  caf::replies_to<db_purge_atom, user_key>::with<std::vector<int64_t>>>;

using user_shard = caf::typed_actor<
  caf::replies_to<db_load_atom, user_key>::with<user_lookup>,
  caf::replies_to<db_insert_atom, user_profile, request_id>::with<user_profile>,
  caf::replies_to<db_save_atom, user_profile, request_id>::with<user_profile>,
  caf::replies_to<db_delete_atom, user_key, request_id>::with<bool>,
  caf::replies_to<db_purge_atom, user_key>::with<std::vector<int64_t>>,
  caf::replies_to<usr_search_atom, std::string,
                  int32_t>::with<std::vector<user_summary>>>;

} // namespace lunch
