#pragma once

// Lunch parties (spec §2.4, §3.2). Every write carries its request id last
// (empty: none), applied at most once per id like a user's.
//
// commands (the public API; the region routes them to the party's entity,
// which serialises the party's changes):
//   (pty_get_atom, party_id)                  -> party_view | not_found
//   (pty_join_atom, party_id, user_key, request_id) -> party_view |
//                                                party_full | already_joined
//   (pty_leave_atom, party_id, user_key, request_id) -> party_view
//       (deleted = true when a random-lunch host left) | not_member |
//       forbidden
//   (pty_update_atom, party_patch, request_id) -> party_view | forbidden |
//                                                invalid_argument
//   (pty_delete_atom, party_id, user_key, request_id) -> party_view
//                                                (deleted = true) | forbidden
// public and region, in addition:
//   (pty_create_atom, party_record, request_id) -> party_view  on the
//       host's shard; the gateway first checks that every member exists
//   (pty_list_atom, party_filter)   -> [party_record]  every shard, newest
//                                      first (region: this shard)
// public, in addition:
//   (pty_mine_atom, user_key, regular_only) -> [party_view]  every shard
// region, in addition:
//   (pty_mine_atom, user_key)       -> [party_record]  memberships here
// The gateway fills in the members of a view (one brief batch per shard);
// entities and regions answer with the record only.
// shard owner:
//   (db_insert_atom, party_record, request_id) -> party_created (host +50)
//   (db_load_atom, party_id)                   -> party_lookup
//   (db_addmem_atom, party_id, user_key, points, request_id)
//                                       -> points_award | party_full, ...
//   (db_rmmem_atom, party_id, user_key, request_id) -> bool
//   (db_save_atom, party_record, request_id)   -> bool
//   (db_delete_atom, party_id, request_id)     -> bool
//   (pty_mine_atom, user_key), (pty_list_atom, party_filter) as the region

#include <cstdint>
#include <vector>

#include <caf/meta/type_name.hpp>
#include <caf/replies_to.hpp>
#include <caf/typed_actor.hpp>

#include "messages/atoms.hpp"
#include "messages/inspect.hpp"

namespace lunch {

struct party_lookup {
  bool found = false;
  party_record party;
};

struct party_created {
  party_record party;
  points_award award;
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, party_lookup& x) {
  return f(caf::meta::type_name("lunch::party_lookup"), x.found, x.party);
}

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, party_created& x) {
  return f(caf::meta::type_name("lunch::party_created"), x.party, x.award);
}

using party_commands = caf::typed_actor<
  caf::replies_to<pty_get_atom, party_id>::with<party_view>,
  caf::replies_to<pty_join_atom, party_id, user_key,
                  request_id>::with<party_view>,
  caf::replies_to<pty_leave_atom, party_id, user_key,
                  request_id>::with<party_view>,
  caf::replies_to<pty_update_atom, party_patch, request_id>::with<party_view>,
  caf::replies_to<pty_delete_atom, party_id, user_key,
                  request_id>::with<party_view>>;

using party_queries = caf::typed_actor<
  caf::replies_to<pty_create_atom, party_record, request_id>::with<party_view>,
  caf::replies_to<pty_list_atom,
                  party_filter>::with<std::vector<party_record>>>;

using party_public
  = party_commands::extend_with<party_queries>::extend<caf::replies_to<
    pty_mine_atom, user_key, bool>::with<std::vector<party_view>>>;

using party_entity = party_commands;

using party_region = party_commands::extend_with<party_queries>::extend<
  caf::replies_to<pty_mine_atom, user_key>::with<std::vector<party_record>>>;

using party_shard = caf::typed_actor<
  caf::replies_to<db_insert_atom, party_record,
                  request_id>::with<party_created>,
  caf::replies_to<db_load_atom, party_id>::with<party_lookup>,
  caf::replies_to<db_addmem_atom, party_id, user_key, int64_t,
                  request_id>::with<points_award>,
  caf::replies_to<db_rmmem_atom, party_id, user_key, request_id>::with<bool>,
  caf::replies_to<db_save_atom, party_record, request_id>::with<bool>,
  caf::replies_to<db_delete_atom, party_id, request_id>::with<bool>,
  caf::replies_to<pty_mine_atom, user_key>::with<std::vector<party_record>>,
  caf::replies_to<pty_list_atom,
                  party_filter>::with<std::vector<party_record>>>;

} // namespace lunch
