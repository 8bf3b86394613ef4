#include "actors/cluster/catalog_store.hpp"

#include <algorithm>
#include <sstream>

#include <pqxx/except>
#include <pqxx/result>

#include "actors/cluster/placement.hpp"
#include "runtime/db/map_error.hpp"

namespace lunch::catalog {

namespace {

std::string iso_utc(const std::string& column) {
  return "to_char(" + column
         + " AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS.MS\"Z\"')";
}

std::string join_ints(const std::vector<int32_t>& xs) {
  std::string out;
  for (auto x : xs)
    out += (out.empty() ? "" : ",") + std::to_string(x);
  return out;
}

std::vector<int32_t> split_ints(const std::string& text) {
  std::vector<int32_t> out;
  std::stringstream in{text};
  std::string item;
  while (std::getline(in, item, ','))
    if (!item.empty())
      out.push_back(std::stoi(item));
  return out;
}

placement_member member_of(const node_info& n) {
  return {n.name, n.state == "up", n.allowed_shards};
}

bool same_node(const node_info& n, const std::string& name, int64_t inc) {
  return n.name == name && n.incarnation == inc;
}

} // namespace

void agree_on_heartbeats(pqxx::transaction_base& tx, int64_t interval_ms,
                         int64_t timeout_ms) {
  // With no node alive (none up or leaving with a heartbeat in the last
  // 10 s), the cluster is being started again: its settings may change.
  auto alive = tx.exec("SELECT count(*) FROM cluster_nodes"
                       " WHERE state IN ('up', 'leaving')"
                       " AND heartbeat_at > now() - interval '10 seconds'");
  bool restarting = alive[0][0].as<int64_t>() == 0;
  auto check = [&](const std::string& key, const std::string& field,
                   int64_t value) {
    tx.exec_params(restarting
                     ? "INSERT INTO cluster_info (key, value) VALUES ($1, $2)"
                       " ON CONFLICT (key) DO UPDATE SET value = $2"
                     : "INSERT INTO cluster_info (key, value) VALUES ($1, $2)"
                       " ON CONFLICT (key) DO NOTHING",
                   key, std::to_string(value));
    auto row = tx.exec_params("SELECT value FROM cluster_info WHERE key = $1",
                              key);
    auto known = row[0][0].as<std::string>();
    if (known != std::to_string(value))
      throw db::domain_error(
        errc::invalid_argument,
        field + ": " + std::to_string(value) + " differs from the cluster's "
          + known + " (every node must use the same heartbeat settings)");
  };
  check("heartbeat_ms", "cluster.heartbeat_ms", interval_ms);
  check("heartbeat_timeout_ms", "cluster.heartbeat_timeout_ms", timeout_ms);
}

namespace {

std::vector<node_info> read_nodes(pqxx::transaction_base& tx) {
  std::vector<node_info> out;
  auto rows
    = tx.exec("SELECT name, host, port, pid, incarnation, state,"
              " coalesce(array_to_string(allowed_shards, ','), ''), "
              + iso_utc("started_at")
              + ", (extract(epoch FROM now() - heartbeat_at) * 1000)::bigint"
                " FROM cluster_nodes ORDER BY name");
  for (auto r : rows) {
    node_info n;
    n.name = r[0].as<std::string>();
    n.host = r[1].as<std::string>();
    n.port = r[2].as<int32_t>();
    n.pid = r[3].as<int32_t>();
    n.incarnation = r[4].as<int64_t>();
    n.state = r[5].as<std::string>();
    n.allowed_shards = split_ints(r[6].as<std::string>());
    n.started_at = r[7].as<std::string>();
    n.heartbeat_age_ms = r[8].as<int64_t>();
    out.push_back(std::move(n));
  }
  return out;
}

// `lock`: " FOR UPDATE NOWAIT", or "".
std::vector<shard_lease> read_leases(pqxx::transaction_base& tx,
                                     const std::string& lock) {
  std::vector<shard_lease> out;
  auto rows = tx.exec("SELECT shard, owner, incarnation, epoch, "
                      + iso_utc("changed_at")
                      + " FROM shard_leases ORDER BY shard" + lock);
  for (auto r : rows)
    out.push_back(shard_lease{r[0].as<int32_t>(), r[1].as<std::string>(),
                              r[2].as<int64_t>(), r[3].as<int64_t>(),
                              r[4].as<std::string>()});
  return out;
}

} // namespace

cluster_view read_view(pqxx::transaction_base& tx) {
  return {read_nodes(tx), read_leases(tx, "")};
}

void register_node(pqxx::transaction_base& tx, const node_info& me) {
  tx.exec_params(
    "INSERT INTO cluster_nodes (name, host, port, pid, incarnation, state,"
    " allowed_shards) VALUES ($1, $2, $3, $4, $5, 'up',"
    " string_to_array(nullif($6, ''), ',')::integer[])"
    " ON CONFLICT (name) DO UPDATE SET host = $2, port = $3, pid = $4,"
    " incarnation = $5, state = 'up',"
    " allowed_shards = string_to_array(nullif($6, ''), ',')::integer[],"
    " started_at = now(), heartbeat_at = now()",
    me.name, me.host, me.port, me.pid, me.incarnation,
    join_ints(me.allowed_shards));
  record(tx, me.name, "node.up", -1, 0,
         me.host + ":" + std::to_string(me.port) + " pid "
           + std::to_string(me.pid));
}

bool heartbeat(pqxx::transaction_base& tx, const node_info& me) {
  auto r = tx.exec_params("UPDATE cluster_nodes SET heartbeat_at = now()"
                          " WHERE name = $1 AND incarnation = $2"
                          " AND state IN ('up', 'leaving') RETURNING 1",
                          me.name, me.incarnation);
  return !r.empty();
}

cluster_view assign_orphans(pqxx::transaction_base& tx, const std::string& me,
                            const std::vector<node_info>& live,
                            const std::vector<node_info>& dead) {
  // Lock every lease first, reading them. A node that finds them locked
  // does not wait: another member is assigning (usually the same orphans,
  // after the same death), and its catalog actor stays free; that member's
  // sync brings the result. A takeover waits for this transaction, so each
  // step is one round trip: the lock with the read, a mark with its event.
  cluster_view view;
  try {
    view.leases = read_leases(tx, " FOR UPDATE NOWAIT");
  } catch (const pqxx::sql_error& e) {
    if (e.sqlstate() != "55P03") // lock_not_available
      throw;
    throw db::domain_error(errc::unavailable,
                           "another node is assigning the shards right now");
  }
  for (auto& d : dead)
    tx.exec_params("WITH down AS (UPDATE cluster_nodes SET state = 'down'"
                   " WHERE name = $1 AND incarnation = $2"
                   " AND state IN ('up', 'leaving') RETURNING 1)"
                   " INSERT INTO cluster_events (node, kind, detail)"
                   " SELECT $3, 'node.down', $4 FROM down",
                   d.name, d.incarnation, me,
                   d.name + " is unreachable (declared down by " + me + ")");
  view.nodes = read_nodes(tx);
  // A lease's owner is alive if the caller reaches it, or if the catalog
  // lists it as up and nobody declared it dead.
  auto registered_up = [&](const shard_lease& l) {
    auto same = [&](auto& n) { return same_node(n, l.owner, l.incarnation); };
    if (std::any_of(live.begin(), live.end(), same))
      return true;
    return std::any_of(view.nodes.begin(), view.nodes.end(), [&](auto& n) {
      return same(n) && (n.state == "up" || n.state == "leaving");
    });
  };
  std::vector<placement_member> members;
  for (auto& n : live)
    members.push_back(member_of(n));
  std::vector<std::string> current;
  for (auto& l : view.leases)
    current.push_back(registered_up(l) ? l.owner : std::string{});
  auto desired = place_shards(static_cast<int32_t>(view.leases.size()), members,
                              current);
  for (size_t s = 0; s < view.leases.size(); ++s) {
    auto& lease = view.leases[s];
    if (!current[s].empty() || desired[s].empty())
      continue;
    auto to = std::find_if(live.begin(), live.end(),
                           [&](auto& n) { return n.name == desired[s]; });
    auto r = tx.exec_params(
      "WITH moved AS (UPDATE shard_leases SET owner = $2, incarnation = $3,"
      " epoch = epoch + 1, changed_at = now() WHERE shard = $1"
      " RETURNING epoch, changed_at)"
      " INSERT INTO cluster_events (node, kind, shard, epoch, detail)"
      " SELECT $4, 'shard.acquired', $1, epoch, $5 FROM moved"
      " RETURNING epoch, (SELECT "
        + iso_utc("changed_at") + " FROM moved)",
      lease.shard, to->name, to->incarnation, me,
      to->name + " takes shard " + std::to_string(lease.shard)
        + (lease.owner.empty() ? std::string{" (unowned)"}
                               : " from " + lease.owner + " (gone)"));
    lease.owner = to->name;
    lease.incarnation = to->incarnation;
    lease.epoch = r[0][0].as<int64_t>();
    lease.changed_at = r[0][1].as<std::string>();
  }
  return view;
}

bool hand_off(pqxx::transaction_base& tx, int32_t shard, int64_t epoch,
              const node_info& from, const node_info& to) {
  auto r = tx.exec_params("UPDATE shard_leases SET owner = $4,"
                          " incarnation = $5, epoch = epoch + 1,"
                          " changed_at = now() WHERE shard = $1"
                          " AND owner = $2 AND incarnation = $3"
                          " AND epoch = $6 RETURNING epoch",
                          shard, from.name, from.incarnation, to.name,
                          to.incarnation, epoch);
  if (r.empty())
    return false;
  record(tx, from.name, "shard.moved", shard, r[0][0].as<int64_t>(),
         from.name + " hands shard " + std::to_string(shard) + " to "
           + to.name);
  return true;
}

void set_state(pqxx::transaction_base& tx, const node_info& me) {
  tx.exec_params("UPDATE cluster_nodes SET state = $3, heartbeat_at = now()"
                 " WHERE name = $1 AND incarnation = $2",
                 me.name, me.incarnation, me.state);
  record(tx, me.name, "node." + me.state, -1, 0, "");
}

void record(pqxx::transaction_base& tx, const std::string& node,
            const std::string& kind, int32_t shard, int64_t epoch,
            const std::string& detail) {
  tx.exec_params("INSERT INTO cluster_events (node, kind, shard, epoch,"
                 " detail) VALUES ($1, $2, nullif($3, -1), nullif($4, 0), $5)",
                 node, kind, shard, epoch, detail);
}

std::vector<cluster_event> events(pqxx::transaction_base& tx, int32_t limit) {
  auto rows = tx.exec_params(
    "SELECT id, " + iso_utc("at")
      + ", node, kind, coalesce(shard, -1), coalesce(epoch, 0), detail"
        " FROM (SELECT * FROM cluster_events ORDER BY id DESC LIMIT $1) e"
        " ORDER BY id",
    limit);
  std::vector<cluster_event> out;
  for (auto r : rows)
    out.push_back(cluster_event{r[0].as<int64_t>(), r[1].as<std::string>(),
                                r[2].as<std::string>(), r[3].as<std::string>(),
                                r[4].as<int32_t>(), r[5].as<int64_t>(),
                                r[6].as<std::string>()});
  return out;
}

} // namespace lunch::catalog
