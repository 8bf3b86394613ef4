// lunchctl cache: every node's recommendation cache (stats, refresh).

#include <vector>

#include "actors/recommend/refresh_queue.hpp"
#include "runtime/bin/lunchctl/commands.hpp"

namespace lunch::ctl {

void setup_cache(CLI::App& app, command& chosen) {
  auto cache = app.add_subcommand(
    "cache", "every node's recommendation cache and its refresh cycle");
  cache->require_subcommand(1);
  on_run(cache->add_subcommand("stats", "per node: entries, days, hit rate, "
                                        "memory, refresh cycle and queue"),
         chosen, [](session& s) {
           return ask_and_print<std::vector<rec_cache_stats>>(
             s, print_cache_stats, cache_stats_atom::value);
         });
  auto refresh = cache->add_subcommand(
    "refresh", "run one refresh batch on every node now");
  auto batch = std::make_shared<int32_t>(256);
  refresh
    ->add_option("--batch", *batch,
                 "keys to compute again per node, 1-100000 (default 256)")
    ->check(CLI::Range(1, rec::max_refresh_batch));
  on_run(refresh, chosen, [batch](session& s) {
    return ask_and_print<std::vector<rec_refresh_report>>(
      s, print_refresh_reports, cache_refresh_atom::value, *batch);
  });
}

} // namespace lunch::ctl
