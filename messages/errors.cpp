#include "messages/errors.hpp"

#include <caf/actor_system_config.hpp>
#include <caf/atom.hpp>
#include <caf/message.hpp>
#include <caf/sec.hpp>

namespace lunch {

namespace {

constexpr auto category = caf::atom("lunch");

} // namespace

caf::error make_error(errc code, std::string message) {
  return caf::error{static_cast<uint8_t>(code), category,
                    caf::make_message(std::move(message))};
}

errc errc_of(const caf::error& e) {
  if (!e)
    return errc::none;
  if (e.category() == category)
    return static_cast<errc>(e.code());
  if (e.category() == caf::atom("system")) {
    switch (static_cast<caf::sec>(e.code())) {
      case caf::sec::request_timeout:
        return errc::timeout;
      case caf::sec::request_receiver_down:
      case caf::sec::cannot_connect_to_node:
      case caf::sec::no_actor_published_at_port:
      case caf::sec::remote_linking_failed:
        return errc::unavailable;
      default:
        return errc::internal;
    }
  }
  // exit reasons of a crashed actor, etc.
  return errc::unavailable;
}

std::string message_of(const caf::error& e) {
  if (e.category() == category && e.context().match_elements<std::string>())
    return e.context().get_as<std::string>(0);
  return {};
}

void register_error_renderer(caf::actor_system_config& cfg) {
  cfg.add_error_category(category, [](uint8_t code, caf::atom_value,
                                      const caf::message& ctx) {
    std::string result = to_string(static_cast<errc>(code));
    if (ctx.match_elements<std::string>()) {
      result += ": ";
      result += ctx.get_as<std::string>(0);
    }
    return result;
  });
}

} // namespace lunch
