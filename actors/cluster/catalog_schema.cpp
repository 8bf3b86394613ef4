#include "actors/cluster/catalog_schema.hpp"

#include <string>

#include <pqxx/result>
#include <pqxx/transaction>

#include "messages/wire_formats.hpp"
#include "runtime/db/map_error.hpp"

namespace lunch::catalog {

namespace {

// Distinct advisory-lock keys for catalog and shards (actors/shard/
// shard_schema.cpp), so they never block each other when they share one
// PostgreSQL database in tests.
constexpr int64_t catalog_lock = 0x6c756e6368'01;

} // namespace

std::vector<db::migration> cluster_schema() {
  return {
    // 1: cluster settings and the slot map
    {1,
     [](pqxx::work& tx) {
       tx.exec("CREATE TABLE cluster_info ("
               " key text PRIMARY KEY, value text NOT NULL)");
       tx.exec("CREATE TABLE slot_map ("
               " slot integer PRIMARY KEY CHECK (slot >= 0 AND slot < 16384),"
               " shard integer NOT NULL CHECK (shard >= 0))");
     }},
    // 2: cluster membership, shard leases and their history
    {2,
     [](pqxx::work& tx) {
       tx.exec(R"(CREATE TABLE cluster_nodes (
      name text PRIMARY KEY,
      host text NOT NULL,
      port integer NOT NULL,
      pid integer NOT NULL,
      incarnation bigint NOT NULL,
      state text NOT NULL
        CHECK (state IN ('up', 'leaving', 'left', 'down')),
      allowed_shards integer[],
      started_at timestamptz NOT NULL DEFAULT now(),
      heartbeat_at timestamptz NOT NULL DEFAULT now()))");
       // One row per shard (created with the shard count). A new owner takes
       // the lease with epoch + 1 and fences the shard database with it.
       tx.exec(R"(CREATE TABLE shard_leases (
      shard integer PRIMARY KEY,
      owner text NOT NULL DEFAULT '',
      incarnation bigint NOT NULL DEFAULT 0,
      epoch bigint NOT NULL DEFAULT 0,
      changed_at timestamptz NOT NULL DEFAULT now()))");
       tx.exec(R"(CREATE TABLE cluster_events (
      id bigserial PRIMARY KEY,
      at timestamptz NOT NULL DEFAULT now(),
      node text NOT NULL,
      kind text NOT NULL,
      shard integer,
      epoch bigint,
      detail text NOT NULL DEFAULT ''))");
     }},
  };
}

std::vector<int32_t> migrate_catalog(pqxx::connection& conn, int32_t shards,
                                     const std::vector<db::migration>& steps) {
  db::run_migrations(conn, catalog_lock, steps);
  pqxx::work tx{conn};
  tx.exec("SELECT pg_advisory_xact_lock(" + std::to_string(catalog_lock) + ")");
  auto row = tx.exec("SELECT value FROM cluster_info"
                     " WHERE key = 'shard_count'");
  if (row.empty()) {
    tx.exec_params("INSERT INTO cluster_info (key, value)"
                   " VALUES ('shard_count', $1)",
                   std::to_string(shards));
    tx.exec_params("INSERT INTO slot_map (slot, shard)"
                   " SELECT s, s % $1 FROM generate_series(0, 16383) s",
                   shards);
  } else if (auto known = row[0][0].as<std::string>();
             known != std::to_string(shards)) {
    throw db::domain_error(errc::invalid_argument,
                           "the config lists " + std::to_string(shards)
                             + " shards but the catalog was created for "
                             + known);
  }
  tx.exec_params("INSERT INTO shard_leases (shard)"
                 " SELECT s FROM generate_series(0, $1 - 1) s"
                 " ON CONFLICT DO NOTHING",
                 shards);
  std::vector<int32_t> table(slot_count, -1);
  for (auto r : tx.exec("SELECT slot, shard FROM slot_map"))
    table.at(r[0].as<size_t>()) = r[1].as<int32_t>();
  tx.commit();
  for (auto s : table)
    if (s < 0 || s >= shards)
      throw db::domain_error(errc::invalid_argument,
                             "the catalog's slot map is incomplete or names"
                             " an unknown shard");
  return table;
}

} // namespace lunch::catalog
