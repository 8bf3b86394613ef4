// lunchd: one lunchmesh node. Reads the node config, prepares the catalog
// and shard databases, starts the supervision tree (which publishes the
// gateway) and runs until SIGINT/SIGTERM, or until the tree gives up.

#include <atomic>
#include <csignal>
#include <cstdlib>
#include <iostream>
#include <thread>

#include <CLI/CLI.hpp>
#include <caf/all.hpp>
#include <caf/io/all.hpp>

#include "actors/node/node_databases.hpp"
#include "actors/node/node_root.hpp"
#include "runtime/log.hpp"
#include "runtime/system_config.hpp"

#include <pthread.h>

namespace {

// Exit codes: 0 clean stop, 1 the supervision tree gave up (or a crash),
// 2 bad config, unreachable database or port in use.
constexpr int exit_failed = 1;
constexpr int exit_config = 2;

// Set when the root supervisor dies on its own; main then exits 1.
std::atomic<bool> root_failed{false};

// Shutdown must not hang: past this, the process exits anyway.
constexpr auto shutdown_grace = std::chrono::seconds(10);

sigset_t stop_signals() {
  sigset_t set;
  sigemptyset(&set);
  sigaddset(&set, SIGINT);
  sigaddset(&set, SIGTERM);
  return set;
}

} // namespace

int main(int argc, char** argv) {
  CLI::App app{"lunchd: a lunchmesh node"};
  std::string config_path;
  bool check_only = false;
  app.add_option("-c,--config", config_path, "node config file (JSON)")
    ->required();
  app.add_flag("--check", check_only,
               "validate the config and databases, then exit");
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    auto rc = app.exit(e);
    return rc == 0 ? 0 : exit_config;
  }
  lunch::config::node_config cfg;
  std::vector<int32_t> slot_table;
  try {
    cfg = lunch::config::load_node_config(config_path);
    lunch::log::init(cfg.node, cfg.log_level);
    slot_table = lunch::prepare_databases(cfg);
  } catch (const lunch::config::config_error& e) {
    std::cerr << "lunchd: " << e.what() << '\n';
    return exit_config;
  }
  if (check_only) {
    std::cout << "lunchd: config " << config_path << " is valid; "
              << cfg.shards.size() << " shards ready\n";
    return 0;
  }
  // Every thread started from here on inherits the blocked signals; only
  // the sigwait below receives them.
  auto signals = stop_signals();
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);
  caf::actor_system_config caf_cfg;
  lunch::runtime::configure(caf_cfg, cfg.threads,
                            {cfg.cluster.heartbeat_ms,
                             cfg.cluster.heartbeat_timeout_ms});
  caf::actor_system sys{caf_cfg};
  // After `lunchctl cluster leave`, the node stops once its shards moved.
  auto on_left = [] { kill(getpid(), SIGTERM); };
  auto node = lunch::start_node(sys, cfg, std::move(slot_table), true, on_left);
  std::string error;
  auto gateway = lunch::await_gateway(node, std::chrono::seconds(30), error);
  if (!gateway) {
    std::cerr << "lunchd: " << error << '\n';
    lunch::stop_node(sys, node);
    return exit_config;
  }
  // The root only stops by itself when it gave up: end the process (a
  // service manager restarts it) instead of running without a tree.
  caf::actor_cast<caf::abstract_actor*>(node.root)->attach_functor(
    [](const caf::error& reason) {
      if (!reason || reason == caf::exit_reason::user_shutdown)
        return;
      lunch::log::error("node.gave_up", {{"reason", to_string(reason)}});
      root_failed = true;
      kill(getpid(), SIGTERM);
    });
  uint16_t port = 0;
  {
    std::lock_guard<std::mutex> guard{node.published->mtx};
    port = *node.published->port;
  }
  lunch::log::info("node.ready",
                   {{"address", cfg.listen.host + ":" + std::to_string(port)},
                    {"shards", std::to_string(cfg.shards.size())},
                    {"incarnation", std::to_string(node.incarnation)},
                    {"fault_injection", cfg.fault_injection ? "on" : "off"},
                    {"pid", std::to_string(getpid())}});
  int sig = 0;
  sigwait(&signals, &sig);
  if (!root_failed)
    lunch::log::info("node.stopping", {{"signal", strsignal(sig)}});
  std::thread([] {
    std::this_thread::sleep_for(shutdown_grace);
    lunch::log::error("node.shutdown_timeout", {});
    std::_Exit(1);
  }).detach();
  if (!root_failed) {
    lunch::gateway_actor door;
    {
      std::lock_guard<std::mutex> guard{node.published->mtx};
      door = node.published->door;
    }
    if (door)
      sys.middleman().unpublish(door, port);
    lunch::stop_node(sys, node);
  }
  lunch::log::info("node.stopped", {});
  if (root_failed)
    return exit_failed;
  return 0;
}
