#pragma once

// The catalog's `jobs` table (queried by job_store.cpp): catalog schema
// version 3 (actors/cluster/catalog_schema.hpp migrates the catalog).

#include <vector>

#include "runtime/db/migrate.hpp"

namespace lunch::jobs {

std::vector<db::migration> catalog_schema();

} // namespace lunch::jobs
