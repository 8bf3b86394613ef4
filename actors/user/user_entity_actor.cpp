#include "actors/user/user_entity_actor.hpp"

#include <caf/all.hpp>

#include "actors/entity/passivation.hpp"
#include "actors/entity/replay.hpp"
#include "actors/user/points.hpp"
#include "actors/user/user_rules.hpp"
#include "messages/errors.hpp"
#include "runtime/crash_reply.hpp"

namespace lunch {

namespace {

using user_impl = user_entity_actor::extend<caf::reacts_to<idle_atom>>;

struct user_state : entity_base_state {
  std::string id;
  bool exists = false;
  user_profile profile;
  points_tally tally;
  bool tally_valid = false; // false: the next view rescans every ledger
  bool scanning = false;
  std::vector<caf::typed_response_promise<user_view>> awaiting_tally;
  static inline const char* name = "lunch.user";
};

using self_ptr = user_impl::stateful_pointer<user_state>;

user_view make_view(const user_state& st) {
  return {st.profile, st.tally.total(), level_for(st.tally.total()),
          st.ctx.shard};
}

caf::error missing(const user_state& st) {
  return make_error(errc::not_found, "user " + st.id + " not found");
}

void tally_known(self_ptr self) {
  auto& st = self->state;
  st.scanning = false;
  auto waiting = std::move(st.awaiting_tally);
  st.awaiting_tally.clear();
  for (auto& rp : waiting)
    rp.deliver(make_view(st));
}

// Scans every shard's ledger for the points, one scan at a time. Awaited:
// an award that arrives meanwhile is counted on top of the scan's marks.
void scan_points(self_ptr self) {
  auto& st = self->state;
  auto gateway = st.ctx.gateway();
  if (st.tally_valid || st.scanning || !gateway)
    return;
  st.scanning = true;
  self->request(gateway, st.ctx.timeout, pts_scan_atom::value, user_key{st.id})
    .await(
      [=](std::vector<points_mark>& marks) {
        auto& st = self->state;
        st.tally.reset(marks);
        // A shard that did not answer is rescanned next time.
        st.tally_valid = static_cast<int32_t>(marks.size())
                         == st.ctx.shard_count;
        tally_known(self);
      },
      [=](caf::error&) { tally_known(self); });
}

// A request that shows the view and finds the entity not loaded starts
// the scan with the load, not after it (and after a save): a first view
// waits for the slower of the two, which matters most after a failover,
// when other shards may still be changing owners.
void prefetch_points(self_ptr self) {
  if (!self->state.loaded)
    scan_points(self);
}

// Replies with the view once the points are known: from the tally, or
// after a scan of every shard's ledger.
void deliver_view(self_ptr self, caf::typed_response_promise<user_view> rp) {
  auto& st = self->state;
  if (st.tally_valid) {
    rp.deliver(make_view(st));
    return;
  }
  if (!st.scanning && !st.ctx.gateway()) {
    // Restarting: show what is known, rescan next time.
    rp.deliver(make_view(st));
    return;
  }
  st.awaiting_tally.push_back(rp);
  scan_points(self);
}

template <class T, class F>
caf::typed_response_promise<T> when_loaded(self_ptr self, F fn) {
  auto store = [](user_state& st, user_lookup& x) {
    st.exists = x.found;
    st.profile = std::move(x.profile);
  };
  return lunch::when_loaded<T, user_lookup>(self, user_key{self->state.id},
                                            store, fn);
}

user_impl::behavior_type user_entity_behavior(self_ptr self, std::string id,
                                              entity_context ctx) {
  self->state.id = id;
  self->state.path = "user/" + id;
  self->state.ctx = ctx;
  answer_crashes(self, self->state.path);
  start_idle_checks<user_impl>(self);
  return {
    [=](usr_create_atom, user_profile p, const request_id& rid) {
      return when_loaded<user_view>(self, [=](auto rp) mutable {
        auto& st = self->state;
        if (st.exists) {
          refuse_unless_applied(self, rid,
                                make_error(errc::already_exists,
                                           "user " + st.id + " already exists"),
                                rp, [=](auto rp) mutable {
                                  deliver_view(self, rp);
                                });
          return;
        }
        fill_defaults(p);
        if (auto v = validate_profile(p); !v.ok()) {
          rp.deliver(make_error(v));
          return;
        }
        self
          ->request(st.ctx.owner, st.ctx.timeout, db_insert_atom::value, p, rid)
          .await(
            [=](user_profile& stored) mutable {
              auto& st = self->state;
              st.exists = true;
              st.profile = std::move(stored);
              // A new user has no ledger rows: deletion purged any old
              // ones.
              st.tally.reset({});
              st.tally_valid = true;
              rp.deliver(make_view(st));
            },
            [=](caf::error& e) mutable { rp.deliver(e); });
      });
    },
    [=](usr_get_atom, const user_key&) {
      prefetch_points(self);
      return when_loaded<user_view>(self, [=](auto rp) mutable {
        if (!self->state.exists) {
          rp.deliver(missing(self->state));
          return;
        }
        deliver_view(self, rp);
      });
    },
    [=](usr_update_atom, const user_patch& patch, const request_id& rid) {
      prefetch_points(self);
      return when_loaded<user_view>(self, [=](auto rp) mutable {
        auto& st = self->state;
        if (!st.exists) {
          rp.deliver(missing(st));
          return;
        }
        if (auto v = validate_patch(patch); !v.ok()) {
          rp.deliver(make_error(v));
          return;
        }
        auto changed = st.profile;
        apply_patch(changed, patch);
        self
          ->request(st.ctx.owner, st.ctx.timeout, db_save_atom::value, changed,
                    rid)
          .await(
            [=](user_profile& stored) mutable {
              self->state.profile = std::move(stored);
              deliver_view(self, rp);
            },
            [=](caf::error& e) mutable { rp.deliver(e); });
      });
    },
    [=](usr_delete_atom, const user_key&, const request_id& rid) {
      return when_loaded<user_view>(self, [=](auto rp) mutable {
        auto& st = self->state;
        if (!st.exists) {
          refuse_unless_applied(self, rid, missing(st), rp,
                                [=](auto rp) mutable {
                                  rp.deliver(make_view(self->state));
                                });
          return;
        }
        self
          ->request(st.ctx.owner, st.ctx.timeout, db_delete_atom::value,
                    user_key{st.id}, rid)
          .await(
            [=](bool) mutable {
              auto& st = self->state;
              auto last = make_view(st);
              st.exists = false;
              st.profile = user_profile{};
              st.tally.reset({});
              rp.deliver(std::move(last));
            },
            [=](caf::error& e) mutable { rp.deliver(e); });
      });
    },
    [=](usr_brief_atom, const user_key&) {
      return when_loaded<member_view>(self, [=](auto rp) mutable {
        auto& st = self->state;
        if (!st.exists) {
          rp.deliver(missing(st));
          return;
        }
        rp.deliver(member_view{st.id, st.profile.nickname,
                               comma_join(st.profile.lunch_styles),
                               st.profile.main_dish_genre, false});
      });
    },
    [=](pts_award_atom, const points_award& award) {
      touch(self);
      auto& st = self->state;
      // Without a valid tally the next scan counts the award anyway.
      if (st.tally_valid)
        st.tally.apply(award);
    },
    [=](dbg_crash_atom) -> void { throw injected_fault(self->state.path); },
    [=](idle_atom) {
      on_idle_check<user_impl>(self, user_key{self->state.id});
    },
  };
}

} // namespace

user_entity_actor spawn_user_entity(caf::local_actor* parent, std::string id,
                                    entity_context ctx) {
  auto h = parent->spawn<caf::linked>(user_entity_behavior, std::move(id),
                                      std::move(ctx));
  return caf::actor_cast<user_entity_actor>(h);
}

} // namespace lunch
