#include "runtime/tcp_probe.hpp"

#include <cerrno>
#include <memory>
#include <utility>

#include <fcntl.h>
#include <netdb.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

namespace lunch {

namespace {

// The outcome of a connect that finished with `err` (0: connected).
reach outcome(int err) {
  if (err == 0)
    return reach::open;
  return err == ECONNREFUSED ? reach::refused : reach::unreachable;
}

reach probe_one(const addrinfo& ai, std::chrono::milliseconds timeout,
                probe_socket* keep) {
  int fd = ::socket(ai.ai_family, ai.ai_socktype | SOCK_NONBLOCK | SOCK_CLOEXEC,
                    ai.ai_protocol);
  if (fd < 0)
    return reach::unreachable;
  probe_socket guard;
  guard.hold(fd);
  auto opened = [&] {
    if (keep != nullptr)
      keep->hold(guard.release());
    return reach::open;
  };
  if (::connect(fd, ai.ai_addr, ai.ai_addrlen) == 0)
    return opened();
  if (errno != EINPROGRESS)
    return outcome(errno);
  pollfd p{fd, POLLOUT, 0};
  int ready;
  do
    ready = ::poll(&p, 1, static_cast<int>(timeout.count()));
  while (ready < 0 && errno == EINTR);
  if (ready <= 0)
    return reach::unreachable; // no answer within the timeout
  int err = 0;
  socklen_t len = sizeof(err);
  if (::getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &len) != 0)
    return reach::unreachable;
  return err == 0 ? opened() : outcome(err);
}

} // namespace

probe_socket::~probe_socket() {
  if (fd_ >= 0)
    ::close(fd_);
}

void probe_socket::hold(int fd) {
  if (fd_ >= 0 && fd_ != fd)
    ::close(fd_);
  fd_ = fd;
}

int probe_socket::release() {
  return std::exchange(fd_, -1);
}

const char* to_string(reach r) {
  switch (r) {
    case reach::open:
      return "open";
    case reach::refused:
      return "refused";
    case reach::unreachable:
      return "unreachable";
  }
  return "unreachable";
}

reach probe_tcp(const std::string& host, uint16_t port,
                std::chrono::milliseconds timeout, probe_socket* keep) {
  addrinfo hints{};
  hints.ai_family = AF_UNSPEC;
  hints.ai_socktype = SOCK_STREAM;
  addrinfo* found = nullptr;
  if (::getaddrinfo(host.c_str(), std::to_string(port).c_str(), &hints, &found)
      != 0)
    return reach::unreachable;
  std::unique_ptr<addrinfo, void (*)(addrinfo*)> guard{found, ::freeaddrinfo};
  // Refused by one address and unreachable at another: the host is there.
  auto best = reach::unreachable;
  for (auto* ai = found; ai != nullptr; ai = ai->ai_next) {
    auto r = probe_one(*ai, timeout, keep);
    if (r == reach::open)
      return r;
    if (r == reach::refused)
      best = r;
  }
  return best;
}

} // namespace lunch
