#include "runtime/bin/lunchctl/print_cluster.hpp"

#include <algorithm>
#include <iostream>

#include "runtime/bin/lunchctl/print_table.hpp"

namespace lunch::ctl {

using nlohmann::json;

json to_json(const cluster_status& x) {
  json doc{{"answered_by", x.answered_by},
           {"nodes", json::array()},
           {"leases", json::array()}};
  for (auto& n : x.nodes) {
    std::vector<int32_t> owned;
    for (auto& l : x.leases)
      if (l.owner == n.name && l.incarnation == n.incarnation)
        owned.push_back(l.shard);
    bool reachable = n.name == x.answered_by
                     || std::find(x.connected.begin(), x.connected.end(),
                                  n.name)
                          != x.connected.end();
    doc["nodes"].push_back({{"name", n.name},
                            {"state", n.state},
                            {"address", n.host + ":" + std::to_string(n.port)},
                            {"pid", n.pid},
                            {"incarnation", n.incarnation},
                            {"started_at", n.started_at},
                            {"heartbeat_age_ms", n.heartbeat_age_ms},
                            {"shards", owned},
                            {"allowed_shards", n.allowed_shards},
                            {"reachable", reachable}});
  }
  for (auto& l : x.leases)
    doc["leases"].push_back({{"shard", l.shard},
                             {"owner", l.owner},
                             {"epoch", l.epoch},
                             {"changed_at", l.changed_at}});
  return doc;
}

json to_json(const std::vector<cluster_event>& xs) {
  json doc = json::array();
  for (auto& e : xs)
    doc.push_back({{"id", e.id},
                   {"at", e.at},
                   {"node", e.node},
                   {"kind", e.kind},
                   {"shard", e.shard < 0 ? json(nullptr) : json(e.shard)},
                   {"epoch", e.epoch == 0 ? json(nullptr) : json(e.epoch)},
                   {"detail", e.detail}});
  return doc;
}

void print_cluster_status(const cluster_status& x) {
  auto doc = to_json(x);
  std::cout << "cluster of " << x.nodes.size() << " node(s), "
            << x.leases.size() << " shards (answered by " << x.answered_by
            << ")\n";
  std::vector<std::vector<std::string>> rows;
  for (auto& n : doc["nodes"]) {
    std::string shards;
    for (auto& s : n["shards"])
      shards += (shards.empty() ? "" : ",") + s.dump();
    rows.push_back({n["name"], n["state"], n["address"], n["pid"].dump(),
                    shards.empty() ? "-" : shards,
                    n["heartbeat_age_ms"].dump() + " ms ago",
                    n["reachable"].get<bool>() ? "yes" : "no"});
  }
  print_table({"NODE", "STATE", "ADDRESS", "PID", "SHARDS", "HEARTBEAT",
               "REACHABLE"},
              rows);
  std::cout << '\n';
  rows.clear();
  for (auto& l : doc["leases"])
    rows.push_back({l["shard"].dump(),
                    l["owner"].get<std::string>().empty()
                      ? "-"
                      : l["owner"].get<std::string>(),
                    l["epoch"].dump(), l["changed_at"]});
  print_table({"SHARD", "OWNER", "EPOCH", "SINCE"}, rows);
}

void print_cluster_events(const std::vector<cluster_event>& xs) {
  std::vector<std::vector<std::string>> rows;
  for (auto& e : xs)
    rows.push_back({std::to_string(e.id), e.at, e.node, e.kind,
                    e.shard < 0 ? "-" : std::to_string(e.shard),
                    e.epoch == 0 ? "-" : std::to_string(e.epoch), e.detail});
  print_table({"ID", "AT", "NODE", "EVENT", "SHARD", "EPOCH", "DETAIL"}, rows);
}

} // namespace lunch::ctl
