#include "actors/cluster/cluster_actor.hpp"

#include <algorithm>
#include <map>
#include <optional>
#include <set>

#include <caf/all.hpp>
#include <caf/io/middleman.hpp>
#include <caf/io/middleman_actor.hpp>

#include "actors/cluster/lease_table.hpp"
#include "actors/cluster/placement.hpp"
#include "actors/region/region_actor.hpp"
#include "messages/errors.hpp"
#include "messages/gateway_protocol.hpp"
#include "runtime/actor_directory.hpp"
#include "runtime/crash_reply.hpp"
#include "runtime/log.hpp"

namespace lunch {

namespace {

// Private: the periodic heartbeat, and one more try to reach a lost peer.
using tick_atom = caf::atom_constant<caf::atom("clu_tick")>;
using retry_atom = caf::atom_constant<caf::atom("clu_retry")>;

using cluster_impl = cluster_actor::extend<caf::reacts_to<tick_atom>,
                                           caf::reacts_to<retry_atom, node_info>>;

using steady = std::chrono::steady_clock;

struct peer {
  node_info info;
  cluster_actor cluster;
};

struct cluster_state {
  cluster_settings cfg;
  std::map<std::string, peer> peers;  // said hello, monitored
  std::set<std::string> connecting;   // "host:port" being connected to
  std::map<std::string, steady::time_point> confirming; // name → deadline
  std::vector<node_info> dead;        // confirmed, not yet in the catalog
  cluster_view view;                  // the catalog, as last read
  std::map<int32_t, int64_t> running; // shards started here → lease epoch
  std::map<int32_t, shard_route> routes; // regions serving here
  std::map<int32_t, shard_route> known;  // newest route of every shard
  std::optional<int32_t> moving;      // being handed off
  std::set<int32_t> stopping;         // shard subtrees being stopped here
  std::map<int32_t, int64_t> start_after_stop; // lease epoch to start then
  bool started = false;               // first catalog view applied
  bool assigning = false;             // a cat_assign in flight
  bool reading = false;               // a cat_beat in flight
  bool read_again = false;
  bool leaving = false;
  bool left = false;
  static inline const char* name = "lunch.cluster";
};

using self_ptr = cluster_impl::stateful_pointer<cluster_state>;

void reconcile(self_ptr self);
void apply_view(self_ptr self, cluster_view view);

node_info me(self_ptr self) {
  auto& st = self->state;
  auto info = st.cfg.me;
  info.port = st.cfg.port ? st.cfg.port() : 0;
  info.state = st.left ? "left" : st.leaving ? "leaving" : "up";
  return info;
}

const std::string& my_name(self_ptr self) {
  return self->state.cfg.me.name;
}

catalog_actor catalog(self_ptr self) {
  return caf::actor_cast<catalog_actor>(
    self->state.cfg.directory->get("catalog"));
}

gateway_actor gateway(self_ptr self) {
  return caf::actor_cast<gateway_actor>(
    self->state.cfg.directory->get("gateway"));
}

caf::actor shards_supervisor(self_ptr self) {
  return self->state.cfg.directory->get("shards");
}

std::string shard_child_name(int32_t shard) {
  return "shards/" + std::to_string(shard);
}

// This node and the peers it reaches, with their catalog states.
std::vector<node_info> live_nodes(self_ptr self) {
  std::vector<node_info> live{me(self)};
  for (auto& [name, p] : self->state.peers)
    live.push_back(p.info);
  return live;
}

bool is_live_owner(self_ptr self, const shard_lease& lease) {
  if (lease.owner == my_name(self))
    return lease.incarnation == self->state.cfg.me.incarnation;
  auto i = self->state.peers.find(lease.owner);
  return i != self->state.peers.end()
         && i->second.info.incarnation == lease.incarnation;
}

// A lease nobody can serve: no owner, or one the catalog lists as gone
// (down, left, or restarted since).
bool orphaned(self_ptr self, const shard_lease& lease) {
  if (lease.owner.empty())
    return true;
  auto& nodes = self->state.view.nodes;
  return std::none_of(nodes.begin(), nodes.end(), [&](const node_info& n) {
    return n.name == lease.owner && n.incarnation == lease.incarnation
           && (n.state == "up" || n.state == "leaving");
  });
}

peer_hello hello(self_ptr self) {
  peer_hello h;
  h.node = me(self);
  h.cluster = caf::actor_cast<cluster_actor>(self);
  for (auto& [shard, route] : self->state.routes)
    h.routes.push_back(route);
  return h;
}

int64_t known_epoch(self_ptr self, int32_t shard) {
  auto i = self->state.known.find(shard);
  return i == self->state.known.end() ? -1 : i->second.epoch;
}

void tell_gateway(self_ptr self, const shard_route& route) {
  if (route.epoch >= known_epoch(self, route.shard))
    self->state.known[route.shard] = route;
  if (auto gw = gateway(self))
    caf::anon_send(gw, clu_route_atom::value, route);
}

void broadcast(self_ptr self, const shard_route& route) {
  tell_gateway(self, route);
  for (auto& [name, p] : self->state.peers)
    caf::anon_send(p.cluster, clu_route_atom::value, route);
}

void sync_peers(self_ptr self) {
  for (auto& [name, p] : self->state.peers)
    caf::anon_send(p.cluster, clu_sync_atom::value);
}

void update_ready(self_ptr self) {
  auto& st = self->state;
  if (!st.started || st.cfg.progress->ready)
    return;
  for (auto& lease : st.view.leases) {
    if (!is_live_owner(self, lease))
      return;
    if (lease.owner == my_name(self) && !st.routes.count(lease.shard))
      return;
  }
  st.cfg.progress->ready = true;
  log::info("cluster.ready", {{"shards_here", std::to_string(st.running.size())},
                              {"peers", std::to_string(st.peers.size())}});
}

// -- shards here ------------------------------------------------------------

void start_shard(self_ptr self, int32_t shard, int64_t epoch) {
  auto& st = self->state;
  auto sup = shards_supervisor(self);
  if (!sup)
    return; // the shards supervisor restarts; the next tick retries
  st.running[shard] = epoch;
  if (st.stopping.count(shard)) {
    // Its old subtree is still going away: start it again once gone.
    st.start_after_stop[shard] = epoch;
    st.cfg.leases->grant(shard, epoch);
    return;
  }
  st.cfg.leases->grant(shard, epoch);
  log::info("shard.starting",
            {{"shard", std::to_string(shard)}, {"epoch", std::to_string(epoch)}});
  self->request(sup, st.cfg.timeout, sup_add_atom::value, shard)
    .then([](bool) {},
          [=](caf::error& e) {
            log::warn("shard.start_failed", {{"shard", std::to_string(shard)},
                                             {"error", to_string(e)}});
            self->state.running.erase(shard);
          });
}

// Stops shard `shard` here (its requests drain first) and then runs `done`.
template <class Done>
void stop_shard(self_ptr self, int32_t shard, const std::string& why,
                Done done) {
  auto& st = self->state;
  auto epoch = st.running.count(shard) ? st.running[shard] : 0;
  st.running.erase(shard);
  st.routes.erase(shard);
  // Withdraw the route first: gateways hold new requests for this shard
  // until its next owner announces itself.
  broadcast(self, shard_route{shard, epoch, my_name(self), {}});
  log::info("shard.stopping", {{"shard", std::to_string(shard)},
                               {"epoch", std::to_string(epoch)},
                               {"why", why}});
  st.stopping.insert(shard);
  st.start_after_stop.erase(shard);
  auto finish = [=] {
    auto& st = self->state;
    st.stopping.erase(shard);
    auto again = st.start_after_stop.find(shard);
    if (again != st.start_after_stop.end()) {
      auto epoch = again->second;
      st.start_after_stop.erase(again);
      st.running.erase(shard);
      start_shard(self, shard, epoch);
    } else if (!st.running.count(shard)) {
      st.cfg.leases->revoke(shard);
    }
    done();
  };
  auto sup = shards_supervisor(self);
  if (!sup) {
    finish();
    return;
  }
  self
    ->request(sup, st.cfg.timeout * 3, sup_remove_atom::value,
              shard_child_name(shard))
    .then([=](bool) { finish(); }, [=](caf::error&) { finish(); });
}

// -- leases -----------------------------------------------------------------

void connect_to(self_ptr self, const std::string& host, uint16_t port,
                std::optional<node_info> listed = std::nullopt);

void read_catalog(self_ptr self) {
  auto& st = self->state;
  auto cat = catalog(self);
  if (!cat)
    return;
  if (st.reading) {
    st.read_again = true;
    return;
  }
  st.reading = true;
  bool registered = st.cfg.progress->registered;
  auto on_view = [=](cluster_view& view) {
    auto& st = self->state;
    st.reading = false;
    if (!st.cfg.progress->registered)
      // Registered: now peers can check who we are.
      for (auto& [host, port] : st.cfg.seeds)
        connect_to(self, host, port);
    st.cfg.progress->registered = true;
    apply_view(self, std::move(view));
    if (std::exchange(st.read_again, false))
      read_catalog(self);
  };
  auto on_error = [=](caf::error&) {
    self->state.reading = false;
    self->state.read_again = false;
  };
  if (!registered)
    self->request(cat, st.cfg.timeout, cat_reg_atom::value, me(self))
      .then(on_view, on_error);
  else
    self->request(cat, st.cfg.timeout, cat_beat_atom::value, me(self))
      .then(on_view, on_error);
}

void apply_view(self_ptr self, cluster_view view) {
  auto& st = self->state;
  st.view = std::move(view);
  st.started = true;
  auto self_row = std::find_if(st.view.nodes.begin(), st.view.nodes.end(),
                               [&](auto& n) { return n.name == my_name(self); });
  if (!st.left
      && (self_row == st.view.nodes.end()
          || self_row->incarnation != st.cfg.me.incarnation
          || self_row->state == "down" || self_row->state == "left")) {
    // Another node declared us dead (we were paused or cut off): our
    // leases are gone. Register again and take part as a fresh member.
    log::warn("cluster.evicted", {{"catalog_state", self_row == st.view.nodes.end()
                                                      ? "missing"
                                                      : self_row->state}});
    st.cfg.progress->registered = false;
  }
  // Peers' states as the catalog has them (a peer may be leaving now).
  for (auto& [name, p] : st.peers)
    for (auto& n : st.view.nodes)
      if (n.name == name && n.incarnation == p.info.incarnation)
        p.info.state = n.state;
  for (auto& lease : st.view.leases) {
    if (st.moving && *st.moving == lease.shard)
      continue;
    bool ours = lease.owner == my_name(self)
                && lease.incarnation == st.cfg.me.incarnation
                && st.cfg.progress->registered;
    auto running = st.running.find(lease.shard);
    if (ours && running == st.running.end()) {
      start_shard(self, lease.shard, lease.epoch);
    } else if (ours && running->second != lease.epoch) {
      auto shard = lease.shard;
      auto epoch = lease.epoch;
      stop_shard(self, shard, "lease renewed",
                 [=] { start_shard(self, shard, epoch); });
    } else if (!ours && running != st.running.end()) {
      stop_shard(self, lease.shard,
                 "lease now held by "
                   + (lease.owner.empty() ? "nobody" : lease.owner),
                 [] {});
    }
    // The owner changed: gateways stop using the old route and wait for
    // the new owner's announcement.
    if (!ours && lease.epoch > known_epoch(self, lease.shard))
      tell_gateway(self, shard_route{lease.shard, lease.epoch, lease.owner, {}});
  }
  if (!st.cfg.progress->registered)
    read_catalog(self); // registers again
  for (auto& n : st.view.nodes)
    if (n.name != my_name(self) && (n.state == "up" || n.state == "leaving")
        && !st.peers.count(n.name) && !st.confirming.count(n.name))
      connect_to(self, n.host, static_cast<uint16_t>(n.port), n);
  update_ready(self);
  reconcile(self);
}

void assign_orphans(self_ptr self) {
  auto& st = self->state;
  auto cat = catalog(self);
  if (st.assigning || !cat)
    return;
  st.assigning = true;
  auto dead = st.dead;
  self
    ->request(cat, st.cfg.timeout, cat_assign_atom::value, live_nodes(self),
              dead)
    .then(
      [=](cluster_view& view) {
        auto& st = self->state;
        st.assigning = false;
        st.dead.erase(st.dead.begin(),
                      st.dead.begin() + static_cast<ptrdiff_t>(dead.size()));
        apply_view(self, std::move(view));
        sync_peers(self);
      },
      [=](caf::error&) { self->state.assigning = false; });
}

void hand_off(self_ptr self, int32_t shard, int64_t epoch, node_info to) {
  auto& st = self->state;
  st.moving = shard;
  log::info("shard.handoff", {{"shard", std::to_string(shard)},
                              {"epoch", std::to_string(epoch)},
                              {"to", to.name}});
  stop_shard(self, shard, "handoff to " + to.name, [=] {
    auto done = [=] {
      self->state.moving.reset();
      sync_peers(self);
      read_catalog(self);
    };
    auto cat = catalog(self);
    if (!cat) {
      done();
      return;
    }
    self
      ->request(cat, self->state.cfg.timeout, cat_handoff_atom::value, shard,
                epoch, me(self), to)
      .then([=](cluster_view&) { done(); }, [=](caf::error&) { done(); });
  });
}

void finish_leave(self_ptr self) {
  auto& st = self->state;
  st.left = true;
  log::info("cluster.left", {});
  auto cat = catalog(self);
  auto done = [=] {
    sync_peers(self);
    if (self->state.cfg.on_left)
      self->state.cfg.on_left();
  };
  if (!cat) {
    done();
    return;
  }
  self->request(cat, st.cfg.timeout, cat_state_atom::value, me(self))
    .then([=](cluster_view&) { done(); }, [=](caf::error&) { done(); });
}

void reconcile(self_ptr self) {
  auto& st = self->state;
  if (!st.started || !st.cfg.progress->registered)
    return;
  bool orphans = std::any_of(st.view.leases.begin(), st.view.leases.end(),
                             [&](auto& l) { return orphaned(self, l); });
  if (orphans || !st.dead.empty()) {
    assign_orphans(self);
    return;
  }
  if (st.moving)
    return;
  // Rebalance only on a settled view: every node the catalog lists as up
  // is reached, so every node computes the same placement.
  for (auto& n : st.view.nodes)
    if (n.name != my_name(self) && n.state == "up" && !st.peers.count(n.name))
      return;
  std::vector<placement_member> members;
  for (auto& n : live_nodes(self))
    members.push_back({n.name, n.state == "up", n.allowed_shards});
  std::vector<std::string> current;
  for (auto& lease : st.view.leases)
    current.push_back(is_live_owner(self, lease) ? lease.owner : "");
  auto desired = place_shards(st.cfg.shard_count, members, current);
  for (auto& [shard, epoch] : st.running) {
    auto& target = desired[static_cast<size_t>(shard)];
    auto p = st.peers.find(target);
    if (target != my_name(self) && p != st.peers.end()
        && st.routes.count(shard)) {
      hand_off(self, shard, epoch, p->second.info);
      return;
    }
  }
  if (st.leaving && st.running.empty() && !st.left)
    finish_leave(self);
}

// -- peers ------------------------------------------------------------------

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
    log::info("cluster.peer_up", {{"peer", h.node.name},
                                  {"address", h.node.host + ":"
                                                + std::to_string(h.node.port)}});
    // Our regions may have come up after our hello was written.
    for (auto& [shard, route] : st.routes)
      caf::anon_send(h.cluster, clu_route_atom::value, route);
  }
  for (auto& route : h.routes)
    tell_gateway(self, route);
  reconcile(self);
}

void declare_dead(self_ptr self, const node_info& info);

// A node the catalog lists as up that we cannot reach: dead if nothing
// listens at its address, or if it has not written a heartbeat for a while
// (a stopped node that never said goodbye).
void on_unreachable(self_ptr self, const node_info& listed,
                    const caf::error& e) {
  auto& st = self->state;
  auto stale = std::chrono::milliseconds(listed.heartbeat_age_ms)
               > 3 * std::chrono::duration_cast<std::chrono::milliseconds>(
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
      [=](caf::node_id&, caf::strong_actor_ptr& ptr,
          std::set<std::string>&) {
        if (!ptr) {
          self->state.connecting.erase(key);
          return;
        }
        auto gw = caf::actor_cast<gateway_actor>(ptr);
        self
          ->request(gw, self->state.cfg.confirm, clu_hello_atom::value,
                    hello(self))
          .then(
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
  log::warn("cluster.peer_dead", {{"peer", info.name},
                                  {"incarnation",
                                   std::to_string(info.incarnation)}});
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
      [=](caf::node_id&, caf::strong_actor_ptr& ptr,
          std::set<std::string>&) {
        if (!ptr) {
          retry_later();
          return;
        }
        // A cached handle of the dead connection does not answer: the
        // short timeout turns it into another try.
        auto gw = caf::actor_cast<gateway_actor>(ptr);
        self
          ->request(gw, std::min(budget, caf::timespan{std::chrono::milliseconds(100)}),
                    clu_hello_atom::value, hello(self))
          .then(
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

cluster_impl::behavior_type cluster(self_ptr self, cluster_settings cfg) {
  self->state.cfg = std::move(cfg);
  answer_crashes(self, cluster_actor_name);
  self->set_down_handler([=](caf::down_msg& msg) { on_peer_down(self, msg); });
  read_catalog(self);
  self->delayed_send(self, self->state.cfg.tick, tick_atom::value);
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
    [=](clu_sync_atom) { read_catalog(self); },
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
      self->request(cat, self->state.cfg.timeout, cat_beat_atom::value, me(self))
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
  };
}

} // namespace

caf::actor spawn_cluster_actor(caf::local_actor* parent,
                               cluster_settings settings) {
  return caf::actor_cast<caf::actor>(
    parent->spawn(cluster, std::move(settings)));
}

} // namespace lunch
