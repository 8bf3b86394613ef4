#pragma once

// The gateway's party commands (lunchctl party ...): routed by the party's
// id to the region serving its shard, where the party's entity serialises
// them; the reply's members are filled in here from one brief batch per
// shard holding some of them, not one request per member.

#include <vector>

#include <caf/all.hpp>

#include "actors/node/gateway_state.hpp"

namespace lunch {

caf::result<party_view> create_party(gateway_self self, party_record p,
                                     const request_id& rid);

caf::result<party_view> get_party(gateway_self self, party_id id);

caf::result<party_view> join_party(gateway_self self, party_id id,
                                   const user_key& user, const request_id& rid);

caf::result<party_view> leave_party(gateway_self self, party_id id,
                                    const user_key& user,
                                    const request_id& rid);

caf::result<party_view> update_party(gateway_self self, const party_patch& p,
                                     const request_id& rid);

caf::result<party_view> delete_party(gateway_self self, party_id id,
                                     const user_key& user,
                                     const request_id& rid);

/// `user`'s parties on every shard, newest first (only regular ones with
/// `regular_only`), members filled in.
caf::result<std::vector<party_view>>
parties_of(gateway_self self, const user_key& user, bool regular_only);

/// The parties matching `filter` on every shard, newest first.
caf::result<std::vector<party_record>> list_parties(gateway_self self,
                                                    party_filter filter);

} // namespace lunch
