#include "runtime/address.hpp"

#include <exception>

namespace lunch::runtime {

std::optional<host_port> parse_host_port(const std::string& text) {
  auto colon = text.rfind(':');
  if (colon == std::string::npos || colon == 0)
    return std::nullopt;
  try {
    size_t used = 0;
    auto port = std::stoul(text.substr(colon + 1), &used);
    if (used != text.size() - colon - 1 || port == 0 || port > 65535)
      return std::nullopt;
    return host_port{text.substr(0, colon), static_cast<uint16_t>(port)};
  } catch (const std::exception&) {
    return std::nullopt;
  }
}

} // namespace lunch::runtime
