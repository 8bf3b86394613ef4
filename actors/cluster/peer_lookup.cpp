#include "actors/cluster/peer_lookup.hpp"

#include <caf/all.hpp>
#include <caf/io/basp_broker.hpp>
#include <caf/io/middleman.hpp>

namespace lunch {

void register_cluster_actor(caf::local_actor* self) {
  auto& registry = self->home_system().registry();
  auto me = caf::actor_cast<caf::strong_actor_ptr>(self);
  registry.put(cluster_registry_key, me);
  self->attach_functor([&registry, addr = self->address()] {
    if (auto entry = registry.get(cluster_registry_key);
        entry && entry->address() == addr)
      registry.erase(cluster_registry_key);
  });
}

caf::actor spawn_peer_lookup(caf::actor_system& sys, caf::node_id nid,
                             caf::atom_value key, caf::timespan timeout) {
  return sys.spawn([=](caf::event_based_actor* self) -> caf::behavior {
    return {
      [=](caf::get_atom) {
        auto rp = self->make_response_promise<caf::strong_actor_ptr>();
        auto basp
          = self->home_system().middleman().named_broker<caf::io::basp_broker>(
            caf::atom("BASP"));
        // The peer's config server answers from its registry, to us.
        self->send(basp, caf::forward_atom::value, nid, caf::atom("ConfigServ"),
                   caf::make_message(caf::get_atom::value, key));
        self->become(
          [=](caf::strong_actor_ptr& found) mutable {
            rp.deliver(std::move(found));
            self->quit();
          },
          caf::after(timeout) >>
            [=]() mutable {
              rp.deliver(caf::make_error(caf::sec::request_timeout));
              self->quit();
            });
        return rp;
      },
    };
  });
}

} // namespace lunch
