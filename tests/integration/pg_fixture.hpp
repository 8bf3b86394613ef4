#pragma once

// A fresh catalog + shard databases on the suite's private PostgreSQL
// (LUNCH_TEST_PG, set by scripts/test.sh), and an in-process node on them.

#include <functional>
#include <memory>
#include <string>
#include <vector>

#include <caf/actor_system.hpp>
#include <caf/actor_system_config.hpp>
#include <caf/scoped_actor.hpp>

#include "actors/node/node_root.hpp"
#include "config/node_config.hpp"

namespace lunch::test {

/// Creates `shards` + 1 empty databases with unique names; drops them in
/// the destructor.
class scratch_databases {
public:
  explicit scratch_databases(int shards);
  ~scratch_databases();

  /// A node config naming these databases.
  config::node_config node_config() const;

  /// The DSN of shard i (for direct SQL checks).
  std::string shard_dsn(int i) const;

private:
  std::string base_;
  std::vector<std::string> names_; // catalog first
};

/// An actor system running a node's supervision tree on scratch databases.
struct node_fixture {
  explicit node_fixture(int shards = 4, int64_t passivate_after_ms = 60000,
                        std::function<void(config::node_config&)> tweak = {});
  ~node_fixture();

  /// Stops the whole tree and starts a fresh one on the same databases.
  void restart_node();

  scratch_databases dbs;
  config::node_config cfg;
  caf::actor_system_config sys_cfg;
  std::unique_ptr<caf::actor_system> sys;
  running_node node;
  router_actor gateway; // the first gateway of the current tree

private:
  void start();
};

/// Runs one SQL query returning a single integer on shard i.
int64_t query_int(const std::string& dsn, const std::string& sql);

} // namespace lunch::test
