#include "runtime/bin/lunchctl/print_shard.hpp"

#include <algorithm>
#include <cmath>
#include <iostream>

#include "runtime/bin/lunchctl/print_table.hpp"

namespace lunch::ctl {

using nlohmann::json;

namespace {

// The map names every shard in some range, so the highest one counts them.
int32_t shard_count(const std::vector<slot_range>& xs) {
  int32_t shards = 0;
  for (const auto& r : xs)
    shards = std::max(shards, r.shard + 1);
  return shards;
}

} // namespace

json to_json(const std::vector<slot_range>& xs) {
  auto shards = shard_count(xs);
  auto ranges = json::array();
  std::vector<int64_t> per_shard(shards, 0);
  for (const auto& r : xs) {
    ranges.push_back(
      {{"first", r.first}, {"last", r.last}, {"shard", r.shard}});
    if (r.shard >= 0 && r.shard < shards)
      per_shard[r.shard] += r.last - r.first + 1;
  }
  return {{"slots", 16384},
          {"shards", shards},
          {"ranges", ranges},
          {"slots_per_shard", per_shard}};
}

json to_json(const std::vector<shard_stats>& xs) {
  json details = json::object();
  for (const auto& s : xs) {
    auto key = std::to_string(s.shard);
    if (s.reachable)
      details[key] = {{"user_count", s.user_count},
                      {"party_count", s.party_count},
                      {"member_count", s.member_count},
                      {"size_mb", std::round(s.bytes / 1048576.0 * 100) / 100}};
    else
      details[key] = {{"error", s.error}};
  }
  return {{"total_shards", xs.size()}, {"shard_details", details}};
}

json to_json(const rebalance_plan& x) {
  json plan = json::object();
  for (const auto& s : x.steps)
    plan[std::to_string(s.shard)] = {{"action", s.action}, {"count", s.count}};
  return {{"current_distribution", x.current_distribution},
          {"average_users_per_shard", x.average_users_per_shard},
          {"rebalance_plan", plan},
          {"status", "plan_created"}};
}

json to_json(const node_status& x) {
  return {{"node", x.node},
          {"address", x.host + ":" + std::to_string(x.port)},
          {"shards", x.shard_count},
          {"uptime_ms", x.uptime_ms},
          {"active_users", x.active_users},
          {"active_parties", x.active_parties},
          {"unreachable_shards", x.unreachable_shards}};
}

void print_slot_map(const std::vector<slot_range>& xs) {
  auto shards = shard_count(xs);
  auto doc = to_json(xs);
  std::cout << xs.size() << " slot ranges over " << shards
            << " shards (16384 slots)\n";
  std::vector<std::vector<std::string>> rows;
  for (int32_t i = 0; i < shards; ++i)
    rows.push_back({std::to_string(i), doc["slots_per_shard"][i].dump()});
  print_table({"SHARD", "SLOTS"}, rows);
  if (xs.size() <= 32)
    for (const auto& r : xs)
      std::cout << r.first << "-" << r.last << " -> " << r.shard << '\n';
}

void print_shard_stats(const std::vector<shard_stats>& xs) {
  std::vector<std::vector<std::string>> rows;
  for (const auto& x : xs)
    rows.push_back(
      x.reachable
        ? std::vector<std::string>{std::to_string(x.shard),
                                   std::to_string(x.user_count),
                                   std::to_string(x.party_count),
                                   std::to_string(x.member_count),
                                   std::to_string(x.bytes / 1024) + " KiB"}
        : std::vector<std::string>{std::to_string(x.shard), "-", "-", "-",
                                   "unreachable: " + x.error});
  print_table({"SHARD", "USERS", "PARTIES", "MEMBERS", "SIZE"}, rows);
}

void print_rebalance_plan(const rebalance_plan& x) {
  std::cout << "average users per shard: " << x.average_users_per_shard << '\n';
  std::vector<std::vector<std::string>> rows;
  for (const auto& st : x.steps)
    rows.push_back(
      {std::to_string(st.shard), st.action, std::to_string(st.count)});
  if (rows.empty())
    std::cout << "balanced: no moves needed\n";
  else
    print_table({"SHARD", "ACTION", "COUNT"}, rows);
}

void print_node_status(const node_status& x) {
  print_fields(to_json(x));
}

} // namespace lunch::ctl
