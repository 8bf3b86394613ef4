#include "runtime/db/migrate.hpp"

#include <stdexcept>
#include <string>

#include <pqxx/result>

namespace lunch::db {

void run_migrations(pqxx::connection& conn, int64_t lock,
                    const std::vector<migration>& steps) {
  for (size_t i = 0; i < steps.size(); ++i)
    if (steps[i].version != static_cast<int32_t>(i + 1))
      throw std::logic_error("schema migration " + std::to_string(i + 1)
                             + " is listed as version "
                             + std::to_string(steps[i].version));
  {
    pqxx::work tx{conn};
    tx.exec("SELECT pg_advisory_xact_lock(" + std::to_string(lock) + ")");
    tx.exec("CREATE TABLE IF NOT EXISTS schema_migrations ("
            " version integer PRIMARY KEY,"
            " applied_at timestamptz NOT NULL DEFAULT now())");
    tx.commit();
  }
  for (const auto& step : steps) {
    pqxx::work tx{conn};
    tx.exec("SELECT pg_advisory_xact_lock(" + std::to_string(lock) + ")");
    auto done = tx.exec_params("SELECT 1 FROM schema_migrations"
                               " WHERE version = $1",
                               step.version);
    if (!done.empty())
      continue;
    step.apply(tx);
    tx.exec_params("INSERT INTO schema_migrations (version) VALUES ($1)",
                   step.version);
    tx.commit();
  }
}

} // namespace lunch::db
