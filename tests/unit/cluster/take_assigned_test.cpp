// The cluster actor on CAF's deterministic test coordinator: a peer's
// assignment, pushed with the view it committed, starts the shards it gave
// this node before this node's own catalog read (which here never comes).

#include <memory>
#include <vector>

#include <caf/all.hpp>
#include <catch2/catch.hpp>

#include "actors/cluster/cluster_actor.hpp"
#include "actors/cluster/lease_table.hpp"
#include "runtime/node_directory.hpp"
#include "tests/support/deterministic_system.hpp"

using namespace lunch;
using namespace std::chrono_literals;

namespace {

constexpr int64_t incarnation = 7;

node_info me() {
  node_info n;
  n.name = "n1";
  n.host = "127.0.0.1";
  n.incarnation = incarnation;
  n.state = "up";
  n.started_at = "2026-12-07T10:00:00.000Z";
  return n;
}

shard_lease lease(int32_t shard, std::string owner, int64_t epoch) {
  shard_lease l;
  l.shard = shard;
  l.owner = std::move(owner);
  l.incarnation = l.owner.empty() ? 0 : incarnation;
  l.epoch = epoch;
  return l;
}

cluster_view view_of(std::vector<shard_lease> leases) {
  return {{me()}, std::move(leases)};
}

// Answers the registration with `first`, and nothing after it: every later
// catalog request stays pending, as on a catalog busy with a heartbeat.
caf::behavior quiet_catalog(caf::event_based_actor* self, cluster_view first) {
  return {
    [=](cat_reg_atom, const node_info&) { return first; },
    [=](cat_beat_atom, const node_info&) {
      return self->make_response_promise<cluster_view>();
    },
    [=](cat_assign_atom, const std::vector<node_info>&,
        const std::vector<node_info>&) {
      return self->make_response_promise<cluster_view>();
    },
  };
}

// Records which shards the cluster actor starts.
caf::behavior shards_supervisor(caf::event_based_actor*,
                                std::shared_ptr<std::vector<int32_t>> started) {
  return {
    [=](sup_add_atom, int32_t shard) {
      started->push_back(shard);
      return true;
    },
  };
}

} // namespace

TEST_CASE("a pushed assignment starts the shards it gives this node, once, "
          "without a catalog read",
          "[cluster]") {
  testing::deterministic_system env;
  auto started = std::make_shared<std::vector<int32_t>>();
  auto directory = std::make_shared<node_directory>();
  // Shard 0 is ours at epoch 1; shard 1 has no owner yet.
  directory->put(node_directory::catalog_name,
                 env.sys.spawn(quiet_catalog,
                               view_of({lease(0, "n1", 1), lease(1, "", 1)})));
  directory->put(node_directory::shards_name,
                 env.sys.spawn(shards_supervisor, started));
  cluster_settings cs;
  cs.me = me();
  cs.port = [] { return uint16_t{0}; };
  cs.shard_count = 2;
  cs.tick = 500ms;
  cs.confirm = 100ms;
  cs.connect = 250ms;
  cs.heard = 750ms;
  cs.stale = 1500ms;
  cs.db_stale = 3000ms;
  cs.timeout = 5s;
  cs.directory = directory;
  cs.leases = std::make_shared<lease_table>();
  cs.progress = std::make_shared<cluster_progress>();
  cs.on_left = [] {};
  auto leases = cs.leases;
  caf::scoped_actor parent{env.sys};
  auto cluster
    = caf::actor_cast<cluster_actor>(spawn_cluster_actor(parent.ptr(), cs));
  env.sched.run();
  REQUIRE(cs.progress->registered);
  REQUIRE(*started == std::vector<int32_t>{0});
  // A peer's assignment that gave shard 1 to another node starts nothing.
  caf::anon_send(cluster, clu_sync_atom::value,
                 view_of({lease(0, "n1", 1), lease(1, "n2", 2)}));
  env.sched.run();
  CHECK(*started == std::vector<int32_t>{0});
  CHECK_FALSE(leases->epoch(1));
  // Then shard 1 came to us (epoch 3): pushed as committed, started at once.
  auto committed = view_of({lease(0, "n1", 1), lease(1, "n1", 3)});
  caf::anon_send(cluster, clu_sync_atom::value, committed);
  env.sched.run();
  CHECK(*started == std::vector<int32_t>{0, 1});
  CHECK(leases->epoch(1) == std::optional<int64_t>{3});
  // The same push again, or an older one, starts nothing more.
  caf::anon_send(cluster, clu_sync_atom::value, committed);
  caf::anon_send(cluster, clu_sync_atom::value,
                 view_of({lease(0, "n1", 1), lease(1, "n1", 2)}));
  env.sched.run();
  CHECK(*started == std::vector<int32_t>{0, 1});
  CHECK(leases->epoch(1) == std::optional<int64_t>{3});
  caf::anon_send_exit(cluster, caf::exit_reason::user_shutdown);
  env.sched.run();
}
