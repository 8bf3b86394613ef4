#include "runtime/db/connection.hpp"

namespace lunch::db {

std::unique_ptr<pqxx::connection> open_connection(const std::string& dsn) {
  std::string full = dsn;
  if (full.find("connect_timeout") == std::string::npos)
    full += " connect_timeout=3";
  return std::make_unique<pqxx::connection>(full);
}

std::string first_line(const std::string& message) {
  auto end = message.find('\n');
  auto line = message.substr(0, end);
  while (!line.empty() && (line.back() == ' ' || line.back() == '\r'))
    line.pop_back();
  return line;
}

} // namespace lunch::db
