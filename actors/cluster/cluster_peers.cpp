#include <algorithm>
#include <functional>

#include <caf/all.hpp>
#include <caf/io/middleman.hpp>
#include <caf/io/middleman_actor.hpp>

#include "actors/cluster/cluster_state.hpp"
#include "actors/cluster/peer_lookup.hpp"
#include "messages/errors.hpp"
#include "runtime/log.hpp"

namespace lunch::cluster_detail {

void add_peer(self_ptr self, peer_hello& h) {
  auto& st = self->state;
  if (h.node.name == my_name(self) || !h.cluster)
    return;
  auto& p = st.peers[h.node.name];
  bool fresh = p.cluster != h.cluster;
  p.info = h.node;
  p.cluster = h.cluster;
  if (fresh) {
    self->monitor(h.cluster);
    log::info("cluster.peer_up",
              {{"peer", h.node.name},
               {"address", h.node.host + ":" + std::to_string(h.node.port)}});
    // Our regions may have come up after our hello was written.
    for (auto& [shard, route] : st.routes)
      caf::anon_send(h.cluster, clu_route_atom::value, route);
  }
  for (auto& route : h.routes)
    tell_gateway(self, route);
  reconcile(self);
}

// Introduces this node to the peer `nid` (connected already): its cluster
// actor is not published, so it is looked up in the peer's registry first.
// Each of the two steps gets `timeout`.
void say_hello(self_ptr self, const caf::node_id& nid, caf::timespan timeout,
               std::function<void(peer_hello&)> ok,
               std::function<void(caf::error&)> fail) {
  auto lookup = spawn_peer_lookup(self->home_system(), nid,
                                  cluster_registry_key, timeout);
  self->request(lookup, timeout, caf::get_atom::value)
    .then(
      [=](caf::strong_actor_ptr& ptr) {
        auto cluster = caf::actor_cast<cluster_actor>(ptr);
        if (!cluster) {
          auto e = make_error(errc::unavailable,
                              "the peer's cluster actor is restarting");
          fail(e);
          return;
        }
        self->request(cluster, timeout, clu_hello_atom::value, hello(self))
          .then([=](peer_hello& h) { ok(h); }, [=](caf::error& e) { fail(e); });
      },
      [=](caf::error& e) { fail(e); });
}

// A node the catalog lists as up that we cannot reach: dead if nothing
// listens at its address, or if it has not written a heartbeat for a while
// (a stopped node that never said goodbye).
void on_unreachable(self_ptr self, const node_info& listed,
                    const caf::error& e) {
  auto& st = self->state;
  auto stale = std::chrono::milliseconds(listed.heartbeat_age_ms)
               > 3
                   * std::chrono::duration_cast<std::chrono::milliseconds>(
                     st.cfg.confirm);
  if (st.peers.count(listed.name) || st.confirming.count(listed.name))
    return;
  if (e == caf::sec::cannot_connect_to_node || stale)
    declare_dead(self, listed);
}

void connect_to(self_ptr self, const std::string& host, uint16_t port,
                std::optional<node_info> listed) {
  auto& st = self->state;
  auto key = host + ":" + std::to_string(port);
  if (port == 0 || st.connecting.count(key))
    return;
  if (host == st.cfg.me.host && st.cfg.port && port == st.cfg.port())
    return; // ourselves, e.g. listed as a seed
  st.connecting.insert(key);
  auto mm = self->home_system().middleman().actor_handle();
  self->request(mm, st.cfg.confirm, caf::connect_atom::value, host, port)
    .then(
      [=](caf::node_id& nid, caf::strong_actor_ptr& ptr,
          std::set<std::string>&) {
        if (!ptr) {
          self->state.connecting.erase(key);
          return;
        }
        say_hello(
          self, nid, self->state.cfg.confirm,
          [=](peer_hello& h) {
            self->state.connecting.erase(key);
            add_peer(self, h);
            if (listed && h.node.incarnation != listed->incarnation)
              declare_dead(self, *listed); // restarted since
          },
          [=](caf::error& e) {
            self->state.connecting.erase(key);
            if (listed)
              on_unreachable(self, *listed, e);
          });
      },
      [=](caf::error& e) {
        self->state.connecting.erase(key);
        if (listed)
          on_unreachable(self, *listed, e);
      });
}

void declare_dead(self_ptr self, const node_info& info) {
  auto& st = self->state;
  st.confirming.erase(info.name);
  for (auto& d : st.dead)
    if (d.name == info.name && d.incarnation == info.incarnation)
      return; // on its way into the catalog already
  log::warn("cluster.peer_dead",
            {{"peer", info.name},
             {"incarnation", std::to_string(info.incarnation)}});
  st.dead.push_back(info);
  assign_orphans(self);
}

// A peer's connection dropped. It is dead only if it cannot be reached
// again before the confirmation deadline: a killed node refuses the
// connection at once; a paused one never completes the handshake.
void confirm(self_ptr self, node_info info) {
  auto& st = self->state;
  auto i = st.confirming.find(info.name);
  if (i == st.confirming.end())
    return;
  auto left = i->second - steady::now();
  if (left <= steady::duration::zero()) {
    declare_dead(self, info);
    return;
  }
  auto budget = std::chrono::duration_cast<caf::timespan>(left);
  auto retry_later = [=] {
    if (steady::now() + std::chrono::milliseconds(20)
        >= self->state.confirming[info.name])
      declare_dead(self, info);
    else
      self->delayed_send(caf::actor_cast<cluster_impl>(self),
                         std::chrono::milliseconds(20), retry_atom::value,
                         info);
  };
  auto mm = self->home_system().middleman().actor_handle();
  self
    ->request(mm, budget, caf::connect_atom::value, info.host,
              static_cast<uint16_t>(info.port))
    .then(
      [=](caf::node_id& nid, caf::strong_actor_ptr& ptr,
          std::set<std::string>&) {
        if (!ptr) {
          retry_later();
          return;
        }
        // A cached handle of the dead connection does not answer: the
        // short timeout turns it into another try.
        say_hello(
          self, nid,
          std::min(budget, caf::timespan{std::chrono::milliseconds(100)}),
          [=](peer_hello& h) {
            self->state.confirming.erase(info.name);
            bool same = h.node.incarnation == info.incarnation;
            add_peer(self, h);
            if (!same)
              declare_dead(self, info); // it restarted: the old one died
          },
          [=](caf::error&) { retry_later(); });
      },
      [=](caf::error& e) {
        if (e == caf::sec::cannot_connect_to_node)
          declare_dead(self, info); // refused: nobody listens there
        else
          retry_later();
      });
}

void on_peer_down(self_ptr self, const caf::down_msg& msg) {
  auto& st = self->state;
  auto i = std::find_if(st.peers.begin(), st.peers.end(), [&](auto& kv) {
    return kv.second.cluster.address() == msg.source;
  });
  if (i == st.peers.end())
    return;
  auto info = i->second.info;
  st.peers.erase(i);
  log::warn("cluster.peer_lost",
            {{"peer", info.name}, {"reason", to_string(msg.reason)}});
  if (auto gw = gateway(self))
    caf::anon_send(gw, clu_lost_atom::value, info.name);
  if (info.state == "left")
    return;
  st.confirming[info.name] = steady::now() + st.cfg.confirm;
  // Give the middleman a moment to drop its cached connection first.
  self->delayed_send(caf::actor_cast<cluster_impl>(self),
                     std::chrono::milliseconds(2), retry_atom::value, info);
}

cluster_status status_of(self_ptr self) {
  auto& st = self->state;
  cluster_status s;
  s.answered_by = my_name(self);
  s.nodes = st.view.nodes;
  s.leases = st.view.leases;
  for (auto& [name, p] : st.peers)
    s.connected.push_back(name);
  return s;
}

} // namespace lunch::cluster_detail
