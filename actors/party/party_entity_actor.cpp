#include "actors/party/party_entity_actor.hpp"

#include <algorithm>

#include <caf/all.hpp>

#include "actors/entity/passivation.hpp"
#include "actors/entity/replay.hpp"
#include "actors/party/party_rules.hpp"
#include "actors/user/points.hpp"
#include "messages/errors.hpp"
#include "runtime/crash_reply.hpp"
#include "runtime/log.hpp"

namespace lunch {

namespace {

using party_impl = party_entity_actor::extend<caf::reacts_to<idle_atom>>;

struct party_state : entity_base_state {
  int64_t id = 0;
  bool exists = false;
  party_record party;
  static inline const char* name = "lunch.party";
};

using self_ptr = party_impl::stateful_pointer<party_state>;
using view_promise = caf::typed_response_promise<party_view>;

caf::error missing(const party_state& st) {
  return make_error(errc::not_found,
                    "party " + std::to_string(st.id) + " not found");
}

// Marks the party gone after the owner deleted it; replies with its last
// state flagged as deleted.
void forget(self_ptr self, view_promise rp) {
  auto& st = self->state;
  party_view last{st.party, {}, true};
  st.exists = false;
  st.party = party_record{};
  rp.deliver(std::move(last));
}

void delete_party(self_ptr self, view_promise rp, const request_id& rid) {
  auto& st = self->state;
  self
    ->request(st.ctx.owner, st.ctx.timeout, db_delete_atom::value,
              party_id{st.id}, rid)
    .await([=](bool) mutable { forget(self, rp); },
           [=](caf::error& e) mutable { rp.deliver(e); });
}

template <class F>
view_promise when_loaded(self_ptr self, F fn) {
  auto store = [](party_state& st, party_lookup& x) {
    st.exists = x.found;
    st.party = std::move(x.party);
  };
  return lunch::when_loaded<party_view, party_lookup>(
    self, party_id{self->state.id}, store, fn);
}

// Checks that the party exists, then runs `fn(rp)`. A write (`rid` set)
// to a party that is gone may be the repeat of the delete that removed it.
template <class F>
view_promise when_present(self_ptr self, F fn, const request_id& rid = {}) {
  return when_loaded(self, [=](view_promise rp) mutable {
    if (!self->state.exists)
      refuse_unless_applied(self, rid, missing(self->state), rp,
                            [=](view_promise rp) mutable {
                              party_record gone;
                              gone.id = self->state.id;
                              rp.deliver(party_view{gone, {}, true});
                            });
    else
      fn(rp);
  });
}

// The current state, for a repeated write that was applied before.
void deliver_current(self_ptr self, view_promise rp) {
  rp.deliver(party_view{self->state.party, {}, false});
}

// The joiner's points go to the joiner's entity, which may live on another
// shard and node: through the router to the region serving the user, the
// one path an award takes. The ledger row is committed already; an entity
// that misses the award (its gateway restarting) shows the ledgers' total
// again when it is next activated.
void announce(self_ptr self, const points_award& award) {
  if (auto gateway = self->state.ctx.gateway())
    self->send(gateway, pts_award_atom::value, award);
  else
    log::warn("points.award_undelivered",
              {{"user", award.employee_id},
               {"ledger_id", std::to_string(award.ledger_id)},
               {"error", "the gateway is restarting"}});
}

// Asks the owner to add `user` (member row and ledger row, one commit);
// the answer is the award. A request id seen before gets the logged award.
auto add_member(self_ptr self, const std::string& user, const request_id& rid) {
  auto& st = self->state;
  return self->request(st.ctx.owner, st.ctx.timeout, db_addmem_atom::value,
                       party_id{st.id}, user_key{user}, points_party_joined,
                       rid);
}

// A repeated join that was applied before, perhaps on a node that died
// before it announced the award: the owner answers the same request id
// with the logged award, which is announced again (counted once).
void repeat_join(self_ptr self, const std::string& user, const request_id& rid,
                 view_promise rp) {
  add_member(self, user, rid)
    .await(
      [=](points_award& award) mutable {
        announce(self, award);
        deliver_current(self, rp);
      },
      [=](caf::error&) mutable { deliver_current(self, rp); });
}

void join(self_ptr self, const std::string& user, view_promise rp,
          const request_id& rid) {
  auto& st = self->state;
  if (auto v = check_join(st.party, user); !v.ok()) {
    refuse_unless_applied(self, rid, make_error(v), rp, [=](view_promise rp) {
      repeat_join(self, user, rid, rp);
    });
    return;
  }
  add_member(self, user, rid)
    .await(
      [=](points_award& award) mutable {
        auto& members = self->state.party.member_ids;
        if (std::find(members.begin(), members.end(), award.employee_id)
            == members.end())
          members.push_back(award.employee_id);
        announce(self, award);
        rp.deliver(party_view{self->state.party, {}, false});
      },
      [=](caf::error& e) mutable { rp.deliver(e); });
}

void leave(self_ptr self, const std::string& user, view_promise rp,
           const request_id& rid) {
  auto& st = self->state;
  auto decision = check_leave(st.party, user);
  if (!decision.result.ok()) {
    refuse_unless_applied(self, rid, make_error(decision.result), rp,
                          [=](view_promise rp) { deliver_current(self, rp); });
    return;
  }
  if (decision.deletes_party) {
    delete_party(self, rp, rid);
    return;
  }
  self
    ->request(st.ctx.owner, st.ctx.timeout, db_rmmem_atom::value,
              party_id{st.id}, user_key{user}, rid)
    .await(
      [=](bool) mutable {
        auto& members = self->state.party.member_ids;
        members.erase(std::remove(members.begin(), members.end(), user),
                      members.end());
        rp.deliver(party_view{self->state.party, {}, false});
      },
      [=](caf::error& e) mutable { rp.deliver(e); });
}

void update(self_ptr self, const party_patch& patch, view_promise rp,
            const request_id& rid) {
  auto& st = self->state;
  auto changed = st.party;
  if (auto v = check_host(st.party, patch.actor_id); !v.ok()) {
    rp.deliver(make_error(v));
    return;
  }
  if (auto v = apply_patch(changed, patch); !v.ok()) {
    rp.deliver(make_error(v));
    return;
  }
  self->request(st.ctx.owner, st.ctx.timeout, db_save_atom::value, changed, rid)
    .await(
      [=](bool) mutable {
        self->state.party = changed;
        rp.deliver(party_view{changed, {}, false});
      },
      [=](caf::error& e) mutable { rp.deliver(e); });
}

party_impl::behavior_type
party_entity_behavior(self_ptr self, int64_t id, entity_context ctx,
                      std::optional<party_record> created) {
  self->state.id = id;
  self->state.path = "party/" + std::to_string(id);
  self->state.ctx = ctx;
  if (created) {
    self->state.loaded = true;
    self->state.exists = true;
    self->state.party = std::move(*created);
  }
  answer_crashes(self, self->state.path);
  start_idle_checks<party_impl>(self);
  return {
    [=](pty_get_atom, party_id) {
      return when_present(self, [=](view_promise rp) mutable {
        rp.deliver(party_view{self->state.party, {}, false});
      });
    },
    [=](pty_join_atom, party_id, const user_key& user, const request_id& rid) {
      return when_present(
        self, [=](view_promise rp) { join(self, user.value, rp, rid); }, rid);
    },
    [=](pty_leave_atom, party_id, const user_key& user, const request_id& rid) {
      return when_present(
        self, [=](view_promise rp) { leave(self, user.value, rp, rid); }, rid);
    },
    [=](pty_update_atom, const party_patch& patch, const request_id& rid) {
      return when_present(
        self, [=](view_promise rp) { update(self, patch, rp, rid); }, rid);
    },
    [=](pty_delete_atom, party_id, const user_key& actor,
        const request_id& rid) {
      return when_present(
        self,
        [=](view_promise rp) mutable {
          if (auto v = check_host(self->state.party, actor.value); !v.ok())
            rp.deliver(make_error(v));
          else
            delete_party(self, rp, rid);
        },
        rid);
    },
    [=](dbg_crash_atom) -> void { throw injected_fault(self->state.path); },
    [=](idle_atom) {
      on_idle_check<party_impl>(self, party_id{self->state.id});
    },
  };
}

} // namespace

party_entity_actor spawn_party_entity(caf::local_actor* parent, int64_t id,
                                      entity_context ctx,
                                      std::optional<party_record> created) {
  auto h = parent->spawn<caf::linked>(party_entity_behavior, id, std::move(ctx),
                                      std::move(created));
  return caf::actor_cast<party_entity_actor>(h);
}

} // namespace lunch
