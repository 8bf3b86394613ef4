// The published port is the public API and nothing else: a client that
// connects as lunchctl does may send the node's internal messages there
// (BASP lets it send anything), and each one is refused by the gateway's
// door and changes nothing inside the node.

#include <chrono>
#include <memory>
#include <string>

#include <caf/all.hpp>
#include <caf/io/all.hpp>
#include <catch2/catch.hpp>

#include "actors/node/node_databases.hpp"
#include "actors/node/node_root.hpp"
#include "messages/errors.hpp"
#include "messages/router_protocol.hpp"
#include "runtime/system_config.hpp"
#include "tests/integration/node_client.hpp"
#include "tests/integration/pg_fixture.hpp"

using namespace lunch;
using namespace std::chrono_literals;
using test::person;

namespace {

// A node publishing its gateway on a free loopback port, and a separate
// actor system connected to it the way lunchctl connects.
struct published_node {
  published_node() : dbs(4), cfg(dbs.node_config()) {
    cfg.listen.port = 0;
    runtime::configure(node_cfg, 2);
    node_sys = std::make_unique<caf::actor_system>(node_cfg);
    node = start_node(*node_sys, cfg, prepare_databases(cfg), true);
    std::string error;
    if (!await_gateway(node, 20s, error))
      throw std::runtime_error("node did not start: " + error);
    {
      std::lock_guard<std::mutex> guard{node.published->mtx};
      port = *node.published->port;
      door = node.published->door;
    }
    runtime::configure(client_cfg, 2);
    client_sys = std::make_unique<caf::actor_system>(client_cfg);
    auto published
      = client_sys->middleman().remote_actor<gateway_actor>("127.0.0.1", port);
    if (!published)
      throw std::runtime_error("cannot connect: "
                               + client_sys->render(published.error()));
    remote = *published;
  }

  ~published_node() {
    remote = nullptr;
    client_sys.reset();
    node_sys->middleman().unpublish(door, port);
    door = nullptr;
    stop_node(*node_sys, node);
    node = running_node{};
    node_sys.reset();
  }

  // Sends (xs...) to the published handle as an untyped client may, and
  // returns the error it got back ("" if it was answered).
  template <class... Ts>
  std::string refusal(Ts... xs) {
    caf::scoped_actor self{*client_sys};
    std::string error;
    self->request(caf::actor_cast<caf::actor>(remote), 10s, xs...)
      .receive([](caf::message&) {},
               [&](caf::error& e) { error = client_sys->render(e); });
    return error;
  }

  // A public request through the published handle.
  template <class T, class... Ts>
  test::reply<T> ask(Ts... xs) {
    caf::scoped_actor self{*client_sys};
    test::reply<T> r;
    self->request(remote, 10s, xs...)
      .receive([&](T& x) { r.value = std::move(x); },
               [&](caf::error& e) {
                 r.code = errc_of(e);
                 r.message = message_of(e);
               });
    return r;
  }

  test::scratch_databases dbs;
  config::node_config cfg;
  caf::actor_system_config node_cfg;
  std::unique_ptr<caf::actor_system> node_sys;
  running_node node;
  gateway_actor door;
  uint16_t port = 0;
  caf::actor_system_config client_cfg;
  std::unique_ptr<caf::actor_system> client_sys;
  gateway_actor remote;
};

bool unexpected(const std::string& error) {
  return error.find("unexpected_message") != std::string::npos;
}

} // namespace

TEST_CASE("the published gateway refuses the node's internal messages",
          "[api]") {
  published_node n;
  REQUIRE(
    n.ask<user_view>(usr_create_atom::value, person("p1", "민수"), request_id{})
      .value);
  auto before = n.ask<user_view>(usr_get_atom::value, user_key{"p1"});
  REQUIRE(before.value);
  REQUIRE(before.value->total_points == 0);
  // The published handle is the door, not the gateway the node's own
  // actors use.
  CHECK(n.remote.address() != n.node.gateway().address());

  SECTION("points can not be awarded from outside") {
    points_award award{"p1", before.value->shard, 999999, 1000};
    CHECK(unexpected(n.refusal(pts_award_atom::value, award)));
    CHECK(unexpected(n.refusal(pts_scan_atom::value, user_key{"p1"})));
    auto after = n.ask<user_view>(usr_get_atom::value, user_key{"p1"});
    REQUIRE(after.value);
    CHECK(after.value->total_points == 0);
  }

  SECTION("routes can not be withdrawn or redirected from outside") {
    for (int32_t shard = 0; shard < 4; ++shard)
      CHECK(unexpected(n.refusal(clu_route_atom::value,
                                 shard_route{shard, 1 << 30, "evil", {}})));
    CHECK(unexpected(n.refusal(clu_lost_atom::value, n.cfg.node)));
    CHECK(unexpected(n.refusal(clu_hello_atom::value, peer_hello{})));
    // Every shard still answers, through the door and inside the node.
    auto stats = n.ask<std::vector<shard_stats>>(shd_stats_atom::value);
    REQUIRE(stats.value);
    for (auto& s : *stats.value)
      CHECK(s.error.empty());
    caf::scoped_actor self{*n.node_sys};
    bool inside = false;
    self->request(n.node.gateway(), 10s, usr_get_atom::value, user_key{"p1"})
      .receive([&](user_view&) { inside = true; }, [](caf::error&) {});
    CHECK(inside);
  }

  SECTION("change notices, snapshots and crashes are internal too") {
    CHECK(unexpected(n.refusal(rec_change_atom::value,
                               std::vector<rec_change>{rec_change{}})));
    CHECK(unexpected(
      n.refusal(rec_snapshot_atom::value, std::string{"2026-12-01"})));
    CHECK(unexpected(n.refusal(dbg_crash_atom::value)));
    CHECK(unexpected(
      n.refusal(usr_brief_atom::value, std::vector<user_key>{user_key{"p1"}})));
    auto status = n.ask<node_status>(nod_status_atom::value);
    REQUIRE(status.value);
    CHECK(status.value->unreachable_shards.empty());
  }
}
