#pragma once

// Versioned, idempotent schema migrations, run by every node at start.
// Each database has a `schema_migrations` table; a migration runs once, in
// its own transaction, under an advisory lock so concurrent nodes agree.

#include <cstdint>
#include <vector>

#include <pqxx/connection>

namespace lunch::db {

/// Migrates the catalog and returns its slot table (slot → shard). Creates
/// the default `slot mod shards` map on first start. Throws
/// `domain_error(invalid_argument)` when the catalog was created for a
/// different number of shards.
std::vector<int32_t> migrate_catalog(pqxx::connection& conn, int32_t shards);

/// Migrates shard database `index`. Throws `domain_error(invalid_argument)`
/// when that database was created as another shard (a misordered list).
void migrate_shard(pqxx::connection& conn, int32_t index);

/// The newest schema version of each kind of database.
int32_t catalog_schema_version();
int32_t shard_schema_version();

} // namespace lunch::db
