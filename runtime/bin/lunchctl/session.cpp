#include "runtime/bin/lunchctl/session.hpp"

#include <chrono>
#include <random>
#include <sstream>

#include <caf/actor_system.hpp>
#include <caf/actor_system_config.hpp>
#include <nlohmann/json.hpp>

#include "runtime/bin/node_connection.hpp"
#include "runtime/system_config.hpp"

namespace lunch::ctl {

request_ids::request_ids(std::string given) : base_(std::move(given)) {
  if (base_.empty()) {
    std::random_device rd;
    std::ostringstream out;
    out << "ctl-" << std::hex << rd() << rd() << rd();
    base_ = out.str();
  }
}

std::string request_ids::next() {
  return ++count_ == 1 ? base_ : base_ + "/" + std::to_string(count_);
}

session::session(caf::actor_system& sys, gateway_actor gw,
                 const session_options& opts, connector reconnect)
    : sys_(sys),
      gw_(std::move(gw)),
      timeout_(std::chrono::duration_cast<caf::timespan>(
        std::chrono::duration<double>(opts.timeout_s))),
      json_(opts.json),
      ids_(opts.request_id),
      node_(opts.node),
      reconnect_(std::move(reconnect)) {
  // nop
}

caf::error session::lost_answer() const {
  return make_error(errc::unavailable,
                    "node " + node_
                      + " closed the connection before answering; the "
                        "command may or may not have been applied");
}

int session::fail(const caf::error& error) const {
  auto code = errc_of(error);
  auto message = message_of(error);
  return report(code, message.empty() ? to_string(code) : message);
}

int session::report(errc code, const std::string& message) const {
  if (json_)
    std::cout
      << nlohmann::json{{"error", to_string(code)}, {"message", message}}.dump()
      << '\n';
  else
    std::cerr << "error: " << to_string(code) << ": " << message << '\n';
  return ctl::exit_code(code);
}

int run_connected(const session_options& opts, const command& cmd) {
  std::string error;
  auto address = cli::node_address(opts.node, error);
  if (!address) {
    std::cerr << "lunchctl: " << error << '\n';
    return exit_usage;
  }
  caf::actor_system_config cfg;
  runtime::configure(cfg, 2);
  caf::actor_system sys{cfg};
  auto gw = cli::connect_gateway(
    sys, *address, opts.node, error,
    std::chrono::milliseconds(static_cast<int64_t>(opts.timeout_s * 1000)));
  auto reconnect = [&](std::chrono::milliseconds left, std::string& why) {
    return cli::connect_gateway(sys, *address, opts.node, why, left);
  };
  session s{sys, gw ? *gw : gateway_actor{}, opts, reconnect};
  return gw ? cmd(s) : s.report(errc::unavailable, error);
}

} // namespace lunch::ctl
