// A CAF 0.17 fact the entity actors rely on, pinned down: while an actor
// awaits a response (request(...).await), even an exit message waits in the
// mailbox. So an entity asked to stop mid-request still delivers that
// request's answer before it goes; no reply is lost to a stopping entity.

#include <memory>
#include <string>

#include <caf/all.hpp>
#include <catch2/catch.hpp>

#include "tests/support/deterministic_system.hpp"

namespace {

using ask_atom = caf::atom_constant<caf::atom("t_ask")>;
using answer_atom = caf::atom_constant<caf::atom("t_answer")>;

// Holds every request until told to answer them all.
caf::behavior slow_server(caf::event_based_actor* self) {
  auto held = std::make_shared<std::vector<caf::response_promise>>();
  return {
    [=](ask_atom) {
      held->push_back(self->make_response_promise());
      return held->back();
    },
    [=](answer_atom) {
      for (auto& rp : *held)
        rp.deliver(std::string{"done"});
      held->clear();
    },
  };
}

caf::behavior waiting_client(caf::event_based_actor* self, caf::actor server,
                             std::shared_ptr<std::string> got) {
  return {
    [=](ask_atom) {
      self->request(server, caf::infinite, ask_atom::value)
        .await([=](const std::string& x) { *got = x; });
    },
  };
}

} // namespace

TEST_CASE_METHOD(lunch::testing::deterministic_system,
                 "an exit message waits while an actor awaits a response",
                 "[caf]") {
  auto got = std::make_shared<std::string>();
  auto server = sys.spawn(slow_server);
  auto client = sys.spawn(waiting_client, server, got);
  bool client_down = false;
  caf::actor_cast<caf::abstract_actor*>(client)->attach_functor(
    [&] { client_down = true; });
  caf::anon_send(client, ask_atom::value);
  sched.run();
  caf::anon_send_exit(client, caf::exit_reason::user_shutdown);
  sched.run();
  CHECK_FALSE(client_down); // still waiting for its answer
  caf::anon_send(server, answer_atom::value);
  sched.run();
  CHECK(*got == "done");
  CHECK(client_down); // then the exit message is handled
  caf::anon_send_exit(server, caf::exit_reason::user_shutdown);
  sched.run();
}
