#pragma once

#include <memory>
#include <string>

#include <pqxx/connection>

namespace lunch::db {

/// Opens a connection; adds `connect_timeout=3` unless the DSN sets one,
/// so an unreachable host fails in bounded time. Throws pqxx errors.
std::unique_ptr<pqxx::connection> open_connection(const std::string& dsn);

/// First line of a libpq/pqxx error message, for one-line reports.
std::string first_line(const std::string& message);

} // namespace lunch::db
