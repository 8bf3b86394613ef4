// The gateway's reads through a peer, on CAF's deterministic test
// coordinator: the peer's region answers the client itself, and a read
// whose node dies before the request timeout is sent again to the new
// owner.

#include <memory>
#include <string>
#include <vector>

#include <caf/all.hpp>
#include <catch2/catch.hpp>

#include "messages/wire_formats.hpp"
#include "tests/support/gateway_fixture.hpp"

using namespace lunch;
using namespace std::chrono_literals;

namespace {

using answers = std::shared_ptr<std::vector<std::string>>;

using senders_seen = std::shared_ptr<std::vector<caf::actor_addr>>;

// A peer's region: answers a read with its own name as the nickname, or
// (silent) keeps every read unanswered and counts them. `senders` gets who
// sent each read: the answer goes to them.
caf::behavior peer_region(caf::event_based_actor* self, std::string name,
                          bool silent, std::shared_ptr<int> asked,
                          senders_seen senders) {
  return {
    [=](usr_get_atom, const user_key& key) -> caf::result<user_view> {
      ++*asked;
      senders->push_back(
        caf::actor_cast<caf::actor_addr>(self->current_sender()));
      if (silent)
        return self->make_response_promise<user_view>();
      user_view v;
      v.profile.employee_id = key.value;
      v.profile.nickname = name;
      return v;
    },
  };
}

// A client: one read, its answer (or error) recorded.
void read_once(caf::event_based_actor* self, router_actor gateway,
               answers got) {
  self->request(gateway, 5s, usr_get_atom::value, user_key{"u1"})
    .then([=](user_view& v) { got->push_back(v.profile.nickname); },
          [=](caf::error& e) { got->push_back("error " + to_string(e)); });
}

struct gateway_fixture : testing::one_shard_gateway {
  senders_seen senders = std::make_shared<std::vector<caf::actor_addr>>();

  region_actor region(std::string name, bool silent,
                      std::shared_ptr<int> asked) {
    return caf::actor_cast<region_actor>(env.sys.spawn(
      peer_region, std::move(name), silent, std::move(asked), senders));
  }

  // The cluster actor's word that `node` died.
  void lose(std::string node) {
    caf::anon_send(gateway, clu_lost_atom::value, std::move(node));
    env.sched.run();
  }

  void read(answers got) {
    env.sys.spawn(read_once, gateway, got);
    env.sched.run();
  }
};

} // namespace

TEST_CASE("a read through a peer is answered by the peer's region, and sent "
          "again to the new owner when that node dies first",
          "[gateway]") {
  gateway_fixture f;
  auto asked_n2 = std::make_shared<int>(0);
  auto asked_n3 = std::make_shared<int>(0);
  f.route(1, "n2", f.region("n2", false, asked_n2));
  auto got = std::make_shared<std::vector<std::string>>();
  f.read(got);
  CHECK(*got == std::vector<std::string>{"n2"});
  // Handed over: the region answered the client, not the gateway.
  REQUIRE(f.senders->size() == 1);
  CHECK(f.senders->front() != f.gateway.address());
  // n2 now keeps its reads; it dies with one unanswered.
  f.route(2, "n2", f.region("n2", true, asked_n2));
  f.read(got);
  CHECK(*asked_n2 == 2);
  CHECK(got->size() == 1);
  f.lose("n2");
  CHECK(got->size() == 1); // waits for the new owner
  f.route(3, "n3", f.region("n3", false, asked_n3));
  CHECK(*got == std::vector<std::string>{"n2", "n3"});
  // The gateway never saw the first read's answer: it sent both again, and
  // the client ignored the second answer to its first read.
  CHECK(*asked_n3 == 2);
  // Another node's death sends nothing again.
  f.lose("n4");
  CHECK(*asked_n3 == 2);
  CHECK(got->size() == 2);
}

TEST_CASE("a read handed to a peer longer ago than the request timeout is "
          "not sent again when that node dies",
          "[gateway]") {
  gateway_fixture f;
  auto asked_n2 = std::make_shared<int>(0);
  auto asked_n3 = std::make_shared<int>(0);
  f.route(1, "n2", f.region("n2", true, asked_n2));
  auto got = std::make_shared<std::vector<std::string>>();
  f.read(got);
  CHECK(*asked_n2 == 1);
  // The client gave up (its own 5 s timeout).
  f.env.run_for(6s);
  REQUIRE(got->size() == 1);
  CHECK(got->front().rfind("error", 0) == 0);
  f.lose("n2");
  f.route(2, "n3", f.region("n3", false, asked_n3));
  CHECK(*asked_n3 == 0);
  CHECK(got->size() == 1);
}
