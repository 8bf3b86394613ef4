#include "actors/cluster/cluster_state.hpp"

#include <caf/all.hpp>

#include "actors/cluster/lease_table.hpp"
#include "runtime/log.hpp"
#include "runtime/node_directory.hpp"

namespace lunch::cluster_detail {

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
  return self->state.cfg.directory->catalog();
}

router_actor gateway(self_ptr self) {
  return self->state.cfg.directory->gateway();
}

caf::actor shards_supervisor(self_ptr self) {
  return self->state.cfg.directory->shards();
}

const node_info* listed_member(self_ptr self, const peer& p) {
  for (auto& n : self->state.view.nodes)
    if (n.name == p.info.name && n.incarnation == p.info.incarnation)
      return n.state == "up" || n.state == "leaving" ? &n : nullptr;
  return nullptr; // not registered (yet, or again)
}

bool without_database(self_ptr self, const node_info& row) {
  return std::chrono::milliseconds(row.heartbeat_age_ms)
         > self->state.cfg.db_stale;
}

bool is_live_peer(self_ptr self, const peer& p) {
  auto row = listed_member(self, p);
  return row && !without_database(self, *row);
}

// This node and the peers it reaches that the catalog lists as members,
// with their catalog states: who may own shards.
std::vector<node_info> live_nodes(self_ptr self) {
  std::vector<node_info> live{me(self)};
  for (auto& [name, p] : self->state.peers)
    if (is_live_peer(self, p))
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

void sync_peers(self_ptr self, const cluster_view& committed) {
  for (auto& [name, p] : self->state.peers)
    caf::anon_send(p.cluster, clu_sync_atom::value, committed);
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
  log::info("cluster.ready",
            {{"shards_here", std::to_string(st.running.size())},
             {"peers", std::to_string(st.peers.size())}});
}

// -- shards here ------------------------------------------------------------

} // namespace lunch::cluster_detail
