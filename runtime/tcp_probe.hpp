#pragma once

// One TCP connect to a node's address before the middleman connects, to
// tell a crashed node from one cut off by the network (CAF-free, blocking:
// run it only on a thread of its own, or in a client's start-up).
//
// CAF's middleman connects with a blocking connect() on its own thread: to
// an address the network drops, that call hangs for the kernel's SYN
// retries (minutes) and every later connect waits behind it. The probe
// bounds that wait, and it sees what CAF's error hides: a refused connect
// means the host answered and nothing listens there (the node is gone),
// while a timeout or an unreachable route means a partition.

#include <chrono>
#include <cstdint>
#include <string>

namespace lunch {

enum class reach { open, refused, unreachable };

const char* to_string(reach r);

/// A probe's open connection, closed when this is destroyed. A client that
/// holds it until the middleman has connected keeps the node from giving
/// the probe's file descriptor to the real connection right after the probe
/// closed (runtime/system_config.cpp says why that matters to CAF 0.17).
class probe_socket {
public:
  probe_socket() = default;
  probe_socket(const probe_socket&) = delete;
  probe_socket& operator=(const probe_socket&) = delete;
  ~probe_socket();

  /// Takes `fd` (closing any socket held before).
  void hold(int fd);

  /// Gives the socket up without closing it.
  int release();

private:
  int fd_ = -1;
};

/// Whether `host:port` accepts a TCP connection within `timeout`. With
/// `keep`, an open connection is handed to it instead of being closed.
reach probe_tcp(const std::string& host, uint16_t port,
                std::chrono::milliseconds timeout,
                probe_socket* keep = nullptr);

} // namespace lunch
