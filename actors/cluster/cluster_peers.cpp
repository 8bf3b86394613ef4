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
  // It answers: whatever we concluded about it before is void.
  st.gone.erase(h.node.name);
  st.hung.erase(h.node.name);
  st.heard[h.node.name] = steady::now();
  st.dead.erase(std::remove_if(st.dead.begin(), st.dead.end(),
                               [&](auto& d) {
                                 return d.name == h.node.name
                                        && d.incarnation == h.node.incarnation;
                               }),
                st.dead.end());
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
  if (judge(self) && !st.cfg.progress->registered)
    read_catalog(self); // registers now that it reaches the majority
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

// Nothing listens at its address: that incarnation is gone (it no longer
// counts as a member, quorum.hpp).
void mark_gone(self_ptr self, const node_info& info) {
  self->state.gone[info.name] = info.incarnation;
}

// A node the catalog lists as up that we cannot reach: dead if nothing
// listens at its address, or if it has not written a heartbeat for a while
// (a stopped node that never said goodbye). One that still heartbeats the
// catalog is cut off from us: a member we do not reach.
void on_unreachable(self_ptr self, const node_info& listed, reach r) {
  auto& st = self->state;
  auto stale = std::chrono::milliseconds(listed.heartbeat_age_ms)
               > st.cfg.stale;
  if (st.peers.count(listed.name) || st.confirming.count(listed.name))
    return;
  if (r == reach::refused)
    mark_gone(self, listed);
  if (r == reach::refused || stale)
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
  auto give_up = [=](reach r) {
    self->state.connecting.erase(key);
    if (listed)
      on_unreachable(self, *listed, r);
  };
  // The middleman only after a probe got through: its connect blocks its
  // thread for minutes on an address the network drops (tcp_probe.hpp).
  probe(self, host, port, st.cfg.connect, [=](reach r, held_probe held) {
    if (r != reach::open) {
      give_up(r);
      return;
    }
    auto mm = self->home_system().middleman().actor_handle();
    self
      ->request(mm, self->state.cfg.connect, caf::connect_atom::value, host,
                port)
      .then(
        // `held` keeps the probe open until the connect is done.
        [=, held = held](caf::node_id& nid, caf::strong_actor_ptr& ptr,
                         std::set<std::string>&) {
          if (!ptr) {
            self->state.connecting.erase(key);
            return;
          }
          say_hello(
            self, nid, self->state.cfg.connect,
            [=](peer_hello& h) {
              self->state.connecting.erase(key);
              add_peer(self, h);
              if (listed && h.node.incarnation != listed->incarnation)
                declare_dead(self, *listed); // restarted since
            },
            [=](caf::error&) { give_up(reach::unreachable); });
        },
        [=, held = held](caf::error&) { give_up(reach::unreachable); });
  });
}

void declare_dead(self_ptr self, const node_info& info) {
  auto& st = self->state;
  st.confirming.erase(info.name);
  for (auto& d : st.dead)
    if (d.name == info.name && d.incarnation == info.incarnation)
      return; // on its way into the catalog already
  st.dead.push_back(info);
  // Only the majority acts on it (quorum.hpp); a minority merely stops
  // counting on that peer.
  bool act = judge(self);
  log::warn(act ? "cluster.peer_dead" : "cluster.peer_unreachable",
            {{"peer", info.name},
             {"incarnation", std::to_string(info.incarnation)}});
  if (act)
    assign_orphans(self);
}

// The confirmation deadline passed. A host that accepted our connect
// while its node never answered the hello is not cut off from us: its
// node hangs (paused) and is gone like a crashed one. Otherwise it is
// unreachable: a partition, or a host that is gone.
void confirmed_dead(self_ptr self, const node_info& info) {
  if (self->state.hung.erase(info.name) > 0)
    mark_gone(self, info);
  declare_dead(self, info);
}

// How long ago the peer whose confirmation ends at `deadline` was lost.
steady::duration lost_for(self_ptr self, steady::time_point deadline) {
  return steady::now() - (deadline - self->state.cfg.confirm);
}

// True in the first milliseconds after a peer's connection dropped.
bool just_lost(self_ptr self, const node_info& info) {
  auto& st = self->state;
  auto i = st.confirming.find(info.name);
  return i != st.confirming.end()
         && lost_for(self, i->second) < std::chrono::milliseconds(10);
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
    confirmed_dead(self, info);
    return;
  }
  auto budget = std::chrono::duration_cast<caf::timespan>(left);
  // Soon at first: a killed node's listener can still accept for a few
  // milliseconds after its connections reset. Then every 20 ms at most.
  auto retry_later = [=] {
    auto& st = self->state;
    auto now = steady::now();
    auto deadline = st.confirming[info.name];
    auto since = lost_for(self, deadline);
    auto delay = std::clamp<steady::duration>(
      since / 2, std::chrono::milliseconds(2), std::chrono::milliseconds(20));
    if (now + delay >= deadline)
      confirmed_dead(self, info);
    else
      self->delayed_send(caf::actor_cast<cluster_impl>(self),
                         std::chrono::duration_cast<caf::timespan>(delay),
                         retry_atom::value, info);
  };
  auto port = static_cast<uint16_t>(info.port);
  auto asked = steady::now();
  probe(self, info.host, port, budget, [=](reach r, held_probe held) {
    log::debug("cluster.probed", {{"peer", info.name},
                                  {"reach", to_string(r)},
                                  {"probe_us", micros_since(asked)}});
    if (r == reach::refused) {
      mark_gone(self, info); // nobody listens there: it died
      declare_dead(self, info);
      return;
    }
    if (r == reach::unreachable) {
      self->state.hung.erase(info.name);
      retry_later(); // a partition, or a host that is gone
      return;
    }
    if (just_lost(self, info)) {
      // A killed node's listener may still accept for a few milliseconds:
      // probing again soon costs less than a middleman connect that waits
      // for a handshake it will not get (measured: 10-14 ms).
      retry_later();
      return;
    }
    self->state.hung.insert(info.name); // until it says hello
    auto mm = self->home_system().middleman().actor_handle();
    self->request(mm, budget, caf::connect_atom::value, info.host, port)
      .then(
        // `held` keeps the probe open until the connect is done.
        [=, held = held](caf::node_id& nid, caf::strong_actor_ptr& ptr,
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
        [=, held = held](caf::error&) { retry_later(); });
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
  st.hung.erase(info.name);
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
