#pragma once

// The generic migration runner: versioned, idempotent schema migrations,
// run by every node at start. Each database has a `schema_migrations`
// table; a migration runs once, in its own transaction, under an advisory
// lock so concurrent nodes agree. The steps live beside the stores that
// query them (actors/cluster/catalog_schema.cpp, actors/jobs/job_schema.cpp,
// actors/scheduler/schedule_schema.cpp, actors/shard/shard_schema.cpp).

#include <cstdint>
#include <functional>
#include <vector>

#include <pqxx/connection>
#include <pqxx/transaction>

namespace lunch::db {

/// One schema version of a database. A released version never changes
/// and never moves: existing databases recorded it as applied.
struct migration {
  int32_t version = 0;
  std::function<void(pqxx::work&)> apply;
};

/// Applies, in order, each of `steps` not yet recorded in the database's
/// `schema_migrations` table, each in its own transaction that also
/// records it, under the advisory lock `lock` (one key per kind of
/// database). The versions must be 1, 2, 3, ... in order; throws
/// std::logic_error if not.
void run_migrations(pqxx::connection& conn, int64_t lock,
                    const std::vector<migration>& steps);

} // namespace lunch::db
