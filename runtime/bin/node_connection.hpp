#pragma once

// How the command-line clients (lunchctl and the benchmark clients) reach a
// node: the `--node HOST:PORT` they were given, then the gateway the node
// publishes there. Each client reports failures its own way (lunchctl can
// answer in JSON), so these return the words and let the caller print.

#include <algorithm>
#include <chrono>
#include <optional>
#include <set>
#include <string>

#include <caf/actor_system.hpp>
#include <caf/io/middleman.hpp>
#include <caf/scoped_actor.hpp>

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

/// The actor of type Handle published at `address` (blocking: for a
/// client's start-up), or nothing with `error` set to "cannot reach node X:
/// <reason>", within `timeout`. A probe bounds the wait first: CAF's
/// connect waits out the kernel's SYN retries (minutes) when the network
/// drops the packets. The handshake has a deadline of its own: a paused
/// node accepts the TCP connection (the kernel does) but never answers.
template <class Handle>
std::optional<Handle>
connect_published(caf::actor_system& sys, const runtime::host_port& address,
                  const std::string& node, std::string& error,
                  std::chrono::milliseconds timeout) {
  auto deadline = std::chrono::steady_clock::now() + timeout;
  auto fail = [&](const std::string& why) {
    error = "cannot reach node " + node + ": " + why;
    return std::nullopt;
  };
  // The probe's connection stays open until the connect below is done.
  probe_socket probe;
  switch (probe_tcp(address.host, address.port, timeout, &probe)) {
    case reach::open:
      break;
    case reach::refused:
      return fail("connection refused (is lunchd running there?)");
    case reach::unreachable:
      return fail("no answer within " + std::to_string(timeout.count())
                  + " ms");
  }
  auto left = std::max(std::chrono::milliseconds(1),
                       std::chrono::duration_cast<std::chrono::milliseconds>(
                         deadline - std::chrono::steady_clock::now()));
  // What middleman::remote_actor does, with a timeout.
  std::optional<Handle> found;
  caf::scoped_actor self{sys};
  self
    ->request(sys.middleman().actor_handle(), left, caf::connect_atom::value,
              address.host, address.port)
    .receive(
      [&](caf::node_id&, caf::strong_actor_ptr& ptr,
          std::set<std::string>& interface) {
        if (!ptr)
          fail("nothing is published at that port");
        else if (!sys.assignable<Handle>(interface))
          fail("it speaks another interface (another lunchmesh version?)");
        else
          found = caf::actor_cast<Handle>(std::move(ptr));
      },
      [&](caf::error& e) {
        fail(e == caf::sec::request_timeout
               ? "no handshake within " + std::to_string(timeout.count())
                   + " ms (is the node paused or overloaded?)"
               : sys.render(e));
      });
  return found;
}

/// The gateway a node publishes (connect_published).
inline std::optional<gateway_actor>
connect_gateway(caf::actor_system& sys, const runtime::host_port& address,
                const std::string& node, std::string& error,
                std::chrono::milliseconds timeout = std::chrono::seconds(10)) {
  return connect_published<gateway_actor>(sys, address, node, error, timeout);
}

} // namespace lunch::cli
