#include "actors/node/node_root.hpp"

#include <algorithm>
#include <chrono>
#include <random>
#include <stdexcept>
#include <thread>

#include <caf/all.hpp>
#include <caf/io/middleman.hpp>

#include "actors/cluster/catalog_actor.hpp"
#include "actors/cluster/cluster_actor.hpp"
#include "actors/cluster/lease_table.hpp"
#include "actors/events/event_relay.hpp"
#include "actors/jobs/job_runner.hpp"
#include "actors/node/gateway_actor.hpp"
#include "actors/recommend/recommender_actor.hpp"
#include "actors/region/region_actor.hpp"
#include "actors/scheduler/scheduler_actor.hpp"
#include "actors/shard/pg_shard_store.hpp"
#include "actors/shard/shard_owner_actor.hpp"
#include "runtime/db/standby_pool.hpp"
#include "runtime/fault_injector.hpp"
#include "runtime/log.hpp"
#include "runtime/node_directory.hpp"
#include "runtime/supervisor.hpp"

#include <unistd.h>

namespace lunch {

namespace {

using std::chrono::milliseconds;

// Random, so that a restarted node never passes for its former self.
int64_t new_incarnation() {
  std::random_device rd;
  std::mt19937_64 gen{
    (static_cast<uint64_t>(rd()) << 32) ^ rd()
    ^ static_cast<uint64_t>(
      std::chrono::steady_clock::now().time_since_epoch().count())};
  return static_cast<int64_t>(gen() >> 1);
}

void tune(supervisor_spec& spec, const config::supervisor_tuning& t) {
  spec.intensity = t.intensity;
  spec.backoff = t.backoff;
}

// One shard: the owner first, then the entities that read and write
// through it, then the relay of its outbox. rest_for_one: when the owner dies,
// the entities go too and reload from PostgreSQL (a commit whose outcome the
// crash hid must not live on in a cache); when only the entities' region fails,
// the owner and its connection stay.
supervisor_spec shard_spec(const config::node_config& cfg, int32_t shard,
                           const running_node& node) {
  supervisor_spec spec;
  spec.name = "shards/" + std::to_string(shard);
  spec.strategy = supervision::strategy::rest_for_one;
  tune(spec, cfg.supervision.shard);
  spec.directory = node.directory;
  spec.seed = 1000 + static_cast<uint64_t>(shard);
  child_spec owner;
  owner.name = node_directory::owner_name(shard);
  owner.shutdown = milliseconds(5000);
  owner.start =
    [settings = shard_owner_settings{shard, cfg.shards[shard], cfg.node,
                                     node.leases, node.directory, node.faults,
                                     node.standby}](caf::local_actor* parent) {
      return caf::actor_cast<caf::actor>(spawn_shard_owner(parent, settings));
    };
  child_spec entities;
  entities.name = node_directory::region_name(shard);
  entities.kind = child_kind::entities;
  entities.shutdown = milliseconds(cfg.request_timeout_ms + 1000);
  region_settings rs;
  rs.shard = shard;
  rs.shard_count = static_cast<int32_t>(cfg.shards.size());
  rs.timeout = milliseconds(cfg.request_timeout_ms);
  rs.passivate_after = milliseconds(cfg.passivate_after_ms);
  rs.entity_intensity = cfg.supervision.entities;
  rs.directory = node.directory;
  rs.faults = node.faults;
  entities.start = [rs, leases = node.leases,
                    name = cfg.node](caf::local_actor* parent) {
    auto owner = rs.directory->owner(rs.shard);
    if (!owner)
      throw std::runtime_error(node_directory::owner_name(rs.shard)
                               + " is not running");
    auto region = spawn_region(parent, rs, owner);
    // Tell the cluster actor, which announces the route to every gateway.
    auto epoch = leases->epoch(rs.shard);
    if (auto cluster = rs.directory->cluster(); cluster && epoch)
      caf::anon_send(cluster, clu_route_atom::value,
                     shard_route{rs.shard, *epoch, name, region});
    return caf::actor_cast<caf::actor>(region);
  };
  // Last: it reads through the owner and delivers through the gateway; a
  // restarted owner restarts it, and it starts again from its cursors.
  child_spec relay;
  relay.name = node_directory::relay_name(shard);
  relay.shutdown = milliseconds(2000);
  event_relay_settings es;
  es.shard = shard;
  es.timeout = milliseconds(cfg.request_timeout_ms);
  es.poll_interval = milliseconds(500);
  es.start_delay = milliseconds(50);
  es.directory = node.directory;
  es.faults = node.faults;
  relay.start = [es](caf::local_actor* parent) {
    return spawn_event_relay(parent, es);
  };
  spec.children = {owner, entities, relay};
  return spec;
}

// All shards: one_for_one, a failing shard never touches the others. Its
// backoff caps how long a shard stays down once its cause is gone; its
// intensity is sized so that shards restarting at that cap forever (a
// database down for hours) never take the node down with them.
supervisor_spec shards_spec(const config::node_config& cfg,
                            const running_node& node) {
  supervisor_spec spec;
  spec.name = node_directory::shards_name;
  spec.strategy = supervision::strategy::one_for_one;
  tune(spec, cfg.supervision.shards);
  if (spec.intensity.max_restarts == 0)
    spec.intensity.max_restarts = 16 * static_cast<int>(cfg.shards.size());
  spec.directory = node.directory;
  spec.seed = 100;
  // Children come and go with the leases this node holds (cluster actor).
  spec.make_child = [cfg, node](int32_t shard) {
    return supervisor_child(shard_spec(cfg, shard, node));
  };
  // After a restart of `shards`, the shards whose leases this node holds.
  spec.initial_keys = [leases = node.leases] { return leases->shards(); };
  return spec;
}

child_spec catalog_child(const config::node_config& cfg) {
  child_spec c;
  c.name = node_directory::catalog_name;
  c.start = [dsn = cfg.catalog](caf::local_actor* parent) {
    return caf::actor_cast<caf::actor>(spawn_catalog_actor(parent, dsn));
  };
  return c;
}

child_spec cluster_child(const config::node_config& cfg,
                         const running_node& node) {
  cluster_settings cs;
  cs.me.name = cfg.node;
  cs.me.host = cfg.listen.host;
  cs.me.pid = static_cast<int32_t>(getpid());
  cs.me.incarnation = node.incarnation;
  cs.me.allowed_shards = cfg.cluster.allowed_shards;
  cs.shard_count = static_cast<int32_t>(cfg.shards.size());
  cs.tick = milliseconds(cfg.cluster.catalog_interval_ms);
  // The heartbeat timeout already waited for silence; the reconnect only
  // guards against a dropped connection to a live node, which a live node
  // answers in milliseconds. Each ordinary connect gets more (a busy peer
  // may take a while to say hello; a failed one is retried a tick later).
  cs.confirm = milliseconds(
    std::clamp<int64_t>(cfg.cluster.heartbeat_timeout_ms / 10, 100, 300));
  cs.connect = milliseconds(
    std::clamp<int64_t>(cfg.cluster.heartbeat_timeout_ms / 4, 100, 300));
  // Peers are pinged every half tick. The window stays a ping interval
  // below the heartbeat timeout: when one cut-off peer's connection times
  // out, the others cut off with it (up to that much later) no longer
  // count, or an even split would go to whichever side acted first.
  auto interval = cfg.cluster.catalog_interval_ms;
  auto below_timeout = cfg.cluster.heartbeat_timeout_ms - interval / 2;
  cs.heard
    = milliseconds(std::max(interval, std::min(2 * interval, below_timeout)));
  // A node that has not written a catalog heartbeat for three intervals
  // (and no less than the BASP timeout) is gone unless it answers; one
  // that answers but has not written for twice that cannot reach the
  // database.
  cs.stale = milliseconds(std::max(3 * cfg.cluster.catalog_interval_ms,
                                   cfg.cluster.heartbeat_timeout_ms));
  cs.db_stale = 2 * cs.stale;
  cs.timeout = milliseconds(cfg.request_timeout_ms);
  for (auto& seed : cfg.cluster.seeds)
    cs.seeds.emplace_back(seed.host, seed.port);
  cs.directory = node.directory;
  cs.leases = node.leases;
  cs.progress = node.progress;
  cs.on_left = node.on_left;
  if (auto pool = node.standby)
    cs.keep_standby = [pool](std::vector<bool> wanted) {
      pool->keep(std::move(wanted));
    };
  if (auto pub = node.published)
    cs.port = [pub]() -> uint16_t {
      std::lock_guard<std::mutex> guard{pub->mtx};
      return pub->port ? *pub->port : 0;
    };
  child_spec c;
  c.name = node_directory::cluster_name;
  c.start = [cs](caf::local_actor* parent) {
    return spawn_cluster_actor(parent, cs);
  };
  return c;
}

child_spec gateway_child(const config::node_config& cfg,
                         std::vector<int32_t> slot_table,
                         const running_node& node) {
  gateway_settings gs;
  gs.node = cfg.node;
  gs.host = cfg.listen.host;
  gs.port = cfg.listen.port;
  gs.shard_count = static_cast<int32_t>(cfg.shards.size());
  gs.slot_table = std::move(slot_table);
  gs.timeout = milliseconds(cfg.request_timeout_ms);
  gs.directory = node.directory;
  gs.faults = node.faults;
  child_spec c;
  c.name = node_directory::gateway_name;
  auto pub = node.published;
  // Runs on the root's own thread (detached): publishing blocks. What is
  // published is the gateway's door (the public API only), never the
  // gateway itself.
  c.start = [gs, pub](caf::local_actor* parent) {
    auto gateway = spawn_gateway(parent, gs);
    auto h = caf::actor_cast<caf::actor>(gateway);
    if (!pub)
      return h;
    auto door = spawn_public_door(parent, gateway);
    auto& mm = parent->home_system().middleman();
    std::lock_guard<std::mutex> guard{pub->mtx};
    if (pub->door)
      mm.unpublish(pub->door, gs.port); // the crashed gateway's door
    auto port = mm.publish(door, gs.port, gs.host.c_str(), true);
    if (!port) {
      pub->error = "cannot listen on " + gs.host + ":" + std::to_string(gs.port)
                   + ": " + parent->home_system().render(port.error());
      caf::anon_send_exit(h, caf::exit_reason::user_shutdown);
      throw std::runtime_error(*pub->error);
    }
    pub->port = *port;
    pub->door = door;
    return h;
  };
  return c;
}

child_spec recommender_child(const config::node_config& cfg,
                             const running_node& node) {
  recommender_settings rs;
  rs.node = cfg.node;
  rs.shard_count = static_cast<int32_t>(cfg.shards.size());
  rs.seed = static_cast<uint64_t>(cfg.recommend.seed);
  rs.builders = cfg.recommend.builders > 0
                  ? cfg.recommend.builders
                  : static_cast<int32_t>(std::max(
                    1u, cfg.threads > 0 ? static_cast<unsigned>(cfg.threads)
                                        : std::thread::hardware_concurrency()));
  rs.timeout = milliseconds(cfg.request_timeout_ms);
  rs.build_timeout = milliseconds(cfg.recommend.build_timeout_ms);
  rs.directory = node.directory;
  child_spec c;
  c.name = node_directory::recommender_name;
  c.start = [rs](caf::local_actor* parent) {
    return spawn_recommender(parent, rs);
  };
  return c;
}

child_spec jobs_child(const config::node_config& cfg,
                      const running_node& node) {
  job_runner_settings js;
  js.node = cfg.node;
  js.catalog = cfg.catalog;
  js.workers = cfg.jobs.workers;
  js.poll = milliseconds(cfg.jobs.poll_ms);
  js.lease = milliseconds(cfg.jobs.lease_ms);
  js.timeout = milliseconds(cfg.request_timeout_ms);
  js.policies = jobs::policies_with(cfg.jobs.kinds);
  js.directory = node.directory;
  child_spec c;
  c.name = node_directory::job_runner_name;
  c.start = [js](caf::local_actor* parent) {
    return spawn_job_runner(parent, js);
  };
  return c;
}

child_spec scheduler_child(const config::node_config& cfg,
                           const running_node& node) {
  scheduler_settings ss;
  ss.node = cfg.node;
  ss.catalog = cfg.catalog;
  ss.timezone = cfg.scheduler.timezone;
  ss.schedules = cfg.scheduler.schedules;
  ss.tick = milliseconds(cfg.scheduler.tick_ms);
  ss.lease_ms = cfg.scheduler.lease_ms;
  ss.timeout = milliseconds(cfg.request_timeout_ms);
  ss.cache_refresh = milliseconds(cfg.scheduler.cache_refresh_ms);
  ss.cache_refresh_batch = cfg.scheduler.cache_refresh_batch;
  ss.policies = jobs::policies_with(cfg.jobs.kinds);
  ss.directory = node.directory;
  child_spec c;
  c.name = node_directory::scheduler_name;
  c.start = [ss](caf::local_actor* parent) {
    return spawn_scheduler(parent, ss);
  };
  return c;
}

} // namespace

router_actor running_node::gateway() const {
  return directory->gateway();
}

running_node start_node(caf::actor_system& sys, const config::node_config& cfg,
                        std::vector<int32_t> slot_table, bool publish,
                        std::function<void()> on_left) {
  running_node node;
  node.shard_count = static_cast<int32_t>(cfg.shards.size());
  node.directory = std::make_shared<node_directory>();
  node.leases = std::make_shared<lease_table>();
  node.progress = std::make_shared<cluster_progress>();
  node.incarnation = new_incarnation();
  node.on_left = std::move(on_left);
  if (cfg.fault_injection)
    node.faults = std::make_shared<fault_injector>();
  if (cfg.standby_connections)
    node.standby = std::make_shared<db::standby_pool>(cfg.shards,
                                                      pg_shard_store::warm_up);
  if (publish)
    node.published = std::make_shared<publication>();
  supervisor_spec root;
  root.name = node_directory::root_name;
  // one_for_one: the gateway finds regions through the directory and the
  // regions find the gateway there, so neither needs the other restarted.
  root.strategy = supervision::strategy::one_for_one;
  tune(root, cfg.supervision.root);
  root.directory = node.directory;
  // Order: the catalog and the shards before the gateway that routes to
  // them; the cluster actor last, once the gateway's port is known.
  root.children = {catalog_child(cfg),
                   supervisor_child(shards_spec(cfg, node)),
                   gateway_child(cfg, std::move(slot_table), node),
                   recommender_child(cfg, node),
                   jobs_child(cfg, node),
                   scheduler_child(cfg, node),
                   cluster_child(cfg, node)};
  // Detached: the gateway's start function publishes, which blocks.
  node.root = spawn_supervisor(sys, root, publish);
  node.directory->put(node_directory::root_name,
                      caf::actor_cast<caf::actor>(node.root));
  return node;
}

router_actor await_gateway(const running_node& node,
                           std::chrono::milliseconds timeout,
                           std::string& error) {
  auto deadline = std::chrono::steady_clock::now() + timeout;
  // Ready: every lease has a live owner and this node serves its own.
  auto shards_up = [&] { return node.progress->ready.load(); };
  for (;;) {
    auto gateway = shards_up() ? node.gateway() : router_actor{};
    if (node.published) {
      std::lock_guard<std::mutex> guard{node.published->mtx};
      if (node.published->error) {
        error = "listen.port: " + *node.published->error;
        return {};
      }
      if (gateway && node.published->port)
        return gateway;
    } else if (gateway) {
      return gateway;
    }
    if (std::chrono::steady_clock::now() > deadline) {
      error = "the node did not start within " + std::to_string(timeout.count())
              + " ms";
      return {};
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
}

void stop_node(caf::actor_system& sys, const running_node& node) {
  caf::scoped_actor self{sys};
  self->send_exit(node.root, caf::exit_reason::user_shutdown);
  self->wait_for(node.root);
  node.directory->clear();
}

} // namespace lunch
