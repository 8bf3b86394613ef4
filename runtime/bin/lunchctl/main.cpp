// lunchctl: the command-line client. Connects to one node's gateway, sends
// one command, prints the answer (table or --json) and exits with
// 0 ok, 1 domain error, 2 usage error, 3 node/shard unreachable or timeout.
//
// This file only assembles the CLI: session.hpp connects, asks and
// prints; each *_commands.cpp adds one group; exit_codes.hpp maps errors.

#include <cstdlib>
#include <string>

#include <CLI/CLI.hpp>

#include "runtime/bin/lunchctl/commands.hpp"

int main(int argc, char** argv) {
  using namespace lunch::ctl;
  CLI::App app{"lunchctl: send commands to a lunchmesh node"};
  app.require_subcommand(1);
  session_options opts;
  const char* env_node = std::getenv("LUNCH_NODE");
  opts.node = env_node && *env_node ? env_node : "127.0.0.1:4710";
  app.add_option("--node", opts.node, "HOST:PORT of a node (env LUNCH_NODE)");
  app.add_flag("--json", opts.json, "print one JSON document");
  app.add_option("--timeout", opts.timeout_s, "seconds to wait for an answer")
    ->check(CLI::Range(0.01, 3600.0));
  app
    .add_option("--request-id", opts.request_id,
                "id of this write: repeating a write with the same id "
                "applies it once (default: a fresh random id)")
    ->check([](const std::string& x) {
      return !x.empty() && x.size() <= 200 ? std::string{}
                                           : "must be 1 to 200 characters";
    });
  command chosen;
  setup_user(app, chosen);
  setup_party(app, chosen);
  setup_calendar(app, chosen);
  setup_notify(app, chosen);
  setup_analytics(app, chosen);
  setup_job(app, chosen);
  setup_schedule(app, chosen);
  setup_recommend(app, chosen);
  setup_cache(app, chosen);
  setup_shard(app, chosen);
  setup_node(app, chosen);
  setup_cluster(app, chosen);
  setup_debug(app, chosen);
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    auto rc = app.exit(e);
    return rc == 0 ? exit_ok : exit_usage;
  }
  return run_connected(opts, chosen);
}
