#pragma once

// The catalog database: its cluster tables (queried by catalog_store.cpp)
// and its migration. The catalog also holds the tables of the job runner
// (actors/jobs/job_schema.hpp) and of the scheduler
// (actors/scheduler/schedule_schema.hpp); node start-up
// (actors/node/node_databases.cpp) lists every store's versions in order.

#include <cstdint>
#include <vector>

#include <pqxx/connection>

#include "runtime/db/migrate.hpp"

namespace lunch::catalog {

/// Versions 1 (cluster settings, slot map) and 2 (membership, shard leases
/// and their history).
std::vector<db::migration> cluster_schema();

/// Migrates the catalog with `steps` (every version of every store that
/// uses the catalog, in order) and returns its slot table (slot → shard).
/// Creates the default `slot mod shards` map on first start. Throws
/// `domain_error(invalid_argument)` when the catalog was created for a
/// different number of shards.
std::vector<int32_t> migrate_catalog(pqxx::connection& conn, int32_t shards,
                                     const std::vector<db::migration>& steps);

} // namespace lunch::catalog
