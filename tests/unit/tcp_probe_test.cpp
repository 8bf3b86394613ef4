#include <catch2/catch.hpp>

#include "runtime/tcp_probe.hpp"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

namespace {

// A listening socket on 127.0.0.1 and a free port.
struct listener {
  int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  uint16_t port = 0;

  listener() {
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    REQUIRE(::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) == 0);
    REQUIRE(::listen(fd, 4) == 0);
    socklen_t len = sizeof(addr);
    REQUIRE(::getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len) == 0);
    port = ntohs(addr.sin_port);
  }

  ~listener() {
    ::close(fd);
  }
};

// True when the peer of `fd` has closed (a read returns end of file); waits
// at most `ms` for it.
bool peer_closed(int fd, int ms) {
  pollfd p{fd, POLLIN, 0};
  if (::poll(&p, 1, ms) <= 0)
    return false;
  char c;
  return ::recv(fd, &c, 1, 0) == 0;
}

} // namespace

using namespace lunch;

TEST_CASE("a probe connects and closes; a kept probe stays open until "
          "destroyed",
          "[tcp_probe]") {
  listener l;
  auto timeout = std::chrono::milliseconds(5000);
  SECTION("not kept: closed at once") {
    REQUIRE(probe_tcp("127.0.0.1", l.port, timeout) == reach::open);
    int conn = ::accept(l.fd, nullptr, nullptr);
    REQUIRE(conn >= 0);
    CHECK(peer_closed(conn, 5000));
    ::close(conn);
  }
  SECTION("kept: open while held") {
    int conn = -1;
    {
      probe_socket keep;
      REQUIRE(probe_tcp("127.0.0.1", l.port, timeout, &keep) == reach::open);
      conn = ::accept(l.fd, nullptr, nullptr);
      REQUIRE(conn >= 0);
      CHECK_FALSE(peer_closed(conn, 0));
    }
    CHECK(peer_closed(conn, 5000));
    ::close(conn);
  }
}

TEST_CASE("a probe of a port nobody listens on is refused", "[tcp_probe]") {
  uint16_t port = 0;
  {
    listener l; // bound and closed again: nothing listens there now
    port = l.port;
  }
  probe_socket keep;
  CHECK(probe_tcp("127.0.0.1", port, std::chrono::milliseconds(5000), &keep)
        == reach::refused);
}
