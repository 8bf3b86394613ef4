#pragma once

// The life cycle shared by the user and party entities: lazy loading on
// the first request, and idle passivation: a periodic check
// asks the region for permission to stop once the entity was idle for
// `passivate_after`. The region grants it only if the entity has handled
// every message it was sent (see messages/region_protocol.hpp).

#include <chrono>

#include <caf/actor_cast.hpp>
#include <caf/actor_clock.hpp>
#include <caf/atom.hpp>
#include <caf/send.hpp>
#include <caf/typed_response_promise.hpp>

#include "actors/entity/entity_context.hpp"
#include "runtime/crash_reply.hpp"

namespace lunch {

/// Private tick of entity actors; never crosses a process.
using idle_atom = caf::atom_constant<caf::atom("idle")>;

// Entities talk to their owner with request(...).await: while an answer is
// outstanding even an exit message waits (tests/unit/runtime/
// await_semantics_test.cpp), so an entity stopped mid-request still
// answers that request first.
struct entity_base_state {
  entity_context ctx;
  std::string path; // in the tree and for fault injection: "user/E001"
  int64_t handled = 0;
  // On the actor's clock, which the deterministic tests move.
  caf::actor_clock::time_point last_active;
  bool passivating = false;
  bool loaded = false; // false: the next request loads from the owner
};

/// Counts a message from the region; throws first if fault injection armed
/// this entity (answering the request, see runtime/crash_reply.hpp).
template <class Self>
void touch(Self* self) {
  auto& st = self->state;
  if (st.ctx.faults && st.ctx.faults->should_crash(st.path))
    throw_injected(self, st.path);
  ++st.handled;
  st.last_active = self->clock().now();
}

/// Runs `fn(rp)` once the entity is loaded. The first request loads it with
/// (db_load_atom, key) and hands the lookup to `store(state, lookup)`; while
/// that load is outstanding nothing else is handled (await). A failed load
/// is that request's answer, and the next request tries again.
template <class T, class Lookup, class Self, class Key, class Store, class F>
caf::typed_response_promise<T>
when_loaded(Self* self, const Key& key, Store store, F fn) {
  touch(self);
  auto rp = self->template make_response_promise<T>();
  auto& st = self->state;
  if (st.loaded) {
    fn(rp);
    return rp;
  }
  self->request(st.ctx.owner, st.ctx.timeout, db_load_atom::value, key)
    .await(
      [=](Lookup& x) mutable {
        self->state.loaded = true;
        store(self->state, x);
        fn(rp);
      },
      [=](caf::error& e) mutable { rp.deliver(e); });
  return rp;
}

template <class Impl, class Self>
void arm_idle_check(Self* self) {
  caf::delayed_anon_send(caf::actor_cast<Impl>(self),
                         self->state.ctx.passivate_after, idle_atom::value);
}

/// Call as the entity starts: it counts as active now.
template <class Impl, class Self>
void start_idle_checks(Self* self) {
  self->state.last_active = self->clock().now();
  arm_idle_check<Impl>(self);
}

template <class Impl, class Self, class Key>
void on_idle_check(Self* self, const Key& key) {
  auto& st = self->state;
  auto idle = self->clock().now() - st.last_active;
  if (!st.passivating && idle >= st.ctx.passivate_after) {
    st.passivating = true;
    self
      ->request(st.ctx.region, st.ctx.timeout, passivate_atom::value, key,
                st.handled)
      .then(
        [=](bool granted) {
          self->state.passivating = false;
          if (granted)
            self->quit();
        },
        [=](caf::error&) { self->state.passivating = false; });
  }
  arm_idle_check<Impl>(self);
}

} // namespace lunch
