#pragma once

// The scheduler's lease and schedule tables in the catalog (queried by
// schedule_store.cpp): catalog schema version 4
// (actors/cluster/catalog_schema.hpp migrates the catalog).

#include <vector>

#include "runtime/db/migrate.hpp"

namespace lunch::sched {

std::vector<db::migration> catalog_schema();

} // namespace lunch::sched
