#pragma once

#include <cstdint>
#include <optional>
#include <string>

namespace lunch::runtime {

struct host_port {
  std::string host;
  uint16_t port = 0;
};

/// Parses "HOST:PORT" (port 1–65535); nothing for anything else.
std::optional<host_port> parse_host_port(const std::string& text);

} // namespace lunch::runtime
