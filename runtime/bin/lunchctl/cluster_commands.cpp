// lunchctl cluster: status, events, leave.

#include <string>
#include <vector>

#include "runtime/bin/lunchctl/commands.hpp"

namespace lunch::ctl {

void setup_cluster(CLI::App& app, command& chosen) {
  auto cluster = app.add_subcommand("cluster", "nodes, shard leases, events");
  cluster->require_subcommand(1);
  on_run(cluster->add_subcommand("status",
                                 "nodes, their state and shards; leases"),
         chosen, [](session& s) {
           return ask_and_print<cluster_status>(s, print_cluster_status,
                                                clu_status_atom::value);
         });
  auto events = cluster->add_subcommand(
    "events", "membership and ownership changes, oldest first");
  auto limit = std::make_shared<int32_t>(50);
  events->add_option("--limit", *limit, "how many of the latest (default 50)")
    ->check(CLI::Range(1, 10000));
  on_run(events, chosen, [limit](session& s) {
    return ask_and_print<std::vector<cluster_event>>(
      s, print_cluster_events, clu_events_atom::value, *limit);
  });
  auto leave = cluster->add_subcommand(
    "leave", "hand off every shard of NODE, then stop it");
  auto node = std::make_shared<std::string>();
  leave->add_option("NODE", *node, "node name (see cluster status)")
    ->required();
  on_run(leave, chosen, [node](session& s) {
    return s.ask<std::string>(clu_leave_atom::value, *node)
      .then([&](const std::string& message) {
        return s.print(nlohmann::json{{"message", message}},
                       [&] { std::cout << message << '\n'; });
      });
  });
}

} // namespace lunch::ctl
