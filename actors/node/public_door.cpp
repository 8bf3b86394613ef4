// The gateway's published door: one delegating handler per signature of
// the public API, generated from the interface itself, so a signature is
// written once (in messages/gateway_protocol.hpp) and the door can accept
// nothing else.

#include <utility>

#include <caf/all.hpp>

#include "actors/node/gateway_actor.hpp"

namespace lunch {

namespace {

template <class Signature>
struct delegation;

// (Ins...) -> (Outs...): hand the message to the gateway, which answers the
// original sender itself (no extra hop on the way back).
template <class... Ins, class... Outs>
struct delegation<
  caf::typed_mpi<caf::detail::type_list<Ins...>, caf::output_tuple<Outs...>>> {
  template <class Self>
  static auto handler(Self* self, router_actor gateway) {
    return [self, gateway](Ins... xs) -> caf::delegated<Outs...> {
      return self->delegate(gateway, std::move(xs)...);
    };
  }
};

template <class... Signatures>
gateway_actor::behavior_type
delegate_all(gateway_actor::pointer self, router_actor gateway,
             caf::detail::type_list<Signatures...>) {
  return {delegation<Signatures>::handler(self, gateway)...};
}

} // namespace

gateway_actor spawn_public_door(caf::local_actor* parent,
                                router_actor gateway) {
  return parent->home_system().spawn([gateway](gateway_actor::pointer self) {
    // Linked both ways: a crashed gateway takes its door along (the
    // restarted one publishes a new door on the same port).
    self->link_to(gateway);
    return delegate_all(self, gateway, gateway_actor::signatures{});
  });
}

} // namespace lunch
