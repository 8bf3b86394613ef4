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

reach probe_tcp(const std::string& host, uint16_t port,
                std::chrono::milliseconds timeout);

} // namespace lunch
