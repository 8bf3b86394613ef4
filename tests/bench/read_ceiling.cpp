#include "tests/bench/read_ceiling.hpp"

#include <csignal>
#include <iostream>

#include <caf/actor_system.hpp>
#include <caf/actor_system_config.hpp>
#include <caf/io/middleman.hpp>
#include <caf/typed_event_based_actor.hpp>

#include "runtime/system_config.hpp"

namespace lunch::bench {

int serve_echo(const std::string& host, uint16_t port, int32_t threads,
               std::function<user_view(const user_key&)> view_of) {
  // Blocked before CAF starts its threads, so that sigwait gets them.
  sigset_t stop;
  sigemptyset(&stop);
  sigaddset(&stop, SIGINT);
  sigaddset(&stop, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &stop, nullptr);
  caf::actor_system_config cfg;
  runtime::configure(cfg, threads);
  caf::actor_system sys{cfg};
  auto echo = sys.spawn([view_of]() -> read_target::behavior_type {
    return {[view_of](usr_get_atom, const user_key& k) { return view_of(k); }};
  });
  auto published = sys.middleman().publish(echo, port, host.c_str(), true);
  if (!published) {
    std::cerr << "lunchbench: cannot publish the echo at " << host << ':'
              << port << ": " << sys.render(published.error()) << '\n';
    return 3;
  }
  std::cout << "ready " << *published << std::endl;
  int signal = 0;
  sigwait(&stop, &signal);
  caf::anon_send_exit(echo, caf::exit_reason::user_shutdown);
  return 0;
}

} // namespace lunch::bench
