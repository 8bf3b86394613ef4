#pragma once

// Crashing without leaving callers in silence. CAF 0.17 ends an actor whose
// handler throws without answering the request it was handling, and by the
// time its exception handler runs the request is gone: the caller would
// wait for its timeout. So an injected fault answers the request first
// (throw_injected), and the exception handler every actor installs
// (answer_crashes) lets the actor fail whatever else it holds, logs one
// line and makes the error the exit reason its supervisor sees.

#include <exception>
#include <functional>
#include <string>

#include <caf/error.hpp>
#include <caf/response_promise.hpp>

#include "messages/errors.hpp"
#include "runtime/fault_injector.hpp"
#include "runtime/log.hpp"

namespace lunch {

inline std::string describe(const std::exception_ptr& ptr) {
  try {
    std::rethrow_exception(ptr);
  } catch (const std::exception& e) {
    return e.what();
  } catch (...) {
    return "unknown exception";
  }
}

/// Answers the request being handled with `unavailable`, then throws.
template <class Self>
[[noreturn]] void throw_injected(Self* self, const std::string& name) {
  if (self->current_mailbox_element() != nullptr
      && self->current_message_id().is_request()) {
    auto rp = self->make_response_promise();
    rp.deliver(make_error(errc::unavailable,
                          name
                            + " crashed (injected fault); the request was "
                              "not applied"));
  }
  throw injected_fault(name);
}

template <class Self>
void answer_crashes(Self* self, std::string name,
                    std::function<void(const caf::error&)> cleanup = {}) {
  self->set_exception_handler(
    [self, name, cleanup](std::exception_ptr& ptr) -> caf::error {
      auto what = describe(ptr);
      auto err = make_error(errc::unavailable,
                            name + " crashed (" + what
                              + "); the request was not applied");
      if (cleanup)
        cleanup(err);
      log::error("actor.crashed", {{"actor", name}, {"error", what}});
      return err;
    });
}

} // namespace lunch
