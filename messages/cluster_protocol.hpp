#pragma once

// How the nodes of a cluster talk to each other, and how a node talks to
// its catalog actor. Every type here is registered in
// runtime/system_config.cpp under the same name on every node.
//
// cluster actor (one per node, "cluster"; peers reach it through hello):
//   (clu_hello_atom, peer_hello)   -> peer_hello   a peer introduces itself
//   (clu_route_atom, shard_route)  -> ()   a peer now serves (or no longer
//                                          serves, region invalid) a shard
//   (clu_sync_atom)                -> ()   leases changed: read the catalog
//   (clu_sync_atom, cluster_view)  -> ()   ... as the sender committed them
//                                          (start a shard given to us now)
//   (clu_routes_atom)              -> [shard_route]  the newest known route
//                                          of every shard (a new gateway)
//   (clu_status_atom)              -> cluster_status
//   (clu_events_atom, limit)       -> [cluster_event]
//   (clu_leave_atom, node)         -> text  hand off every shard of `node`,
//                                           then stop it
// catalog actor (one per node, detached: the only one that talks to the
// catalog database):
//   (cat_reg_atom, node_info)      -> cluster_view  register this node
//   (cat_beat_atom, node_info)     -> cluster_view  heartbeat + read
//   (cat_assign_atom, live, dead)  -> cluster_view  mark `dead` down and
//       give every orphaned shard to a live node (placement.hpp)
//   (cat_handoff_atom, shard, epoch, from, to) -> cluster_view
//   (cat_state_atom, node_info)    -> cluster_view  leaving / left
//   (cat_events_atom, limit)       -> [cluster_event]

#include <cstdint>
#include <string>
#include <vector>

#include <caf/meta/type_name.hpp>
#include <caf/replies_to.hpp>
#include <caf/typed_actor.hpp>

#include "messages/atoms.hpp"
#include "messages/cluster_model.hpp"
#include "messages/region_protocol.hpp"

namespace lunch {

/// Where a shard is served: the region of its owner, at a lease epoch. An
/// invalid region withdraws the route (the shard is moving).
struct shard_route {
  int32_t shard = 0;
  int64_t epoch = 0;
  std::string node;
  region_actor region;
};

struct cluster_status {
  std::string answered_by;
  std::vector<node_info> nodes;
  std::vector<shard_lease> leases;
  std::vector<std::string> connected; // peers the answering node reaches
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, node_info& x) {
  return f(caf::meta::type_name("lunch::node_info"), x.name, x.host, x.port,
           x.pid, x.incarnation, x.state, x.allowed_shards, x.started_at,
           x.heartbeat_age_ms);
}

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, shard_lease& x) {
  return f(caf::meta::type_name("lunch::shard_lease"), x.shard, x.owner,
           x.incarnation, x.epoch, x.changed_at);
}

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, cluster_view& x) {
  return f(caf::meta::type_name("lunch::cluster_view"), x.nodes, x.leases);
}

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, cluster_event& x) {
  return f(caf::meta::type_name("lunch::cluster_event"), x.id, x.at, x.node,
           x.kind, x.shard, x.epoch, x.detail);
}

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, shard_route& x) {
  return f(caf::meta::type_name("lunch::shard_route"), x.shard, x.epoch, x.node,
           x.region);
}

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, cluster_status& x) {
  return f(caf::meta::type_name("lunch::cluster_status"), x.answered_by,
           x.nodes, x.leases, x.connected);
}

struct peer_hello;

using cluster_actor = caf::typed_actor<
  caf::replies_to<clu_hello_atom, peer_hello>::with<peer_hello>,
  caf::reacts_to<clu_route_atom, shard_route>, caf::reacts_to<clu_sync_atom>,
  caf::reacts_to<clu_sync_atom, cluster_view>,
  caf::replies_to<clu_routes_atom>::with<std::vector<shard_route>>,
  caf::replies_to<clu_status_atom>::with<cluster_status>,
  caf::replies_to<clu_events_atom, int32_t>::with<std::vector<cluster_event>>,
  caf::replies_to<clu_leave_atom, std::string>::with<std::string>>;

/// What two nodes tell each other when they connect.
struct peer_hello {
  node_info node;
  cluster_actor cluster;
  std::vector<shard_route> routes; // the shards it serves now
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, peer_hello& x) {
  return f(caf::meta::type_name("lunch::peer_hello"), x.node, x.cluster,
           x.routes);
}

/// The cluster, as an operator sees it (the public API):
///   (clu_status_atom)        -> cluster_status  nodes, leases
///   (clu_events_atom, limit) -> [cluster_event] the latest
///   (clu_leave_atom, node)   -> text  `node` hands off its shards, then
///                               stops
using cluster_public = caf::typed_actor<
  caf::replies_to<clu_status_atom>::with<cluster_status>,
  caf::replies_to<clu_events_atom, int32_t>::with<std::vector<cluster_event>>,
  caf::replies_to<clu_leave_atom, std::string>::with<std::string>>;

using catalog_actor = caf::typed_actor<
  caf::replies_to<cat_reg_atom, node_info>::with<cluster_view>,
  caf::replies_to<cat_beat_atom, node_info>::with<cluster_view>,
  caf::replies_to<cat_assign_atom, std::vector<node_info>,
                  std::vector<node_info>>::with<cluster_view>,
  caf::replies_to<cat_handoff_atom, int32_t, int64_t, node_info,
                  node_info>::with<cluster_view>,
  caf::replies_to<cat_state_atom, node_info>::with<cluster_view>,
  caf::replies_to<cat_events_atom, int32_t>::with<std::vector<cluster_event>>>;

} // namespace lunch
