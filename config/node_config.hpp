#pragma once

// The node config file (JSON) read by `lunchd --config FILE`.

#include <cstdint>
#include <stdexcept>
#include <string>
#include <vector>

#include "messages/job_kinds.hpp"
#include "messages/schedule_model.hpp"
#include "runtime/supervision_policy.hpp"

namespace lunch::config {

struct peer_address {
  std::string host;
  uint16_t port = 0;
};

/// Restart intensity and backoff of one level of the supervision tree.
struct supervisor_tuning {
  supervision::intensity intensity;
  supervision::backoff_policy backoff;
};

/// The tunable levels of the node's tree (README: "Supervision tree").
/// `shards.intensity.max_restarts` 0 means "16 per shard".
struct supervision_config {
  supervisor_tuning root{{3, supervision::millis{60000}},
                         {supervision::millis{1000}, supervision::millis{30000},
                          2.0, 0.2, supervision::millis{120000}}};
  supervisor_tuning shards{{0, supervision::millis{60000}},
                           {supervision::millis{500}, supervision::millis{5000},
                            2.0, 0.2, supervision::millis{60000}}};
  supervisor_tuning shard{{5, supervision::millis{5000}},
                          {supervision::millis{50}, supervision::millis{1000},
                           2.0, 0.2, supervision::millis{10000}}};
  supervision::intensity entities{20, supervision::millis{5000}};
};

/// How the nodes of a cluster find and watch each other. The heartbeat
/// settings must be the same on every node (the catalog records the first
/// node's and refuses others).
struct cluster_config {
  std::vector<peer_address> seeds;     // peers to contact at start
  int64_t heartbeat_ms = 250;          // BASP heartbeat interval
  int64_t heartbeat_timeout_ms = 1000; // a silent peer is dead after
  int64_t catalog_interval_ms = 500;   // catalog heartbeat and re-check
  std::vector<int32_t> allowed_shards; // empty: any shard
};

/// Recommendation builds (docs/recommend.md). The seed makes the random
/// terms reproducible on every node; 0 turns them off. Every node of a
/// cluster should use the same seed, or builds differ by node.
struct recommend_config {
  int64_t seed = 20250825;
  int32_t builders = 0; // builder actors per node; 0 = one per core
  int64_t build_timeout_ms = 600000; // a build that takes longer fails
};

/// Background jobs (actors/jobs/job_runner.hpp): how many run at once on
/// this node, how often it looks for pending ones, after how long a silent
/// runner loses its jobs, and each kind's limits and retries.
struct jobs_config {
  int32_t workers = 256; // message-driven runs, not threads
  int64_t poll_ms = 100;
  int64_t lease_ms = 5000;
  jobs::policies kinds; // only the configured ones; defaults for the rest
};

/// The cluster's scheduler (actors/scheduler/scheduler_actor.hpp): its
/// time zone, how often it looks at the clock and renews its lease, after
/// how long a silent one loses the lease, its schedules (replacing the
/// defaults when given) and the cache refresh it drives. Every node should
/// list the same schedules: the active scheduler fires its own.
struct scheduler_config {
  std::string timezone = sched::default_time_zone;
  int64_t tick_ms = 500;
  int64_t lease_ms = 3000;
  std::vector<sched::schedule_spec> schedules = sched::default_schedules();
  int64_t cache_refresh_ms = 1000; // 0: no continuous cache refresh
  int32_t cache_refresh_batch = 256;
};

struct listen_address {
  std::string host = "127.0.0.1";
  uint16_t port = 4710;
};

struct node_config {
  std::string node;                // unique node name, e.g. "node0"
  listen_address listen;           // where the gateway is published
  std::string catalog;             // libpq DSN of the catalog database
  std::vector<std::string> shards; // libpq DSNs, one per shard database
  std::string log_level = "info";  // debug | info | warn | error
  int64_t request_timeout_ms = 5000;
  int64_t passivate_after_ms = 60000; // idle entity actors stop after this
  int32_t threads = 0;                // scheduler threads; 0 = one per core
  bool fault_injection = false;       // "debug": {"fault_injection": true}
  // One idle connection per shard database kept open, so that a takeover
  // need not wait for PostgreSQL to start a backend.
  bool standby_connections = true;
  supervision_config supervision;
  cluster_config cluster;
  recommend_config recommend;
  jobs_config jobs;
  scheduler_config scheduler;
};

/// Reads and validates a config file. Throws `config_error` whose message is
/// one line naming the file and the field, e.g.
/// "node.json: shards[2]: must be a non-empty libpq connection string".
node_config load_node_config(const std::string& path);

/// Parses and validates JSON text (`origin` prefixes error messages).
node_config parse_node_config(const std::string& text,
                              const std::string& origin);

struct config_error : std::runtime_error {
  using std::runtime_error::runtime_error;
};

} // namespace lunch::config
