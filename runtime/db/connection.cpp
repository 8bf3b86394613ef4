#include "runtime/db/connection.hpp"

namespace lunch::db {

std::unique_ptr<pqxx::connection> open_connection(const std::string& dsn) {
  std::string full = dsn;
  if (full.find("connect_timeout") == std::string::npos)
    full += " connect_timeout=3";
  // Over TCP, a network that drops packets must not hang a request for
  // the kernel's retransmissions (many minutes): unanswered data fails
  // the connection after 3 s, an idle one is probed after 5 s. (libpq
  // ignores both on a Unix socket.)
  if (full.find("tcp_user_timeout") == std::string::npos)
    full += " tcp_user_timeout=3000";
  if (full.find("keepalives") == std::string::npos)
    full += " keepalives=1 keepalives_idle=5 keepalives_interval=1"
            " keepalives_count=3";
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
