#pragma once

// How the command-line clients (lunchctl and the benchmark clients) reach a
// node: the `--node HOST:PORT` they were given, then the gateway the node
// publishes there. Each client reports failures its own way (lunchctl can
// answer in JSON), so these return the words and let the caller print.

#include <chrono>
#include <optional>
#include <string>

#include <caf/actor_system.hpp>
#include <caf/io/middleman.hpp>

#include "messages/gateway_protocol.hpp"
#include "runtime/address.hpp"
#include "runtime/tcp_probe.hpp"

namespace lunch::cli {

/// The address in `--node`, or nothing with `error` set to
/// "--node: must be HOST:PORT, got 'X'".
inline std::optional<runtime::host_port> node_address(const std::string& node,
                                                      std::string& error) {
  auto address = runtime::parse_host_port(node);
  if (!address)
    error = "--node: must be HOST:PORT, got '" + node + "'";
  return address;
}

/// The gateway published at `address` (blocking: for a client's start-up),
/// or nothing with `error` set to "cannot reach node X: <reason>". A probe
/// bounds the wait by `timeout` first: CAF's connect waits out the
/// kernel's SYN retries (minutes) when the network drops the packets.
inline std::optional<gateway_actor>
connect_gateway(caf::actor_system& sys, const runtime::host_port& address,
                const std::string& node, std::string& error,
                std::chrono::milliseconds timeout = std::chrono::seconds(10)) {
  switch (probe_tcp(address.host, address.port, timeout)) {
    case reach::open:
      break;
    case reach::refused:
      error = "cannot reach node " + node
              + ": connection refused (is lunchd running there?)";
      return std::nullopt;
    case reach::unreachable:
      error = "cannot reach node " + node + ": no answer within "
              + std::to_string(timeout.count()) + " ms";
      return std::nullopt;
  }
  auto gw = sys.middleman().remote_actor<gateway_actor>(address.host,
                                                        address.port);
  if (!gw) {
    error = "cannot reach node " + node + ": " + sys.render(gw.error());
    return std::nullopt;
  }
  return *gw;
}

} // namespace lunch::cli
