#pragma once

// A gateway of node "n1" over one shard (every slot on shard 0), on CAF's
// deterministic test coordinator, with no region of its own: the test
// tells it which peer region serves the shard (route).

#include <chrono>
#include <memory>
#include <string>

#include <caf/all.hpp>

#include "actors/node/gateway_actor.hpp"
#include "actors/shard/slot_map.hpp"
#include "messages/cluster_protocol.hpp"
#include "runtime/node_directory.hpp"
#include "tests/support/deterministic_system.hpp"

namespace lunch::testing {

struct one_shard_gateway {
  deterministic_system env;
  caf::scoped_actor parent{env.sys};
  router_actor gateway;

  one_shard_gateway() {
    gateway_settings gs;
    gs.node = "n1";
    gs.shard_count = 1;
    gs.slot_table.assign(slot_count, 0);
    gs.timeout = std::chrono::seconds{5};
    gs.directory = std::make_shared<node_directory>();
    gateway = spawn_gateway(parent.ptr(), gs);
    env.sched.run();
  }

  ~one_shard_gateway() {
    caf::anon_send_exit(gateway, caf::exit_reason::user_shutdown);
    env.sched.run();
  }

  /// The cluster actor's word that `r` on `node` serves the shard since
  /// `epoch`.
  void route(int64_t epoch, std::string node, region_actor r) {
    caf::anon_send(gateway, clu_route_atom::value,
                   shard_route{0, epoch, std::move(node), std::move(r)});
    env.sched.run();
  }
};

} // namespace lunch::testing
