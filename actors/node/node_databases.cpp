#include "actors/node/node_databases.hpp"

#include <pqxx/transaction>

#include "actors/cluster/catalog_schema.hpp"
#include "actors/cluster/catalog_store.hpp"
#include "actors/jobs/job_schema.hpp"
#include "actors/scheduler/schedule_schema.hpp"
#include "actors/shard/shard_schema.hpp"
#include "runtime/db/connection.hpp"
#include "runtime/db/map_error.hpp"
#include "runtime/db/migrate.hpp"

namespace lunch {

namespace {

[[noreturn]] void reject(const std::string& field, const std::string& why) {
  throw config::config_error(field + ": " + why);
}

std::unique_ptr<pqxx::connection> connect(const std::string& field,
                                          const std::string& dsn) {
  try {
    return db::open_connection(dsn);
  } catch (const std::exception& e) {
    reject(field, "cannot connect: " + db::first_line(e.what()));
  }
}

// The catalog's versions, store by store, in the order they were released
// (a version never moves: existing catalogs recorded it).
std::vector<db::migration> catalog_migrations() {
  std::vector<db::migration> steps;
  for (auto part : {catalog::cluster_schema(), jobs::catalog_schema(),
                    sched::catalog_schema()})
    steps.insert(steps.end(), part.begin(), part.end());
  return steps;
}

} // namespace

std::vector<int32_t> prepare_databases(const config::node_config& cfg) {
  auto shards = static_cast<int32_t>(cfg.shards.size());
  std::vector<int32_t> table;
  {
    auto conn = connect("catalog", cfg.catalog);
    try {
      table = catalog::migrate_catalog(*conn, shards, catalog_migrations());
    } catch (const db::domain_error& e) {
      reject("shards", e.what());
    } catch (const std::exception& e) {
      reject("catalog", "migration failed: " + db::first_line(e.what()));
    }
    try {
      pqxx::work tx{*conn};
      catalog::agree_on_heartbeats(tx, cfg.cluster.heartbeat_ms,
                                   cfg.cluster.heartbeat_timeout_ms);
      tx.commit();
    } catch (const db::domain_error& e) {
      throw config::config_error(e.what());
    } catch (const std::exception& e) {
      reject("catalog", db::first_line(e.what()));
    }
  }
  for (int32_t i = 0; i < shards; ++i) {
    auto field = "shards[" + std::to_string(i) + "]";
    auto conn = connect(field, cfg.shards[i]);
    try {
      migrate_shard(*conn, i);
    } catch (const db::domain_error& e) {
      reject(field, e.what());
    } catch (const std::exception& e) {
      reject(field, "migration failed: " + db::first_line(e.what()));
    }
  }
  return table;
}

} // namespace lunch
