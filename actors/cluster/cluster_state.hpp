#pragma once

// The cluster actor's state and the functions its files share:
//   cluster_state.cpp   who we are, our peers and routes, what we tell them
//   cluster_leases.cpp  the catalog view: shards started, stopped, handed off
//   cluster_peers.cpp   connecting, hello, suspecting and declaring death
//   cluster_quorum.cpp  the majority rule: stepping aside and back, probes
//   cluster_actor.cpp   the behavior
// Private to actors/cluster/.

#include <chrono>
#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include <caf/typed_event_based_actor.hpp>

#include "actors/cluster/cluster_actor.hpp"
#include "actors/cluster/quorum.hpp"
#include "messages/router_protocol.hpp"
#include "runtime/tcp_probe.hpp"

namespace lunch::cluster_detail {

// Private: the periodic heartbeat, one more try to reach a lost peer, and
// the ping that tells which peers answer (may_act).
using tick_atom = caf::atom_constant<caf::atom("clu_tick")>;
using retry_atom = caf::atom_constant<caf::atom("clu_retry")>;
using ping_atom = caf::atom_constant<caf::atom("clu_ping")>;

using cluster_impl
  = cluster_actor::extend<caf::reacts_to<tick_atom>,
                          caf::reacts_to<retry_atom, node_info>,
                          caf::reacts_to<ping_atom>>;

using steady = std::chrono::steady_clock;

/// For debug log lines: the microseconds since `t`.
inline std::string micros_since(steady::time_point t) {
  return std::to_string(
    std::chrono::duration_cast<std::chrono::microseconds>(steady::now() - t)
      .count());
}

struct peer {
  node_info info;
  cluster_actor cluster;
};

struct cluster_state {
  cluster_settings cfg;
  std::map<std::string, peer> peers; // said hello, monitored
  std::set<std::string> connecting;  // "host:port" being connected to
  std::map<std::string, steady::time_point> confirming; // name → deadline
  std::vector<node_info> dead;         // confirmed, not yet in the catalog
  std::map<std::string, int64_t> gone; // refused a connect: incarnation
  std::set<std::string> hung; // confirming: its host accepts, it is silent
  std::map<std::string, steady::time_point> heard; // peer → its last answer
  cluster_view view;                               // the catalog, as last read
  std::map<int32_t, int64_t> running;    // shards started here → lease epoch
  std::map<int32_t, shard_route> routes; // regions serving here
  std::map<int32_t, shard_route> known;  // newest route of every shard
  std::optional<int32_t> moving;         // being handed off
  std::vector<bool> standby_for;         // as last told (keep_standby)
  std::set<int32_t> stopping;            // shard subtrees being stopped here
  std::map<int32_t, int64_t> start_after_stop; // lease epoch to start then
  bool started = false;                        // first catalog view applied
  bool serving = false;       // holds the majority, counting the peers
                              // being confirmed (quorum.hpp)
  bool stepped_aside = false; // lost it: serves nothing until it is back
  bool ever_majority = false; // a joining node waits for it quietly
  bool evicted = false;       // the catalog lists this process as gone
  bool seeds_tried = false;
  quorum_verdict verdict; // the last one
  bool assigning = false; // a cat_assign in flight
  bool reading = false;   // a cat_beat in flight
  bool read_again = false;
  bool leaving = false;
  bool left = false;
  static inline const char* name = "lunch.cluster";
};

using self_ptr = cluster_impl::stateful_pointer<cluster_state>;

// -- cluster_state.cpp ----------------------------------------------------

node_info me(self_ptr self);
const std::string& my_name(self_ptr self);
catalog_actor catalog(self_ptr self);
router_actor gateway(self_ptr self);
caf::actor shards_supervisor(self_ptr self);
/// This node and the peers it reaches, with their catalog states.
std::vector<node_info> live_nodes(self_ptr self);
bool is_live_owner(self_ptr self, const shard_lease& lease);
/// A lease nobody can serve: no owner, or one the catalog lists as gone.
bool orphaned(self_ptr self, const shard_lease& lease);
peer_hello hello(self_ptr self);
int64_t known_epoch(self_ptr self, int32_t shard);
void tell_gateway(self_ptr self, const shard_route& route);
void broadcast(self_ptr self, const shard_route& route);
void sync_peers(self_ptr self);
/// ... with the view an assignment of ours committed.
void sync_peers(self_ptr self, const cluster_view& committed);
void update_ready(self_ptr self);
/// The catalog row of this incarnation of `p` if it lists it as up or
/// leaving, else null.
const node_info* listed_member(self_ptr self, const peer& p);
/// A listed node whose catalog heartbeat is older than `db_stale`: it
/// cannot reach the database.
bool without_database(self_ptr self, const node_info& row);
/// A listed member that still reaches the database.
bool is_live_peer(self_ptr self, const peer& p);

// -- cluster_leases.cpp ---------------------------------------------------

void read_catalog(self_ptr self);
void apply_view(self_ptr self, cluster_view view);
void assign_orphans(self_ptr self);
/// Starts the shards a peer's assignment gave us (`committed`, its view
/// after the commit) before our own catalog read, which may wait behind a
/// heartbeat on a loaded catalog. Only leases newer than ours count.
void take_assigned(self_ptr self, const cluster_view& committed);
void reconcile(self_ptr self);
/// Stops every shard running here (the catalog may be out of reach).
void stop_all_shards(self_ptr self, const std::string& why);

// -- cluster_peers.cpp ----------------------------------------------------

void add_peer(self_ptr self, peer_hello& h);
void connect_to(self_ptr self, const std::string& host, uint16_t port,
                std::optional<node_info> listed = std::nullopt);
void declare_dead(self_ptr self, const node_info& info);
void confirm(self_ptr self, node_info info);
void on_peer_down(self_ptr self, const caf::down_msg& msg);
cluster_status status_of(self_ptr self);

// -- cluster_quorum.cpp ---------------------------------------------------

/// Judges the membership again (quorum.hpp) and steps aside or back when
/// the verdict changed: a node serves while it holds the majority, a peer
/// whose connection dropped counted until the reconnect fails (a blip
/// stops nothing). Returns may_act(self).
bool judge(self_ptr self);
/// Holds the majority of the peers it reaches now, none in doubt: only
/// then it registers, declares others dead or moves shards. A peer counts
/// only if it answered lately (ping_peers): a connection over a cut
/// network stays open until the BASP timeout, and a node cut off from its
/// peers must not act on one that is still open by chance.
bool may_act(self_ptr self);
/// Asks every peer for its routes (a ping), remembering who answered.
void ping_peers(self_ptr self);
/// A peer the catalog lists as up that has not written a heartbeat for
/// `db_stale` cannot reach the database: declared dead so its shards move.
void check_database_liveness(self_ptr self);
/// The probe's open connection: held until the middleman's connect is
/// done, then dropped (tcp_probe.hpp says why).
using held_probe = std::shared_ptr<probe_socket>;

/// One TCP connect to host:port on a thread of its own (tcp_probe.hpp),
/// within `timeout`; `done` runs in this actor.
void probe(self_ptr self, const std::string& host, uint16_t port,
           caf::timespan timeout, std::function<void(reach, held_probe)> done);

} // namespace lunch::cluster_detail
