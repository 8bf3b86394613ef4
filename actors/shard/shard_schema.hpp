#pragma once

// The schema of a shard database (the tables shard_store*.cpp query) and
// its migration (runtime/db/migrate.hpp runs the versions).

#include <cstdint>

#include <pqxx/connection>

namespace lunch {

/// Migrates shard database `index`. Throws `db::domain_error
/// (invalid_argument)` when that database was created as another shard (a
/// misordered list).
void migrate_shard(pqxx::connection& conn, int32_t index);

} // namespace lunch
