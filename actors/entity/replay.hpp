#pragma once

// Retried writes. A write that was applied just before its node died is
// sent again (same request id) to the shard's new owner, whose entity
// loaded the state with that write in it: its domain check now refuses it
// (already_joined, already_exists, not_member, not_found). The shard's
// request log tells a repeat from a real refusal: a repeat gets success.

#include <caf/error.hpp>

#include "messages/shard_protocol.hpp"

namespace lunch {

/// Delivers `refusal` to `rp`, unless `rid` was applied already on this
/// shard: then runs `applied(rp)`, which answers with the current state.
template <class Self, class Promise, class Applied>
void refuse_unless_applied(Self* self, const request_id& rid,
                           caf::error refusal, Promise rp, Applied applied) {
  if (rid.empty()) {
    rp.deliver(std::move(refusal));
    return;
  }
  auto& ctx = self->state.ctx;
  self->request(ctx.owner, ctx.timeout, db_seen_atom::value, rid)
    .await(
      [=](bool seen) mutable {
        if (seen)
          applied(rp);
        else
          rp.deliver(refusal);
      },
      [=](caf::error&) mutable { rp.deliver(refusal); });
}

} // namespace lunch
