// lunchd: one lunchmesh node. Reads the node config, prepares the catalog
// and shard databases, publishes the gateway and runs until SIGINT/SIGTERM.

#include <csignal>
#include <cstdlib>
#include <iostream>
#include <thread>

#include <CLI/CLI.hpp>
#include <caf/all.hpp>
#include <caf/io/all.hpp>

#include "runtime/log.hpp"
#include "runtime/node.hpp"
#include "runtime/system_config.hpp"

#include <pthread.h>

namespace {

// Exit codes: 0 clean stop, 1 crash, 2 bad config or unreachable database.
constexpr int exit_config = 2;

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
    slot_table = lunch::runtime::prepare_databases(cfg);
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
  lunch::runtime::configure(caf_cfg, cfg.threads);
  caf::actor_system sys{caf_cfg};
  auto gateway = lunch::spawn_gateway(
    sys, lunch::runtime::make_gateway_settings(cfg, std::move(slot_table)));
  auto port = sys.middleman().publish(gateway, cfg.listen.port,
                                      cfg.listen.host.c_str(), true);
  if (!port) {
    std::cerr << "lunchd: listen.port: cannot listen on " << cfg.listen.host
              << ':' << cfg.listen.port << ": " << sys.render(port.error())
              << '\n';
    lunch::runtime::stop_gateway(sys, gateway);
    return exit_config;
  }
  lunch::log::info("node.ready",
                   {{"address", cfg.listen.host + ":" + std::to_string(*port)},
                    {"shards", std::to_string(cfg.shards.size())},
                    {"pid", std::to_string(getpid())}});
  int sig = 0;
  sigwait(&signals, &sig);
  lunch::log::info("node.stopping", {{"signal", strsignal(sig)}});
  std::thread([] {
    std::this_thread::sleep_for(shutdown_grace);
    lunch::log::error("node.shutdown_timeout", {});
    std::_Exit(1);
  }).detach();
  sys.middleman().unpublish(gateway, *port);
  lunch::runtime::stop_gateway(sys, gateway);
  lunch::log::info("node.stopped", {});
  return 0;
}
