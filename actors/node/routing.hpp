#pragma once

// How the gateway reaches the region serving a shard, on this node or a
// peer, and what happens to a request when that changes under it:
//
// - no serving owner known (moving, failing over): the request waits for
//   the next route, up to the request timeout, then fails `unavailable`;
// - this node is not in the majority: `unavailable` at once, saying so;
// - bounced (the region stopped before handling it): sent once more;
// - its node died before answering: sent once more if that is safe (a
//   read, or a write with a request id), else `unavailable` saying the
//   outcome is unknown.

#include <cstdint>
#include <functional>
#include <iterator>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include <caf/error.hpp>
#include <caf/sec.hpp>

#include "actors/node/gateway_state.hpp"
#include "messages/cluster_protocol.hpp"
#include "messages/errors.hpp"
#include "runtime/gather.hpp"

namespace lunch {

/// This node's region of `shard` (looked up again after a restart), or a
/// stand-in that answers `unavailable` while it restarts.
region_actor local_region(gateway_self self, int32_t shard);

/// The region serving `shard` now, or an invalid handle (wait for one).
region_actor target_of(gateway_self self, int32_t shard);

/// Waits for a serving route of `shard`, then runs `resume`; `fail` gets
/// `unavailable` after the request timeout.
void park(gateway_self self, int32_t shard, std::function<void()> resume,
          std::function<void(caf::error)> fail);

void on_route(gateway_self self, const shard_route& route);
void on_node_lost(gateway_self self, const std::string& node);
/// The cluster actor's word on the majority ("" holds it, else why not).
void on_quorum(gateway_self self, const std::string& why);
void on_park_expired(gateway_self self, uint64_t id);

template <class T>
struct routed_request : std::enable_shared_from_this<routed_request<T>> {
  using sender = std::function<void(region_actor, std::function<void(T&)>,
                                    std::function<void(caf::error&)>)>;
  gateway_self self;
  int32_t shard = 0;
  bool safe = false; // may run twice (a read, or a write with a request id)
  bool retried = false;
  sender send;
  std::function<void(T&)> ok;
  std::function<void(caf::error&)> fail;

  void attempt() {
    auto me = this->shared_from_this();
    if (auto& why = self->state.stepped_aside; !why.empty()) {
      auto e = make_error(errc::unavailable, why);
      fail(e);
      return;
    }
    auto target = target_of(self, shard);
    if (!target) {
      park(
        self, shard, [me] { me->attempt(); },
        [me](caf::error e) { me->fail(e); });
      return;
    }
    auto& st = self->state;
    auto id = st.next_id++;
    auto node = st.routes[static_cast<size_t>(shard)].node;
    st.inflight.emplace(
      id, inflight_request{node, [me, node] { me->on_lost(node); }});
    send(
      target,
      [me, id](T& x) {
        if (me->self->state.inflight.erase(id) > 0)
          me->ok(x);
      },
      [me, id](caf::error& e) {
        if (me->self->state.inflight.erase(id) > 0)
          me->on_error(e);
      });
  }

  void on_error(caf::error& e) {
    // Bounced from a mailbox: never handled, so always safe to send again.
    if (!retried && e == caf::sec::request_receiver_down) {
      retry();
      return;
    }
    fail(e);
  }

  void on_lost(const std::string& node) {
    if (safe && !retried) {
      retry();
      return;
    }
    auto e = make_error(errc::unavailable,
                        "node " + node
                          + " died before answering; the write may or may "
                            "not have been applied (repeat it with the same "
                            "--request-id to apply it exactly once)");
    fail(e);
  }

  // Once more, on whatever serves the shard now: a lost node's routes are
  // gone already (the request waits for the new owner), a bounce from a
  // crashed entity goes to the region again, which starts a fresh one.
  void retry() {
    retried = true;
    attempt();
  }
};

/// The shard of a user's key, by this gateway's slot map.
inline int32_t shard_of_user(gateway_self self, const std::string& key) {
  return self->state.slots.shard_of_key(key);
}

/// A write may be sent again (to a new owner after a failover) only with a
/// request id: the owner applies an id once.
inline bool retryable(const request_id& rid) {
  return !rid.empty();
}

/// Sends (xs...) to the region serving `shard` and calls `ok` or `fail`.
template <class T, class... Ts>
void ask(gateway_self self, int32_t shard, bool safe,
         std::function<void(T&)> ok, std::function<void(caf::error&)> fail,
         Ts... xs) {
  auto r = std::make_shared<routed_request<T>>();
  r->self = self;
  r->shard = shard;
  r->safe = safe;
  r->ok = std::move(ok);
  r->fail = std::move(fail);
  r->send = [self, xs...](region_actor target, std::function<void(T&)> on_ok,
                          std::function<void(caf::error&)> on_err) {
    self->request(target, self->state.settings.timeout, xs...)
      .then(std::move(on_ok), std::move(on_err));
  };
  r->attempt();
}

/// Keeps a read handed to `node` (see read_through) until the request
/// timeout; `again` sends it again if that node dies first.
void remember_handed(gateway_self self, const std::string& node,
                     std::function<void()> again);

/// ask() whose answer goes to a new response promise.
template <class T, class... Ts>
caf::typed_response_promise<T>
forward(gateway_self self, int32_t shard, bool safe, Ts... xs) {
  auto rp = self->make_response_promise<T>();
  ask<T>(
    self, shard, safe, [rp](T& x) mutable { rp.deliver(std::move(x)); },
    [rp](caf::error& e) mutable { rp.deliver(e); }, xs...);
  return rp;
}

/// A read. On a peer's region it is handed over (delegated): the answer goes
/// from the owner straight to the client's node, which CAF passes on
/// without this node reading it, one hop fewer than forward(). If the peer
/// dies before the request timeout, the read is sent again through this
/// gateway; a client that had the first answer ignores the second.
template <class T, class... Ts>
caf::result<T> read_through(gateway_self self, int32_t shard, Ts... xs) {
  auto& st = self->state;
  auto& route = st.routes[static_cast<size_t>(shard)];
  if (!st.stepped_aside.empty() || !route.region
      || route.node == st.settings.node)
    return forward<T>(self, shard, true, xs...);
  auto rp = self->template make_response_promise<T>();
  auto again = rp; // still pending once rp has handed the request over
  rp.delegate(route.region, xs...);
  remember_handed(self, route.node, [self, again, shard, xs...]() mutable {
    ask<T>(
      self, shard, true, [again](T& x) mutable { again.deliver(std::move(x)); },
      [again](caf::error& e) mutable { again.deliver(e); }, xs...);
  });
  return rp;
}

/// "shard 1, 3 did not answer: <first error>" for answers that failed (no
/// error if all succeeded): `timeout` if the first failure was one, else
/// `unavailable`.
template <class T>
caf::error first_failure(const std::vector<answer<T>>& answers) {
  std::string shards;
  caf::error first;
  for (size_t i = 0; i < answers.size(); ++i)
    if (!answers[i].value) {
      shards += (shards.empty() ? "" : ", ") + std::to_string(i);
      if (!first)
        first = answers[i].error;
    }
  if (!first)
    return {};
  auto code = errc_of(first);
  return make_error(code == errc::timeout ? code : errc::unavailable,
                    "shard " + shards + " did not answer: "
                      + (message_of(first).empty() ? to_string(code)
                                                   : message_of(first)));
}

/// Asks every shard's region the same question; `done` gets the answers in
/// shard order.
template <class T, class Done, class... Ts>
void ask_all(gateway_self self, bool safe, Done done, Ts... xs) {
  gather_with<T>(
    self->state.routes.size(),
    [=](size_t i, auto ok, auto fail) {
      ask<T>(self, static_cast<int32_t>(i), safe, ok, fail, xs...);
    },
    std::move(done));
}

/// Asks every shard's region a read whose answer is a list: `done` gets
/// the lists joined in shard order, or `rp` the first failure.
template <class T, class Promise, class Done, class... Ts>
void ask_all_joined(gateway_self self, Promise rp, Done done, Ts... xs) {
  ask_all<std::vector<T>>(
    self, true,
    [=](std::vector<answer<std::vector<T>>> answers) mutable {
      if (auto err = first_failure(answers)) {
        rp.deliver(err);
        return;
      }
      std::vector<T> all;
      for (auto& x : answers)
        all.insert(all.end(), std::make_move_iterator(x.value->begin()),
                   std::make_move_iterator(x.value->end()));
      done(std::move(all));
    },
    xs...);
}

} // namespace lunch
