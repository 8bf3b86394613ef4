// lunchctl shard: the slot map, sizes per shard, the rebalance plan.

#include <vector>

#include "runtime/bin/lunchctl/commands.hpp"

namespace lunch::ctl {

void setup_shard(CLI::App& app, command& chosen) {
  auto shard = app.add_subcommand("shard", "shards and slots");
  shard->require_subcommand(1);
  on_run(shard->add_subcommand("map", "slot ranges per shard"), chosen,
         [](session& s) {
           return ask_and_print<std::vector<slot_range>>(s, print_slot_map,
                                                         shd_map_atom::value);
         });
  on_run(shard->add_subcommand("stats", "users, parties and size per shard"),
         chosen, [](session& s) {
           return ask_and_print<std::vector<shard_stats>>(
             s, print_shard_stats, shd_stats_atom::value);
         });
  on_run(shard->add_subcommand("plan", "rebalance plan (no data moves)"),
         chosen, [](session& s) {
           return ask_and_print<rebalance_plan>(s, print_rebalance_plan,
                                                shd_plan_atom::value);
         });
}

} // namespace lunch::ctl
