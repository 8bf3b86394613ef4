#include "actors/cluster/cluster_actor.hpp"

#include <caf/all.hpp>

#include "actors/cluster/cluster_state.hpp"
#include "actors/cluster/peer_lookup.hpp"
#include "messages/errors.hpp"
#include "runtime/crash_reply.hpp"
#include "runtime/log.hpp"
#include "runtime/node_directory.hpp"

namespace lunch {

namespace {

using namespace cluster_detail;

cluster_impl::behavior_type cluster(self_ptr self, cluster_settings cfg) {
  self->state.cfg = std::move(cfg);
  answer_crashes(self, node_directory::cluster_name);
  // Peers find it here (it is never published): actors/cluster/peer_lookup.
  register_cluster_actor(self);
  self->set_down_handler([=](caf::down_msg& msg) { on_peer_down(self, msg); });
  read_catalog(self);
  self->delayed_send(self, self->state.cfg.tick, tick_atom::value);
  self->delayed_send(self, self->state.cfg.tick / 2, ping_atom::value);
  return {
    [=](clu_hello_atom, peer_hello& h) {
      add_peer(self, h);
      return hello(self);
    },
    [=](clu_route_atom, const shard_route& route) {
      auto& st = self->state;
      if (route.node != my_name(self)) {
        tell_gateway(self, route);
        return;
      }
      // One of our regions (re)started: announce it if the lease holds.
      auto i = st.running.find(route.shard);
      if (i == st.running.end() || i->second != route.epoch || !route.region)
        return;
      st.routes[route.shard] = route;
      broadcast(self, route);
      update_ready(self);
      reconcile(self);
    },
    [=](clu_sync_atom) {
      log::debug("cluster.sync_asked", {});
      read_catalog(self);
    },
    [=](clu_sync_atom, const cluster_view& committed) {
      log::debug("cluster.sync_asked", {{"with", "assignment"}});
      take_assigned(self, committed);
      read_catalog(self);
    },
    [=](clu_routes_atom) {
      std::vector<shard_route> routes;
      for (auto& [shard, route] : self->state.known)
        routes.push_back(route);
      return routes;
    },
    [=](clu_status_atom) {
      auto rp = self->make_response_promise<cluster_status>();
      auto cat = catalog(self);
      if (!cat) {
        rp.deliver(status_of(self));
        return rp;
      }
      self
        ->request(cat, self->state.cfg.timeout, cat_beat_atom::value, me(self))
        .then(
          [=](cluster_view& view) mutable {
            apply_view(self, std::move(view));
            rp.deliver(status_of(self));
          },
          [=](caf::error&) mutable { rp.deliver(status_of(self)); });
      return rp;
    },
    [=](clu_events_atom, int32_t limit) {
      auto rp = self->make_response_promise<std::vector<cluster_event>>();
      auto cat = catalog(self);
      if (!cat) {
        rp.deliver(make_error(errc::unavailable, "the catalog actor restarts"));
        return rp;
      }
      self->request(cat, self->state.cfg.timeout, cat_events_atom::value, limit)
        .then([=](std::vector<cluster_event>& xs) mutable { rp.deliver(xs); },
              [=](caf::error& e) mutable { rp.deliver(e); });
      return rp;
    },
    [=](clu_leave_atom, const std::string& node) -> caf::result<std::string> {
      auto& st = self->state;
      if (node != my_name(self)) {
        auto i = st.peers.find(node);
        if (i == st.peers.end())
          return make_error(errc::not_found,
                            "no live node named " + node
                              + " (see lunchctl cluster status)");
        return self->delegate(i->second.cluster, clu_leave_atom::value, node);
      }
      auto count = std::to_string(st.running.size());
      if (!st.leaving) {
        st.leaving = true;
        log::info("cluster.leaving", {{"shards", count}});
        if (auto cat = catalog(self))
          self->request(cat, st.cfg.timeout, cat_state_atom::value, me(self))
            .then(
              [=](cluster_view& view) {
                sync_peers(self);
                apply_view(self, std::move(view));
              },
              [=](caf::error&) { reconcile(self); });
      }
      return node + " is handing off its " + count
             + " shard(s) and stops when done";
    },
    [=](tick_atom) {
      read_catalog(self);
      self->delayed_send(self, self->state.cfg.tick, tick_atom::value);
    },
    [=](retry_atom, const node_info& info) { confirm(self, info); },
    [=](ping_atom) {
      ping_peers(self);
      self->delayed_send(self, self->state.cfg.tick / 2, ping_atom::value);
    },
  };
}

} // namespace

caf::actor spawn_cluster_actor(caf::local_actor* parent,
                               cluster_settings settings) {
  return caf::actor_cast<caf::actor>(
    parent->spawn(cluster, std::move(settings)));
}

} // namespace lunch
