#pragma once

// Idle passivation shared by the user and party entities: a periodic check
// asks the region for permission to stop once the entity was idle for
// `passivate_after`. The region grants it only if the entity has handled
// every message it was sent (see entity_protocol.hpp).

#include <chrono>

#include <caf/actor_cast.hpp>
#include <caf/atom.hpp>
#include <caf/send.hpp>

#include "actors/region/entity_context.hpp"

namespace lunch {

/// Private tick of entity actors; never crosses a process.
using idle_atom = caf::atom_constant<caf::atom("idle")>;

struct entity_base_state {
  entity_context ctx;
  int64_t handled = 0;
  std::chrono::steady_clock::time_point last_active
    = std::chrono::steady_clock::now();
  bool passivating = false;
  bool loaded = false; // false: the next request loads from the owner

  /// Call at the start of every handler of a region-sent message.
  void touch() {
    ++handled;
    last_active = std::chrono::steady_clock::now();
  }
};

template <class Impl, class Self>
void arm_idle_check(Self* self) {
  caf::delayed_anon_send(caf::actor_cast<Impl>(self),
                         self->state.ctx.passivate_after, idle_atom::value);
}

template <class Impl, class Self, class Key>
void on_idle_check(Self* self, const Key& key) {
  auto& st = self->state;
  auto idle = std::chrono::steady_clock::now() - st.last_active;
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
